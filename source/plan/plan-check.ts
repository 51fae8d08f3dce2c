import type {Plan, PlanIssue, Step} from '../types.js';
import {effectiveDeps, findCycle, parallelGroups} from './schedule.js';
import type {LinePos, PathSegment} from './yaml-locate.js';

// The checks that need the whole plan (ids, dependencies, files), shared by the YAML/JSON
// loader and the spec-kit import. Shape problems are the loader's job.

/** A place in the plan: phase and step by index, then a path inside the step or phase. */
export interface IssueRef {
	phase?: number;
	step?: number;
	path?: PathSegment[];
	/** Point at the key of the last path segment rather than its value. */
	key?: boolean;
}

export type Locator = (ref: IssueRef) => LinePos;

export interface CheckOptions {
	/** spec-kit: files are guessed from task text, so a shared file in a [P] batch is a warning. */
	filesAreGuessed?: boolean;
	/** effectiveDeps(plan), when the caller has it already (the loader keeps it for the plan). */
	deps?: Map<string, string[]>;
	/** Filled with executionBatches(plan, {deps}) when the file check computed it on the way. */
	schedule?: {batches?: string[][]};
}

/** Ids end up in git refs, tag names and file names. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function badId(id: string): boolean {
	return !ID_PATTERN.test(id) || id.includes('..') || id.endsWith('.lock') || id.endsWith('.');
}

export function slugify(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/, '');
}

export function checkPlan(plan: Plan, locate: Locator, opts: CheckOptions = {}): PlanIssue[] {
	const file = plan.source.path;
	const issues: PlanIssue[] = [];
	const at = (ref: IssueRef) => ({file, ...locate(ref)});
	const error = (ref: IssueRef, message: string, fix?: string) =>
		issues.push({...at(ref), severity: 'error', message, ...(fix ? {fix} : {})});
	const warning = (ref: IssueRef, message: string, fix?: string) =>
		issues.push({...at(ref), severity: 'warning', message, ...(fix ? {fix} : {})});
	const lineOf = (ref: IssueRef) => locate(ref).line;
	// The spec-kit importer makes ids well-formed and unique (T012, a repeat renamed T012-2; phase
	// ids are slugs made unique), gives every step its task text as prompt, and points every
	// dependency at a task above it: the id, prompt and dependency checks below cannot find anything
	// there, and each would walk 10,000 steps of a large tasks.md.
	const imported = plan.source.format === 'speckit';

	// Ids: well-formed and unique.
	if (badId(plan.id)) {
		error({path: ['id']}, `plan id "${plan.id}" is used in git ref names and cannot contain spaces or special characters`, `use letters, digits, ".", "_" and "-", e.g. id: ${slugify(plan.id) || 'my-plan'}`);
	}
	const phaseAt = new Map<string, number>();
	plan.phases.forEach((phase, pi) => {
		if (badId(phase.id)) {
			error({phase: pi, path: ['id']}, `phase id "${phase.id}" is used in git tag names and cannot contain spaces or special characters`, `use letters, digits, ".", "_" and "-", e.g. id: ${slugify(phase.id) || 'phase-' + (pi + 1)}`);
		}
		const first = phaseAt.get(phase.id);
		if (first === undefined) phaseAt.set(phase.id, pi);
		else {
			error({phase: first, path: ['id']}, `phase id "${phase.id}" is used twice (also at line ${lineOf({phase: pi, path: ['id']}) ?? '?'})`, 'give each phase its own id');
			error({phase: pi, path: ['id']}, `phase id "${phase.id}" is used twice (first at line ${lineOf({phase: first, path: ['id']}) ?? '?'})`, 'give each phase its own id');
		}
	});

	const stepAt = new Map<string, {pi: number; si: number}>();
	if (!imported) plan.phases.forEach((phase, pi) =>
		phase.steps.forEach((step, si) => {
			const ref = {phase: pi, step: si, path: ['id']};
			if (badId(step.id)) {
				error(ref, `step id "${step.id}" is used in commit trailers and file names and cannot contain spaces or special characters`, `use letters, digits, ".", "_" and "-", e.g. id: ${slugify(step.id) || 'T' + String(si + 1).padStart(3, '0')}`);
			}
			const first = stepAt.get(step.id);
			if (!first) {
				stepAt.set(step.id, {pi, si});
				return;
			}
			const firstRef = {phase: first.pi, step: first.si, path: ['id']};
			error(firstRef, `step id "${step.id}" is used twice (also at line ${lineOf(ref) ?? '?'})`, 'give each step its own id');
			error(ref, `step id "${step.id}" is used twice (first at line ${lineOf(firstRef) ?? '?'})`, 'give each step its own id');
		}),
	);

	// Each step needs something to do.
	if (!imported) plan.phases.forEach((phase, pi) =>
		phase.steps.forEach((step, si) => {
			if (step.prompt || step.run || step.slash) return;
			error({phase: pi, step: si}, `steps[${si}] of phase ${phase.id} (${step.id}) needs \`prompt\`, \`run\` or \`slash\``, 'add one of them: `prompt:` what the agent should do, or `run:` a shell command');
		}),
	);

	// Dependencies: known, not on a later phase.
	let allIds: string[] | undefined;
	let unknownDeps = false;
	if (!imported) plan.phases.forEach((phase, pi) =>
		phase.steps.forEach((step, si) => {
			step.depends_on.forEach((dep, k) => {
				const target = stepAt.get(dep);
				if (target && target.pi <= pi) return;
				const ref = {phase: pi, step: si, path: ['depends_on', k]};
				if (!target) {
					unknownDeps = true;
					allIds ??= [...stepAt.keys()];
					const choices = allIds.filter((id) => id !== step.id && (stepAt.get(id)!.pi <= pi));
					error(ref, `unknown step "${dep}" in depends_on of ${step.id}`, `use one of ${suggestionList(dep, choices)}`);
				} else if (target.pi > pi) {
					const later = plan.phases[target.pi].id;
					error(ref, `${step.id} (phase ${phase.id}) depends on ${dep} of the later phase ${later}`, `phases run in order: move ${dep} into phase ${phase.id} or earlier, or move ${step.id} into phase ${later}`);
				}
			});
		}),
	);

	const deps = opts.deps ?? effectiveDeps(plan);
	const cycle = findCycle(plan, deps);
	// Positions by id for the reports below: an import skipped the walk that fills them, so they
	// are filled here when there is something to report.
	const fillPositions = () => {
		if (stepAt.size > 0) return;
		plan.phases.forEach((phase, pi) => phase.steps.forEach((step, si) => stepAt.has(step.id) || stepAt.set(step.id, {pi, si})));
	};
	if (cycle) {
		fillPositions();
		// Point at the explicit depends_on entry that closes the loop, when there is one.
		let ref: IssueRef = {};
		for (let i = 0; i < cycle.length - 1; i++) {
			const pos = stepAt.get(cycle[i]);
			if (!pos) continue;
			const step = plan.phases[pos.pi].steps[pos.si];
			const k = step.depends_on.indexOf(cycle[i + 1]);
			if (k >= 0) {
				ref = {phase: pos.pi, step: pos.si, path: ['depends_on', k]};
				break;
			}
		}
		error(ref, `dependency cycle: ${cycle.join(' → ')} (each depends on the next)`, 'remove one of these depends_on entries');
	}

	// Parallel steps that would share a batch must not share files.
	if (!cycle && !unknownDeps) {
		const posOf = (id: string) => {
			fillPositions();
			return stepAt.get(id)!;
		};
		const groups = parallelGroups(plan, deps);
		if (opts.schedule) opts.schedule.batches = groups.batches;
		for (const c of groups.conflicts) {
			const {pi, si} = posOf(c.step);
			const step = plan.phases[pi].steps[si];
			const k = step.files.indexOf(c.files[0]);
			const ref = {phase: pi, step: si, path: k >= 0 ? ['files', k] : ['files']};
			const message = `parallel steps ${c.other} and ${c.step} both declare ${c.files.join(', ')}`;
			if (opts.filesAreGuessed) {
				warning(ref, `${message} (files read from the task text); they will run one after the other`, `drop [P] from one of them if they really touch the same file`);
			} else {
				error(ref, message, `drop \`parallel: true\` from one of them, or add depends_on: [${c.other}] to ${c.step}`);
			}
		}
	}

	// Warnings: untested or empty phases, big-bang steps.
	const tested = (pi: number) => plan.phases[pi].gate.checks.length > 0;
	if (plan.phases.length > 0 && !plan.phases.some((_, pi) => tested(pi))) {
		warning({path: ['phases'], key: true}, 'no phase is tested: no gate has checks and the plan has no `test:`', 'add `test: <your test command>` at the top of the plan (every phase runs it at its gate)');
	} else {
		plan.phases.forEach((phase, pi) => {
			if (!tested(pi)) warning({phase: pi}, `phase ${phase.id} is never tested`, 'add gate.checks to it, or a top-level `test:` command');
		});
	}
	plan.phases.forEach((phase, pi) => {
		if (phase.steps.length === 0) warning({phase: pi}, `phase ${phase.id} has no steps`, 'add steps to it or remove it');
		phase.steps.forEach((step: Step, si) => {
			if (step.files.length > plan.max_files) {
				warning({phase: pi, step: si, path: ['files']}, `${step.id} declares ${step.files.length} files, more than max_files (${plan.max_files}): a big-bang change`, 'split the step, or raise max_files');
			}
		});
	});
	return issues;
}

/** "T008, T001, T002, …": the closest ids first (edit distance), at most six. */
export function suggestionList(wanted: string, choices: string[]): string {
	if (choices.length === 0) return 'an id of a step in this or an earlier phase (there is none)';
	const scored =
		choices.length <= 5_000
			? choices.map((id, i) => ({id, i, d: editDistance(wanted.toLowerCase(), id.toLowerCase())})).sort((a, b) => a.d - b.d || a.i - b.i)
			: choices.map((id, i) => ({id, i, d: 0}));
	const shown = scored.slice(0, 6).map((s) => s.id);
	return shown.join(', ') + (choices.length > shown.length ? ', …' : '');
}

export function editDistance(a: string, b: string): number {
	if (a === b) return 0;
	let prev = Array.from({length: b.length + 1}, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const cur = [i];
		for (let j = 1; j <= b.length; j++) {
			cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
		}
		prev = cur;
	}
	return prev[b.length];
}
