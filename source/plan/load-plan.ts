import {readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import type {Plan, PlanIssue} from '../types.js';
import {UsageError} from '../util/errors.js';
import {formatIssue} from './format-issue.js';
import {checkPlan, type IssueRef, type Locator} from './plan-check.js';
import {effectiveDeps} from './schedule.js';
import {importSpecKit} from './speckit.js';

export interface LoadedPlan {
	plan: Plan;
	warnings: PlanIssue[];
	/** effectiveDeps(plan) as computed for the checks (its lists are the steps' depends_on): hand it to executionBatches. */
	deps: Map<string, string[]>;
	/** executionBatches(plan, {deps}) (no cap), when the checks computed it on the way. */
	batches?: string[][];
}

/** A plan the user must fix. The message is the first error; details hold every other issue. */
export class PlanError extends UsageError {
	constructor(readonly issues: PlanIssue[]) {
		const errors = issues.filter((i) => i.severity === 'error');
		const warnings = issues.filter((i) => i.severity !== 'error');
		const ordered = [...errors, ...warnings];
		super(ordered.length > 0 ? formatIssue(ordered[0]) : 'invalid plan', ordered.slice(1).map((i) => formatIssue(i)));
		this.name = 'PlanError';
	}
}

/** Read, parse and check a plan file (YAML, JSON or a spec-kit tasks.md). Throws PlanError. */
export async function loadPlan(planPath: string, opts: {cwd: string}): Promise<LoadedPlan> {
	const absPath = path.resolve(opts.cwd, planPath);
	const fail = (message: string, fix: string): never => {
		throw new PlanError([{file: absPath, severity: 'error', message, fix}]);
	};
	let text: string;
	try {
		const info = await stat(absPath);
		if (info.isDirectory()) {
			fail('the plan path is a folder, not a file', 'pass the plan file itself, e.g. plan.yaml or specs/001-feature/tasks.md');
		}
		text = await readFile(absPath, 'utf8');
	} catch (error) {
		if (error instanceof PlanError) throw error;
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') {
			fail('plan file not found', 'check the path, or write one with `orchestrator init`');
		}
		if (code === 'EACCES' || code === 'EPERM') fail('cannot read the plan file (permission denied)', 'check its permissions');
		fail(`cannot read the plan file (${code ?? (error as Error).message})`, 'check that it is a readable file');
	}
	return parsePlanText(text!, absPath, opts);
}

/**
 * Parse and check plan text; the format follows the file extension. Throws PlanError.
 * The YAML reader (yaml, zod: two thirds of the plan code) is loaded only for YAML and JSON plans,
 * so a spec-kit tasks.md is read without parsing them.
 */
export async function parsePlanText(text: string, absPath: string, opts: {cwd: string}): Promise<LoadedPlan> {
	const ext = path.extname(absPath).toLowerCase();
	if (ext === '.md' || ext === '.markdown') {
		const imported = importSpecKit(text, absPath, opts);
		return finishPlan(imported.plan, imported.warnings, speckitLocator(imported.plan), {filesAreGuessed: true});
	}
	if (ext === '.yaml' || ext === '.yml' || ext === '.json') {
		const {parseYamlPlan} = await import('./yaml-plan.js');
		return parseYamlPlan(text, absPath, ext === '.json' ? 'json' : 'yaml');
	}
	throw new PlanError([
		{file: absPath, severity: 'error', message: `unknown plan format "${ext || '(no extension)'}"`, fix: 'use a .yaml, .yml or .json plan, or a spec-kit tasks.md'},
	]);
}

/** Check a parsed plan and give every step the dependencies the scheduler uses. Throws PlanError. */
export function finishPlan(plan: Plan, earlier: PlanIssue[], locator: Locator, opts: {filesAreGuessed?: boolean} = {}): LoadedPlan {
	// Computed once: the checks (cycle, parallel files) and the rewrite below use the same map.
	const deps = effectiveDeps(plan);
	const schedule: {batches?: string[][]} = {};
	const issues = [...earlier, ...checkPlan(plan, locator, {...opts, deps, schedule})];
	const errors = sortIssues(issues.filter((i) => i.severity === 'error'));
	const warnings = sortIssues(issues.filter((i) => i.severity !== 'error'));
	if (errors.length > 0) throw new PlanError([...errors, ...warnings]);
	// From here on every consumer sees the dependencies the scheduler uses; agent errors found
	// later (checkAgents) can still name the place of the step's `agent:`.
	plan.phases.forEach((phase, pi) =>
		phase.steps.forEach((step, si) => {
			step.depends_on = deps.get(step.id) ?? step.depends_on;
			if (step.agent) {
				const at = locator({phase: pi, step: si, path: ['agent']});
				if (at.line) step.agentAt = {line: at.line, col: at.col ?? 1};
			}
		}),
	);
	return {plan, warnings, deps, batches: schedule.batches};
}

export function sortIssues(issues: PlanIssue[]): PlanIssue[] {
	return issues
		.map((issue, i) => ({issue, i}))
		.sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || (a.issue.col ?? 0) - (b.issue.col ?? 0) || a.i - b.i)
		.map((x) => x.issue);
}

function speckitLocator(plan: Plan): Locator {
	return (ref: IssueRef) => {
		if (ref.phase === undefined) return {};
		const phase = plan.phases[ref.phase];
		const step = ref.step !== undefined ? phase?.steps[ref.step] : phase?.steps[0];
		if (!step?.sourceLine) return {};
		return ref.step !== undefined ? {line: step.sourceLine, col: 1} : {};
	};
}
