// YAML and JSON plans: parsed with positions (yaml), shaped and checked (zod), normalised into the
// shared Plan type. Loaded by load-plan.ts only when a plan is YAML or JSON.
import path from 'node:path';
import {isMap, isScalar, isSeq, LineCounter, parseDocument, type Document} from 'yaml';
import type {ZodIssue} from 'zod';
import type {AgentSpec, CheckSpec, Phase, Plan, PlanIssue, Step} from '../types.js';
import {finishPlan, PlanError, sortIssues, type LoadedPlan} from './load-plan.js';
import {editDistance, slugify, type IssueRef} from './plan-check.js';
import {KEY_ALIASES, KNOWN_KEYS, planFileSchema, TEXT_KEYS, TEXT_LIST_KEYS, type MappingKind, type PlanFile} from './plan-schema.js';
import {planSource} from './plan-source.js';
import {locate, mapKeys, type PathSegment} from './yaml-locate.js';

const DEFAULT_MAX_FILES = 25;

export function parseYamlPlan(text: string, absPath: string, format: 'yaml' | 'json'): LoadedPlan {
	const lc = new LineCounter();
	const doc = parseDocument(text, {lineCounter: lc, prettyErrors: false, uniqueKeys: true});
	const issueAt = (severity: PlanIssue['severity'], p: PathSegment[], message: string, fix?: string, key = false): PlanIssue => ({
		file: absPath,
		...locate(doc, lc, p, {key}),
		severity,
		message,
		...(fix ? {fix} : {}),
	});

	const syntax: PlanIssue[] = [];
	for (const e of doc.errors) {
		const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
		syntax.push({
			file: absPath,
			line: pos.line,
			col: pos.col,
			severity: 'error',
			message: `${format === 'json' ? 'JSON' : 'YAML'} syntax: ${yamlMessage(e.message)}`,
			fix: e.code === 'DUPLICATE_KEY' ? 'remove or rename the repeated key' : `fix the ${format === 'json' ? 'JSON' : 'YAML'} at this place`,
		});
	}
	if (syntax.length > 0) throw new PlanError(syntax);

	if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
		throw new PlanError([{file: absPath, line: 1, col: 1, severity: 'error', message: 'the plan is empty', fix: 'write `id:`, `title:` and `phases:` (see `orchestrator init`)'}]);
	}
	if (!isMap(doc.contents)) {
		throw new PlanError([issueAt('error', [], 'a plan must be a mapping with `phases:`, not ' + (isSeq(doc.contents) ? 'a list' : 'a single value'), 'start the file with `id: my-plan`, `title: …` and `phases:`')]);
	}

	coerceTextScalars(doc);
	const raw = doc.toJS({maxAliasCount: 1000}) as Record<string, unknown>;
	const warnings = unknownKeyWarnings(doc, absPath, lc, raw);

	const parsed = planFileSchema.safeParse(raw);
	if (!parsed.success) {
		const errors = parsed.error.issues.map((zi) => {
			const {message, fix} = describeZodIssue(zi, raw);
			return issueAt('error', zi.path, message, fix, zi.code === 'invalid_type' && zi.received === 'undefined');
		});
		throw new PlanError([...sortIssues(dedupe(errors)), ...warnings]);
	}

	const earlier: PlanIssue[] = [...warnings];
	const plan = normalise(parsed.data, raw, absPath, format, text, (ref, severity, message, fix) => {
		earlier.push(issueAt(severity, refPath(ref), message, fix, ref.key));
	});
	return finishPlan(plan, earlier, (ref) => locate(doc, lc, refPath(ref), {key: ref.key}));
}

function refPath(ref: IssueRef): PathSegment[] {
	const p: PathSegment[] = [];
	if (ref.phase !== undefined) p.push('phases', ref.phase);
	if (ref.step !== undefined) p.push('steps', ref.step);
	return [...p, ...(ref.path ?? [])];
}

/** First line of a yaml error, without its "at line X, column Y" tail (we print the position). */
function yamlMessage(message: string): string {
	return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}

