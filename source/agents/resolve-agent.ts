// Which agent runs a step, with which executable and instructions.
//
// Order for a step: `run:` and no agent → shell. Otherwise its agent name (or the default:
// --agent, then the plan's `agent:`, then claude) is looked up as
//   1. a plan agent (agents: NAME) — its preset / command / role / executable;
//   2. a preset name (claude, codex, gemini, aider, shell);
//   3. a role file NAME.md in .specify/agents/ or .claude/agents/ of the repository, then among
//      the role files this package ships (.specify/agents/ next to package.json).
// A role file's body becomes the agent's instructions; its front matter `model` is used unless
// the plan sets one (Claude aliases like "sonnet" only for the claude preset).
import {accessSync, constants, existsSync, statSync} from 'node:fs';
import {stat} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {AgentSpec, Plan, PlanIssue, Step} from '../types.js';
import {UsageError} from '../util/errors.js';
import type {Preset, PromptContext} from './preset.js';
import {getPreset} from './presets/index.js';
import {RoleFileError} from './role-file-error.js';

export interface ResolvedAgent {
	/** Display name: the agent name of the step, the default agent's name, or "shell". */
	name: string;
	preset: Preset;
	/** What to start: a name looked up on PATH or a path. */
	executable: string;
	/** The effective spec (plan agent merged with what the role file and default add). */
	spec: AgentSpec;
	instructions?: string;
	rolePath?: string;
}

export interface ResolveOptions {
	defaultAgent?: string;
}

/** Presets a step may name directly (command needs a plan agent with `command:`). */
const STEP_PRESETS = ['claude', 'codex', 'gemini', 'aider', 'shell'];
const ROLE_DIRS = ['.specify/agents', '.claude/agents'];
/** Claude Code's model aliases in role files: meaningless to other CLIs. */
const CLAUDE_ALIASES = new Set(['haiku', 'sonnet', 'opus', 'opusplan']);

/** An agent problem with the parts a PlanIssue needs. */
export class AgentError extends UsageError {
	constructor(
		readonly reason: string,
		readonly fix: string,
		/** Set for an unknown agent name: checkAgents merges the steps that name it. */
		readonly unknownName?: string,
		/** The unknown name is the default agent, not one a step names. */
		readonly viaDefault = false,
	) {
		super(`${reason} — ${fix}`);
		this.name = 'AgentError';
	}
}

export function defaultAgentName(plan: Plan, opts?: ResolveOptions): string {
	return opts?.defaultAgent ?? plan.defaultAgent ?? 'claude';
}

export async function resolveAgent(step: Step, plan: Plan, cwd: string, opts?: ResolveOptions): Promise<ResolvedAgent> {
	if (!step.agent && step.run) {
		return {name: 'shell', preset: getPreset('shell')!, executable: await shellExecutable(), spec: {preset: 'shell'}};
	}
	const name = step.agent ?? defaultAgentName(plan, opts);
	const who = step.agent ? `step ${step.id} names agent "${name}"` : `the default agent "${name}" (used by ${step.id})`;
	return resolveName(name, who, !step.agent, plan, cwd, opts);
}

async function resolveName(
	name: string,
	who: string,
	viaDefault: boolean,
	plan: Plan,
	cwd: string,
	opts?: ResolveOptions,
): Promise<ResolvedAgent> {
	const planSpec = Object.hasOwn(plan.agents, name) ? plan.agents[name] : undefined;
	if (planSpec) return fromPlanAgent(name, planSpec, plan, cwd, opts);
	if (STEP_PRESETS.includes(name)) return finish(name, {preset: name}, cwd);
	if (name === 'command')
		throw new AgentError(`${who}: the command preset needs a command`, 'add an agent with command: [program, args…] under agents: and name it');
	const rolePath = await findRoleFile(name, cwd);
	if (rolePath) {
		const {model, ...base} = baseSpec(plan, opts);
		return fromRoleFile(name, rolePath, base, cwd, model);
	}
	throw new AgentError(
		`${who}, which is neither in agents:, a preset (${STEP_PRESETS.join(', ')}) nor a role file in ${ROLE_DIRS.map((d) => `${d}/`).join(' or ')}`,
		`add agents.${name} to the plan, use a preset name, or create .specify/agents/${name}.md`,
		name,
		viaDefault,
	);
}

