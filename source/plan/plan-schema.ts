import {z} from 'zod';

// The shape of a YAML/JSON plan file (SPEC.md "Plan file"), before normalisation.
// Unknown keys are stripped here and reported as warnings by the loader (see KNOWN_KEYS).
// `null` (a key written with no value) counts as absent for optional keys.

/** A single string is accepted where a list is expected (`files: src/a.ts`). */
const stringList = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.string().min(1)));

const text = z.string().min(1);
const seconds = z.number().nonnegative();

export const measureSchema = z.object({
	command: text,
	metric: text.nullish(),
	baseline_step: text,
	better: z.enum(['lower', 'higher']),
	min_change: z.number().nonnegative().nullish(),
});

export const checkObjectSchema = z.object({
	command: text,
	name: text.nullish(),
	expect: z.enum(['pass', 'fail-then-pass']).nullish(),
	measure: measureSchema.nullish(),
});

/** A check is a command string or `{command, name, expect, measure}`. */
export const checkSchema = z.preprocess((v) => (typeof v === 'string' ? {command: v} : v), checkObjectSchema);

export const gateSchema = z.object({
	checks: z.array(checkSchema).nullish(),
	approve: z.boolean().nullish(),
	tag: z.boolean().nullish(),
});

export const stepSchema = z.object({
	id: text,
	title: text.nullish(),
	agent: text.nullish(),
	prompt: text.nullish(),
	run: text.nullish(),
	slash: text.nullish(),
	files: stringList.nullish(),
	depends_on: stringList.nullish(),
	parallel: z.boolean().nullish(),
	done: z.boolean().nullish(),
	timeout: seconds.nullish(),
	stall_timeout: seconds.nullish(),
});

export const phaseSchema = z.object({
	id: text.nullish(),
	title: text.nullish(),
	steps: z.array(stepSchema).nullish(),
	gate: gateSchema.nullish(),
});

export const agentSchema = z.object({
	preset: text.nullish(),
	command: z.array(z.string()).min(1).nullish(),
	role: text.nullish(),
	executable: text.nullish(),
	args: z.array(z.string()).nullish(),
	model: text.nullish(),
	timeout: seconds.nullish(),
	stall_timeout: seconds.nullish(),
	env: z.record(z.string()).nullish(),
});

export const planFileSchema = z.object({
	id: text.nullish(),
	title: text.nullish(),
	test: text.nullish(),
	agent: text.nullish(),
	agents: z.record(agentSchema).nullish(),
	fixer: text.nullish(),
	strict: z.boolean().nullish(),
	max_files: z.number().int().positive().nullish(),
	phases: z.array(phaseSchema).min(1),
});

export type PlanFile = z.infer<typeof planFileSchema>;
export type PhaseFile = z.infer<typeof phaseSchema>;
export type StepFile = z.infer<typeof stepSchema>;

/** The keys each kind of mapping knows, for the unknown-key warnings. */
export const KNOWN_KEYS = {
	plan: Object.keys(planFileSchema.shape),
	phase: Object.keys(phaseSchema.shape),
	step: Object.keys(stepSchema.shape),
	gate: Object.keys(gateSchema.shape),
	check: Object.keys(checkObjectSchema.shape),
	measure: Object.keys(measureSchema.shape),
	agent: Object.keys(agentSchema.shape),
} as const;

export type MappingKind = keyof typeof KNOWN_KEYS;

/**
 * Keys people write from habit (other tools, spec-kit, GitHub Actions) mapped to ours, per kind.
 * Spelling variants (`depends-on`, `dependsOn`, `Depends_On`) are caught by normalisation instead.
 */
export const KEY_ALIASES: Partial<Record<MappingKind, Record<string, string>>> = {
	plan: {name: 'title', tests: 'test', default_agent: 'agent', steps: 'phases', tasks: 'phases', fix_agent: 'fixer'},
	phase: {name: 'title', tasks: 'steps', checks: 'gate.checks', tests: 'gate.checks', test: 'gate.checks'},
	step: {
		name: 'title',
		description: 'title',
		task: 'prompt',
		instructions: 'prompt',
		command: 'run',
		cmd: 'run',
		script: 'run',
		depends: 'depends_on',
		dependencies: 'depends_on',
		needs: 'depends_on',
		after: 'depends_on',
		requires: 'depends_on',
		file: 'files',
		paths: 'files',
		parallelizable: 'parallel',
		completed: 'done',
		role: 'agent',
	},
	gate: {check: 'checks', commands: 'checks', tests: 'checks', approval: 'approve', auto_approve: 'approve'},
	check: {run: 'command', cmd: 'command'},
	agent: {cmd: 'command', bin: 'executable', path: 'executable'},
};

/** Keys whose scalar value is text even when YAML reads a number (`id: 001` must stay "001"). */
export const TEXT_KEYS = new Set([
	'id',
	'title',
	'test',
	'agent',
	'fixer',
	'prompt',
	'run',
	'slash',
	'name',
	'model',
	'role',
	'preset',
	'executable',
	'metric',
	'baseline_step',
	'command',
]);

/** Keys whose list items are text. */
export const TEXT_LIST_KEYS = new Set(['files', 'depends_on', 'checks', 'command', 'args']);