function dedupe(issues: PlanIssue[]): PlanIssue[] {
	const seen = new Set<string>();
	return issues.filter((i) => {
		const k = `${i.line}:${i.col}:${i.message}`;
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}

/** `id: 001` is the text "001", not the number 1: keep the source text of numbers where text is meant. */
function coerceTextScalars(doc: Document): void {
	const visit = (node: unknown, key: string | undefined) => {
		if (isMap(node)) {
			for (const pair of node.items) {
				const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
				if (isScalar(pair.value) && k && (TEXT_KEYS.has(k) || TEXT_LIST_KEYS.has(k) || key === 'env')) toText(pair.value);
				else visit(pair.value, k);
			}
		} else if (isSeq(node)) {
			for (const item of node.items) {
				if (isScalar(item) && key && TEXT_LIST_KEYS.has(key)) toText(item);
				else visit(item, undefined);
			}
		}
	};
	visit(doc.contents, undefined);
}

function toText(scalar: {value: unknown; source?: string}): void {
	if (typeof scalar.value === 'number') scalar.value = scalar.source ?? String(scalar.value);
}

// ---------------------------------------------------------------------------
// Unknown keys

function unknownKeyWarnings(doc: Document, file: string, lc: LineCounter, raw: Record<string, unknown>): PlanIssue[] {
	const out: PlanIssue[] = [];
	const check = (p: PathSegment[], kind: MappingKind, owner: string) => {
		const node = nodeAtPath(doc, p);
		for (const {key, offset} of mapKeys(node)) {
			if ((KNOWN_KEYS[kind] as readonly string[]).includes(key)) continue;
			const pos = offset !== undefined ? lc.linePos(offset) : undefined;
			const suggestion = suggestKey(key, kind);
			out.push({
				file,
				...(pos ? {line: pos.line, col: pos.col} : {}),
				severity: 'warning',
				message: `unknown key "${key}" in ${owner} is ignored`,
				fix: suggestion ? `did you mean \`${suggestion}\`? rename it` : `remove it (known keys: ${KNOWN_KEYS[kind].join(', ')})`,
			});
		}
	};
	check([], 'plan', 'the plan');
	const agents = raw.agents;
	if (agents && typeof agents === 'object' && !Array.isArray(agents)) {
		for (const name of Object.keys(agents)) check(['agents', name], 'agent', `agent ${name}`);
	}
	const phases = Array.isArray(raw.phases) ? raw.phases : [];
	phases.forEach((phase: unknown, pi) => {
		const phaseLabel = `phase ${idOf(phase) ?? `#${pi + 1}`}`;
		check(['phases', pi], 'phase', phaseLabel);
		check(['phases', pi, 'gate'], 'gate', `the gate of ${phaseLabel}`);
		const checks = (phase as {gate?: {checks?: unknown}})?.gate?.checks;
		if (Array.isArray(checks)) {
			checks.forEach((c, ci) => {
				check(['phases', pi, 'gate', 'checks', ci], 'check', `gate.checks[${ci}] of ${phaseLabel}`);
				check(['phases', pi, 'gate', 'checks', ci, 'measure'], 'measure', `the measure of gate.checks[${ci}] of ${phaseLabel}`);
			});
		}
		const steps = (phase as {steps?: unknown})?.steps;
		if (Array.isArray(steps)) {
			steps.forEach((step, si) => check(['phases', pi, 'steps', si], 'step', `step ${idOf(step) ?? `#${si + 1} of ${phaseLabel}`}`));
		}
	});
	return out;
}

function nodeAtPath(doc: Document, p: PathSegment[]): unknown {
	return p.length === 0 ? doc.contents : doc.getIn(p, true);
}

function idOf(value: unknown): string | undefined {
	const id = (value as {id?: unknown} | null)?.id;
	return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** The key someone most likely meant: a spelling variant, a habit from another tool, or a typo. */
export function suggestKey(key: string, kind: MappingKind): string | undefined {
	const known = KNOWN_KEYS[kind] as readonly string[];
	const norm = key
		.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
		.toLowerCase()
		.replace(/[-\s.]+/g, '_');
	if (known.includes(norm)) return norm;
	const alias = KEY_ALIASES[kind]?.[norm];
	if (alias) return alias;
	let best: {k: string; d: number} | undefined;
	for (const k of known) {
		const d = editDistance(norm, k);
		if (d <= Math.max(1, Math.floor(k.length / 4)) && (!best || d < best.d)) best = {k, d};
	}
	return best?.k;
}

// ---------------------------------------------------------------------------
// Shape errors (zod) in the words of the plan

const FIELD_HINTS: Record<string, string> = {
	phases: 'write phases as a list: `phases:` then `- id: setup` with its `steps:`',
	steps: 'write steps as a list: `steps:` then `- id: T001` with `prompt:` or `run:`',
	files: 'write a list of paths or globs, e.g. `files: [src/a.ts, "src/lib/**"]`',
	depends_on: 'write a list of step ids, e.g. `depends_on: [T001]`',
	checks: 'write a list of commands, e.g. `checks: [npm test, npm run lint]`',
	gate: 'write the gate as a mapping, e.g. `gate: {checks: [npm test], approve: true}`',
	agents: 'write agents as a mapping of names to agents, e.g. `agents: {writer: {preset: claude}}`',
	env: 'write env as a mapping of names to values',
	args: 'write a list of arguments, e.g. `args: [--verbose]`',
	id: 'add an id, e.g. `id: T001` (letters, digits, ".", "_", "-")',
	expect: 'use `pass` or `fail-then-pass`',
	better: 'use `lower` or `higher`',
	max_files: 'write a whole number, e.g. `max_files: 25`',
	timeout: 'write a number of seconds, e.g. `timeout: 600`',
	stall_timeout: 'write a number of seconds, e.g. `stall_timeout: 120`',
};

const EXPECTED: Record<string, string> = {
	string: 'text',
	array: 'a list',
	object: 'a mapping',
	boolean: 'true or false',
	number: 'a number',
	integer: 'a whole number',
};

const RECEIVED: Record<string, string> = {
	string: 'text',
	array: 'a list',
	object: 'a mapping',
	boolean: 'true/false',
	number: 'a number',
	null: 'an empty value',
	undefined: 'nothing',
};

function describeZodIssue(issue: ZodIssue, raw: Record<string, unknown>): {message: string; fix?: string} {
	const {owner, rest} = ownerOf(raw, issue.path);
	const field = formatField(rest);
	const subject = field ? `\`${field}\` of ${owner}` : owner;
	const lastKey = [...rest].reverse().find((s): s is string => typeof s === 'string') ?? (issue.path.length > 0 ? String([...issue.path].reverse().find((s) => typeof s === 'string')) : '');
	const isItem = typeof issue.path[issue.path.length - 1] === 'number';
	let fix = FIELD_HINTS[lastKey];

	switch (issue.code) {
		case 'invalid_type': {
			if (issue.received === 'undefined') {
				const what = rest.length > 0 ? rest.slice(0, -1) : [];
				const holder = what.length > 0 ? `\`${formatField(what)}\` of ${owner}` : owner;
				return {message: `${holder} has no \`${String(issue.path[issue.path.length - 1])}\``, fix: fix ?? `add \`${String(issue.path[issue.path.length - 1])}:\``};
			}
			let expected = EXPECTED[issue.expected] ?? issue.expected;
			if (isItem && lastKey === 'checks') {
				expected = 'a command (text) or a mapping {command, name, expect, measure}';
				fix = 'write the check as a command, e.g. `- npm test`';
			} else if (isItem && lastKey === 'phases') {
				expected = 'a mapping (id, title, steps, gate)';
			} else if (isItem && lastKey === 'steps') {
				expected = 'a mapping (id, title, prompt or run, files, …)';
				fix = 'start each step with `- id: T001` and give it `prompt:` or `run:`';
			} else if (isItem) {
				fix = FIELD_HINTS[lastKey] ?? `write ${expected}`;
			}
			return {message: `${subject} must be ${expected}, not ${RECEIVED[issue.received] ?? issue.received}`, fix: fix ?? `write ${expected}`};
		}
		case 'too_small':
			if (issue.type === 'string') return {message: `${subject} is empty`, fix: 'write a value, or remove the key'};
			if (issue.type === 'array') {
				return {message: `${subject} is an empty list`, fix: fix ?? 'add at least one item'};
			}
			return {message: `${subject} must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`, fix: fix ?? 'use a larger number'};
		case 'invalid_enum_value':
			return {message: `${subject} must be one of ${issue.options.join(', ')}, not "${String(issue.received)}"`, fix: fix ?? `use one of ${issue.options.join(', ')}`};
		default:
			return {message: `${subject}: ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`, fix};
	}
}

/** "step T003", "steps[2] of phase core", "phase core", "agent writer" or "the plan", and the path left. */
function ownerOf(raw: Record<string, unknown>, p: PathSegment[]): {owner: string; rest: PathSegment[]} {
	if (p[0] === 'phases' && typeof p[1] === 'number' && Array.isArray(raw.phases)) {
		const phase = raw.phases[p[1]] as Record<string, unknown> | undefined;
		const phaseLabel = idOf(phase) !== undefined ? `phase ${idOf(phase)}` : `phases[${p[1]}]`;
		if (p[2] === 'steps' && typeof p[3] === 'number') {
			const steps = phase?.steps;
			const step = Array.isArray(steps) ? steps[p[3]] : undefined;
			const id = idOf(step);
			return {owner: id !== undefined ? `step ${id}` : `steps[${p[3]}] of ${phaseLabel}`, rest: p.slice(4)};
		}
		return {owner: phaseLabel, rest: p.slice(2)};
	}
	if (p[0] === 'agents' && p.length > 1) return {owner: `agent ${String(p[1])}`, rest: p.slice(2)};
	return {owner: 'the plan', rest: p};
}

function formatField(p: PathSegment[]): string {
	let s = '';
	for (const seg of p) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
	return s;
}

// ---------------------------------------------------------------------------
// Normalisation into the shared Plan type

type Report = (ref: IssueRef, severity: PlanIssue['severity'], message: string, fix?: string) => void;

function normalise(data: PlanFile, raw: Record<string, unknown>, absPath: string, format: 'yaml' | 'json', text: string, report: Report): Plan {
	const stem = path.basename(absPath, path.extname(absPath));
	const id = data.id ?? (slugify(stem) || 'plan');
	const test = data.test ?? undefined;

	const agents: Record<string, AgentSpec> = {};
	for (const [name, spec] of Object.entries(data.agents ?? {})) agents[name] = compact(spec) as AgentSpec;

	const rawPhases = raw.phases as Array<Record<string, unknown> | undefined>;
	const phases: Phase[] = data.phases.map((pf, pi) => {
		let phaseId = pf.id ?? (pf.title ? slugify(pf.title) : '');
		if (!phaseId) {
			report({phase: pi}, 'error', `phases[${pi}] has no \`id\``, 'add an id, e.g. `id: setup`');
			phaseId = `phase-${pi + 1}`;
		}
		const checks: CheckSpec[] = pf.gate?.checks
			? pf.gate.checks.map((c) => compact({...c, measure: c.measure ? compact(c.measure) : undefined}) as CheckSpec)
			: test
				? [{command: test}]
				: [];
		const rawSteps = rawPhases[pi]?.steps as Array<Record<string, unknown> | undefined> | undefined;
		const steps: Step[] = (pf.steps ?? []).map((sf, si) => {
			const givenDeps = rawSteps?.[si]?.depends_on;
			if (Array.isArray(givenDeps) && givenDeps.length === 0 && si > 0) {
				report({phase: pi, step: si, path: ['depends_on']}, 'warning', `\`depends_on: []\` of ${sf.id} means the default (the step before it)`, 'remove it, or mark the step `parallel: true` to let it run alongside others');
			}
			return compact({
				id: sf.id,
				title: sf.title ?? shortTitle(sf.prompt ?? sf.run ?? sf.slash) ?? sf.id,
				phaseId,
				agent: sf.agent,
				prompt: sf.prompt,
				run: sf.run,
				slash: sf.slash,
				files: sf.files ?? [],
				depends_on: sf.depends_on ?? [],
				parallel: sf.parallel ?? false,
				done: sf.done ?? false,
				timeout: sf.timeout,
				stall_timeout: sf.stall_timeout,
			}) as Step;
		});
		return {
			id: phaseId,
			title: pf.title ?? phaseId,
			steps,
			gate: {checks, approve: pf.gate?.approve ?? true, tag: pf.gate?.tag ?? true},
		};
	});

	return compact({
		id,
		title: data.title ?? id,
		test,
		agents,
		defaultAgent: data.agent,
		fixer: data.fixer,
		strict: data.strict ?? false,
		max_files: data.max_files ?? DEFAULT_MAX_FILES,
		phases,
		source: planSource(absPath, format, text),
	}) as Plan;
}

/** Drop null/undefined fields so the plan (and its JSON) holds only what is set. */
function compact<T extends object>(obj: T): T {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(obj)) if (v !== null && v !== undefined) out[k] = v;
	return out as T;
}

function shortTitle(text: string | null | undefined): string | undefined {
	if (!text) return undefined;
	const line = text.split('\n').find((l) => l.trim() !== '')?.trim();
	if (!line) return undefined;
	return line.length > 72 ? `${line.slice(0, 71).trimEnd()}…` : line;
}