async function fromPlanAgent(name: string, spec: AgentSpec, plan: Plan, cwd: string, opts?: ResolveOptions): Promise<ResolvedAgent> {
	if (spec.command) {
		if (spec.command.length === 0 || !spec.command[0])
			throw new AgentError(`agents.${name}.command is empty`, 'write it as command: [program, args…]');
		return finish(name, {...spec, preset: 'command'}, cwd);
	}
	if (spec.preset !== undefined && !STEP_PRESETS.includes(spec.preset)) {
		const fix = spec.preset === 'command' ? 'add command: [program, args…] to the agent' : `use one of ${STEP_PRESETS.join(', ')}`;
		throw new AgentError(`agents.${name}.preset "${spec.preset}" is not a preset`, fix);
	}
	// No preset named: the agent's own name if it is one (agents: {codex: {executable: …}}),
	// else the default agent's (a role-only agent runs on the default CLI).
	const own = spec.preset ?? (STEP_PRESETS.includes(name) ? name : undefined);
	let merged: AgentSpec = {...spec, preset: own};
	let fallbackModel: string | undefined;
	if (!own) {
		const {model, ...base} = baseSpec(plan, opts, name);
		merged = {...base, ...spec, preset: base.preset};
		fallbackModel = model;
	}
	const rolePath = spec.role ? await locateRole(spec.role, name, plan, cwd) : await findRoleFile(name, cwd, false);
	if (rolePath) return fromRoleFile(name, rolePath, merged, cwd, fallbackModel);
	return finish(name, {...merged, ...(merged.model || !fallbackModel ? {} : {model: fallbackModel})}, cwd);
}

/** spec.model is the plan's choice; then the role file's; then fallbackModel (the default agent's). */
async function fromRoleFile(name: string, rolePath: string, spec: AgentSpec, cwd: string, fallbackModel?: string): Promise<ResolvedAgent> {
	// Loaded here: role files need the YAML parser, most plans name no role.
	const {readRoleFile} = await import('./role-file.js');
	const role = await readRoleFile(rolePath);
	const preset = spec.preset ?? 'claude';
	let model = spec.model;
	if (!model && role.model && role.model !== 'inherit' && (preset === 'claude' || !CLAUDE_ALIASES.has(role.model)))
		model = role.model;
	model ??= fallbackModel;
	const merged: AgentSpec = {...spec, preset, role: rolePath, ...(model ? {model} : {})};
	return finish(name, merged, cwd, role.body || undefined, rolePath);
}

async function finish(name: string, spec: AgentSpec, cwd: string, instructions?: string, rolePath?: string): Promise<ResolvedAgent> {
	const preset = getPreset(spec.preset ?? 'claude')!;
	let executable: string;
	if (spec.executable) executable = resolveExecutablePath(spec.executable, cwd);
	else if (preset.name === 'shell') executable = await shellExecutable();
	else if (preset.name === 'command') executable = spec.command![0];
	else executable = preset.executable;
	return {name, preset, executable, spec, instructions, rolePath};
}

/** What a role-only agent or a role file builds on: the default agent, when it names a CLI. */
function baseSpec(plan: Plan, opts?: ResolveOptions, self?: string): AgentSpec {
	const name = defaultAgentName(plan, opts);
	const spec = name !== self && Object.hasOwn(plan.agents, name) ? plan.agents[name] : undefined;
	if (spec) {
		const preset = spec.preset ?? (STEP_PRESETS.includes(name) ? name : undefined);
		if (spec.command || !preset || preset === 'shell') return {preset: 'claude'};
		const {role: _role, ...rest} = spec;
		return {...rest, preset};
	}
	return {preset: STEP_PRESETS.includes(name) && name !== 'shell' ? name : 'claude'};
}

/** `bash -c` needs bash; a system without it still has sh. */
async function shellExecutable(): Promise<string> {
	return (await findOnPathCached('bash')) ? 'bash' : 'sh';
}

/** A relative executable path (./bin/agent) is relative to the repository, like the agent's cwd. */
function resolveExecutablePath(exe: string, cwd: string): string {
	return exe.includes('/') && !path.isAbsolute(exe) ? path.resolve(cwd, exe) : exe;
}

async function locateRole(role: string, name: string, plan: Plan, cwd: string): Promise<string> {
	const candidates = path.isAbsolute(role)
		? [role]
		: [path.resolve(cwd, role), path.resolve(path.dirname(plan.source.path), role)];
	for (const file of candidates) if (await isFile(file)) return file;
	// `role: reviewer` — a role name rather than a path.
	if (/^[\w.-]+$/.test(role) && !role.endsWith('.md')) {
		const found = await findRoleFile(role, cwd);
		if (found) return found;
	}
	throw new RoleFileError(candidates[0], undefined, `role file of agents.${name} not found`, 'create it or fix agents.' + name + '.role');
}

/** NAME.md in the repository's role folders, then (builtin) among the role files shipped here. */
export async function findRoleFile(name: string, cwd: string, builtin = true): Promise<string | undefined> {
	if (!/^[\w][\w.-]*$/.test(name) || name.includes('..')) return undefined;
	const dirs = ROLE_DIRS.map((d) => path.join(cwd, d));
	const shipped = builtin ? builtinRolesDir() : undefined;
	if (shipped) dirs.push(shipped);
	for (const dir of dirs) {
		const file = path.join(dir, `${name}.md`);
		if (await isFile(file)) return file;
	}
	return undefined;
}

let shippedDir: string | null | undefined;

/** .specify/agents/ of this package: found by walking up from this module (source or dist/cli.js). */
export function builtinRolesDir(): string | undefined {
	if (shippedDir !== undefined) return shippedDir ?? undefined;
	shippedDir = null;
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (;;) {
		if (existsSync(path.join(dir, 'package.json'))) {
			const roles = path.join(dir, '.specify', 'agents');
			if (existsSync(roles)) shippedDir = roles;
			break;
		}
		const parent = path.dirname(dir);
		if (parent === dir) break;
		dir = parent;
	}
	return shippedDir ?? undefined;
}

async function isFile(file: string): Promise<boolean> {
	try {
		return (await stat(file)).isFile();
	} catch {
		return false;
	}
}

// Synchronous on purpose: a PATH search is a few stats, and the thread pool's first round trip
// costs more than all of them in a short command (`validate` on a big plan: 6–12 ms).
async function isExecutable(file: string): Promise<boolean> {
	try {
		if (!statSync(file).isFile()) return false;
		accessSync(file, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/** The absolute path `exe` runs as, or null. Reads PATH from env at call time (tests put fakes on it). */
export async function findOnPath(exe: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
	if (!exe) return null;
	if (exe.includes('/')) {
		const file = path.resolve(exe);
		return (await isExecutable(file)) ? file : null;
	}
	const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
	for (const dir of dirs) {
		const file = path.resolve(dir, exe);
		if (await isExecutable(file)) return file;
	}
	return null;
}

/** Lookups by `name\0PATH`: a PATH search stats every folder, and a plan resolves the shell once per step. */
const lookups = new Map<string, Promise<string | null>>();

/**
 * findOnPath, remembered per (name, PATH) for the life of the process. For lookups that repeat
 * (the shell of every `run:` step, every step's CLI in checkAgents); a test or a user that changes
 * PATH gets a fresh search.
 */
export function findOnPathCached(exe: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
	const key = `${exe}\0${env.PATH ?? env.Path ?? ''}`;
	let found = lookups.get(key);
	if (!found) {
		found = findOnPath(exe, env);
		if (lookups.size >= 256) lookups.clear();
		lookups.set(key, found);
	}
	return found;
}

/** The preset's input for one run of a resolved agent. */
export function promptContext(agent: ResolvedAgent, step: Step, prompt: string, cwd: string): PromptContext {
	return {
		prompt,
		instructions: agent.instructions,
		model: agent.spec.model,
		args: agent.spec.args ?? [],
		step,
		run: step.run,
		cwd,
		rolePath: agent.rolePath,
		command: agent.spec.command,
	};
}

/** argv for one run: what the runner starts (never through a shell). */
export function agentArgv(agent: ResolvedAgent, step: Step, prompt: string, cwd: string): string[] {
	return agent.preset.buildArgv(promptContext(agent, step, prompt, cwd), agent.executable);
}

interface Pending {
	/** The message, given the ids of the steps with this problem ("fixer" for plan.fixer). */
	reason: (steps: string[]) => string;
	fix: string;
	file?: string;
	line?: number;
	col?: number;
	steps: string[];
	seen: Set<string>;
}

/** How a step's agent resolves, or why it does not; `missing` when its executable is not on PATH. */
type Outcome = {agent: ResolvedAgent; missing: boolean} | {error: unknown};

/**
 * What resolveAgent reads of a step besides its id: its agent name, else whether it is a shell
 * step. Steps with the same key resolve the same way, so a plan resolves each agent once.
 */
function agentKey(step: Step): string {
	if (step.agent) return `agent:${step.agent}`;
	return step.run ? 'shell' : 'default';
}

/**
 * Every agent problem of a plan, before anything runs: unknown agent names, role files that
 * cannot be read, CLIs missing from PATH. One issue per distinct problem, naming its steps.
 * Steps already done are not checked (they will not run).
 */
export async function checkAgents(plan: Plan, cwd: string, opts?: ResolveOptions): Promise<PlanIssue[]> {
	const problems = new Map<string, Pending>();
	const note = (key: string, stepId: string, make: () => Omit<Pending, 'steps' | 'seen'>) => {
		let entry = problems.get(key);
		if (!entry) problems.set(key, (entry = {...make(), steps: [], seen: new Set()}));
		if (entry.seen.has(stepId)) return;
		entry.seen.add(stepId);
		entry.steps.push(stepId);
	};
	const found = new Map<string, Promise<string | null>>();
	const onPath = (exe: string) => {
		if (!found.has(exe)) found.set(exe, findOnPath(exe));
		return found.get(exe)!;
	};
	const settle = async (step: Step): Promise<Outcome> => {
		try {
			const agent = await resolveAgent(step, plan, cwd, opts);
			const exe = agent.executable;
			return {agent, missing: !(exe.includes('{') || (await onPath(exe)))};
		} catch (error) {
			return {error};
		}
	};

	const checks: Step[] = plan.phases.flatMap((phase) => phase.steps.filter((s) => !s.done));
	if (plan.fixer) {
		const phaseId = plan.phases[0]?.id ?? '';
		checks.push({id: FIXER, title: 'fix forward', phaseId, agent: plan.fixer, files: [], depends_on: [], parallel: false, done: false});
	}

	const outcomes = new Map<string, {first: Step; outcome: Outcome}>();
	for (const step of checks) {
		const key = agentKey(step);
		let known = outcomes.get(key);
		if (!known) outcomes.set(key, (known = {first: step, outcome: await settle(step)}));
		let outcome = known.outcome;
		// An AgentError other than an unknown name names the step in its message: resolve it per step.
		if (step !== known.first && 'error' in outcome && outcome.error instanceof AgentError && !outcome.error.unknownName) outcome = await settle(step);
		if ('error' in outcome) {
			const error = outcome.error;
			if (error instanceof AgentError && error.unknownName) {
				const name = error.unknownName;
				const where = `in agents:, a preset (${STEP_PRESETS.join(', ')}) nor a role file in ${ROLE_DIRS.map((d) => `${d}/`).join(' or ')}`;
				note(`unknown:${error.viaDefault}:${name}`, step.id, () => ({
					...(step.agentAt && !error.viaDefault ? {line: step.agentAt.line, col: step.agentAt.col} : {}),
					reason: (steps) =>
						error.viaDefault
							? `the default agent "${name}" (${neededBy(steps).replace('needed', 'used')}) is neither ${where}`
							: `${namesText(steps)} agent "${name}", which is neither ${where}`,
					fix: error.fix,
				}));
			} else if (error instanceof RoleFileError) {
				note(`role:${error.message}`, step.id, () => ({
					reason: (steps) => `${error.reason} (${neededBy(steps)})`,
					fix: error.fix,
					file: error.file,
					line: error.line,
				}));
			} else if (error instanceof AgentError) {
				note(`agent:${error.message}`, step.id, () => ({reason: () => error.reason, fix: error.fix}));
			} else throw error;
			continue;
		}
		const {agent, missing} = outcome;
		if (missing) note(`exe:${agent.executable}`, step.id, () => missingExecutable(agent));
	}

	return [...problems.values()].map((p) => ({
		severity: 'error' as const,
		file: p.file ?? plan.source.path,
		...(p.line ? {line: p.line} : {}),
		...(p.col ? {col: p.col} : {}),
		message: p.reason(p.steps),
		fix: p.fix,
	}));
}

/** Pseudo step id under which plan.fixer is checked. */
const FIXER = '\0fixer';

function missingExecutable(agent: ResolvedAgent): Omit<Pending, 'steps' | 'seen'> {
	const {executable: exe, name} = agent;
	if (agent.spec.executable)
		return {
			reason: (steps) => `"${exe}" not found (agents.${name}.executable, ${neededBy(steps)})`,
			fix: `fix the path or install the ${agent.preset.name} CLI`,
		};
	if (agent.preset.name === 'command')
		return {
			reason: (steps) => `"${exe}" not found on PATH (agents.${name}.command, ${neededBy(steps)})`,
			fix: `install it or put its path in agents.${name}.command`,
		};
	if (agent.preset.name === 'shell')
		return {reason: (steps) => `neither bash nor sh found on PATH (${neededBy(steps)})`, fix: 'install bash'};
	return {
		reason: (steps) => `${exe} CLI not found on PATH (${neededBy(steps)})`,
		fix: `install it or set agents.${name}.executable`,
	};
}

function idList(steps: string[]): string {
	const ids = steps.filter((s) => s !== FIXER);
	const parts = ids.length ? [ids.join(', ')] : [];
	if (steps.includes(FIXER)) parts.push('the fixer');
	return parts.join(' and ');
}

/** "step T004 names" / "steps T004, T005 name" / "the fixer names". */
function namesText(steps: string[]): string {
	const ids = steps.filter((s) => s !== FIXER);
	if (ids.length === 0) return 'the fixer names';
	const plural = steps.length > 1;
	return `${ids.length > 1 ? 'steps' : 'step'} ${idList(steps)} ${plural ? 'name' : 'names'}`;
}

function neededBy(steps: string[]): string {
	return `needed by ${idList(steps)}`;
}
