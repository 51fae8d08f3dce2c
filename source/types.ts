// Types shared across the layers: plan (input) → engine → store → ui.
// Keep this file free of runtime code so every layer can import it.

/** How an agent is started. A step names one of the plan's agents, a preset, or a role file. */
export interface AgentSpec {
	/** claude | codex | gemini | aider | shell | command */
	preset?: string;
	/** argv with {prompt} {run} {step} {role} placeholders; filled without a shell. */
	command?: string[];
	/** Path of a role file (markdown with YAML front matter) given as system instructions. */
	role?: string;
	/** Override of the preset's executable (absolute path or a name on PATH). */
	executable?: string;
	/** Extra argv appended by the preset. */
	args?: string[];
	model?: string;
	/** Seconds; 0/undefined = none. */
	timeout?: number;
	/** Seconds without output before the step is stopped; 0/undefined = none. */
	stall_timeout?: number;
	env?: Record<string, string>;
}

export type CheckExpect = 'pass' | 'fail-then-pass';

export interface MeasureSpec {
	command: string;
	metric?: string;
	baseline_step: string;
	better: 'lower' | 'higher';
	/** Fraction (0.1 = 10 %) the metric must improve by. */
	min_change?: number;
}

export interface CheckSpec {
	/** Shell command; exit 0 = pass. */
	command: string;
	name?: string;
	expect?: CheckExpect;
	measure?: MeasureSpec;
}

export interface GateSpec {
	checks: CheckSpec[];
	/** Wait for a person's keypress (auto with --yes). */
	approve: boolean;
	/** Tag the checkpoint after approval. */
	tag: boolean;
}

export interface Step {
	id: string;
	title: string;
	phaseId: string;
	/** Name of a plan agent, a preset, or a role file; undefined = the default agent. */
	agent?: string;
	prompt?: string;
	/** A shell step: runs this command, no agent. */
	run?: string;
	/** A slash command (/review:code src/api) run as the prompt of the step's agent. */
	slash?: string;
	/** Files this step may touch (globs allowed). */
	files: string[];
	depends_on: string[];
	parallel: boolean;
	/** Already done before this session (spec-kit [X]). */
	done: boolean;
	timeout?: number;
	stall_timeout?: number;
	/** spec-kit: 1-based line of the task in tasks.md (for the tick-back). */
	sourceLine?: number;
	/** spec-kit: user story label (US1). */
	story?: string;
	/** Where `agent:` is written in the plan file, for "file:line:col" in agent errors. */
	agentAt?: {line: number; col: number};
}

export interface Phase {
	id: string;
	title: string;
	steps: Step[];
	gate: GateSpec;
}

export interface PlanSource {
	/** Absolute path of the plan file. */
	path: string;
	format: 'yaml' | 'json' | 'speckit';
	/** sha256 of the file's bytes. */
	hash: string;
}

export interface SpecKitInfo {
	featureDir: string;
	tasksPath: string;
	/** Context files (spec.md, plan.md, …) relative to the repository. */
	contextFiles: string[];
	/** tasks.md relative to the repository, as an agent's prompt names it. */
	tasksRel?: string;
}

export interface Plan {
	id: string;
	title: string;
	/** Default gate check for every phase. */
	test?: string;
	agents: Record<string, AgentSpec>;
	/** Default agent name for steps without one. */
	defaultAgent?: string;
	/** Agent used for fix forward. */
	fixer?: string;
	/** File-scope violations fail the gate instead of warning. */
	strict: boolean;
	/** More files than this in one step is flagged "big bang change". */
	max_files: number;
	phases: Phase[];
	source: PlanSource;
	speckit?: SpecKitInfo;
}

/** Where a validation problem is, for "file:line:col: message — fix". */
export interface SourcePos {
	file: string;
	line?: number;
	col?: number;
}

export interface PlanIssue extends SourcePos {
	severity: 'error' | 'warning';
	message: string;
	fix?: string;
}

// ---------------------------------------------------------------------------
// Session state (the store's persisted part)

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'rolled_back';
export type PhaseStatus = 'pending' | 'running' | 'gate' | 'approved' | 'failed' | 'skipped';
export type SessionStatus =
	| 'starting'
	| 'running'
	| 'gate' // waiting for a decision at a phase gate
	| 'failed' // waiting for a decision after a failed step or check
	| 'paused'
	| 'done'
	| 'stopped' // stopped at a failure (exit 1)
	| 'interrupted';

export interface FileChange {
	path: string;
	/** A added, M modified, D deleted, R renamed */
	status: 'A' | 'M' | 'D' | 'R';
	added: number;
	removed: number;
	binary?: boolean;
}

export interface AgentSummary {
	/** The agent's final message (result text). */
	text?: string;
	inputTokens?: number;
	outputTokens?: number;
	costUsd?: number;
	turns?: number;
	isError?: boolean;
}

export interface StepState {
	id: string;
	phaseId: string;
	title: string;
	/** The agent's name (a plan agent, a role, a preset, or "shell"). */
	agent: string;
	/** The preset that runs it (claude, codex, …), once resolved. */
	preset?: string;
	status: StepStatus;
	attempts: number;
	startedAt?: string;
	finishedAt?: string;
	durationMs?: number;
	/** Wall time of the agent process alone (spawn to exit), without checkpointing. */
	agentMs?: number;
	exitCode?: number | null;
	/** One line: why it failed. */
	error?: string;
	/** The step's checkpoint commit (undefined until done; equals the previous one when nothing changed). */
	commit?: string;
	/** True when the step changed nothing (no commit). */
	noChanges?: boolean;
	files: FileChange[];
	summary?: AgentSummary;
	/** File-scope and similar warnings shown at the gate. */
	warnings: string[];
	/** Set for steps added at run time (fix forward). */
	fixFor?: string;
	/** pid of the agent's process group while running (for crash recovery). */
	pid?: number;
	/** The checkpoint the step started from (its diff base). */
	baseCommit?: string;
}

export interface CheckResult {
	command: string;
	name?: string;
	ok: boolean;
	exitCode: number | null;
	durationMs: number;
	/** Last lines of its output. */
	tail: string[];
	/** "12 passed" etc. when recognisable. */
	summary?: string;
	/** Why the check failed beyond the exit code (fail-then-pass, measure). */
	note?: string;
	value?: number;
}

export interface PhaseReport {
	phaseId: string;
	files: FileChange[];
	checks: CheckResult[];
	durationMs: number;
	remainingMs?: number;
	steps: number;
	warnings: string[];
}

export type Decision = 'approve' | 'retry' | 'rollback' | 'fix' | 'skip' | 'quit';

export interface GateState {
	kind: 'phase' | 'failure';
	phaseId: string;
	/** For kind=failure: the failed step (or undefined when a check failed). */
	stepId?: string;
	/** checking = running checks; waiting = waiting for a decision. */
	status: 'checking' | 'waiting';
	/** One line: what happened ("checks failed: npm test", "T004 exited 1"). */
	message: string;
	report?: PhaseReport;
	/** The decisions offered. */
	options: Decision[];
	/** Number of fix-forward attempts made at this gate. */
	fixAttempts: number;
	/** Where `rollback` goes from this gate: the phase's start at a phase gate, the last checkpoint after a failure. */
	rollbackTo?: {name: string; commit: string};
	openedAt: string;
}

export interface Checkpoint {
	/** start | <step-id> | <phase-id> | backup | before-rollback-<n> */
	name: string;
	kind: 'start' | 'step' | 'phase' | 'backup' | 'before-rollback';
	commit: string;
	ref?: string;
	tag?: string;
	time: string;
	stepId?: string;
	phaseId?: string;
}

export interface PhaseState {
	id: string;
	title: string;
	status: PhaseStatus;
	stepIds: string[];
	/** The checkpoint the phase started from (a phase-gate rollback goes back here). */
	startCommit?: string;
}

export interface SessionState {
	version: 1;
	implementationId: string;
	title: string;
	planPath: string;
	planHash: string;
	cwd: string;
	status: SessionStatus;
	startedAt: string;
	finishedAt?: string;
	/** Milliseconds of earlier runs of this session (resume adds to it). */
	elapsedBeforeMs: number;
	/** When the current process took the session over. */
	resumedAt: string;
	currentPhase: string | null;
	phases: PhaseState[];
	steps: Record<string, StepState>;
	/** Step ids in execution order. */
	order: string[];
	gate: GateState | null;
	checkpoints: Checkpoint[];
	/** The commit the working tree is at: the newest checkpoint in effect (after a rollback, its target). */
	headCommit?: string;
	/** Ids of the steps running right now (a parallel batch has several). */
	running: string[];
	/** User asked to pause after the current step. */
	pauseRequested: boolean;
	/** The last line worth showing in the status bar. */
	message?: string;
	rollbacks: number;
	/** The report of every phase whose gate ran (kept for completed-changes.md and the summary). */
	reports: Record<string, PhaseReport>;
	/** Ids of steps added at run time (fix forward), in the order they ran. */
	extraSteps?: string[];
	/** fail-then-pass checks run before a phase's steps: `${phaseId}\0${command}` → passed then? */
	preChecks?: Record<string, boolean>;
	/** measure checks: `${baseline_step}\0${command}` → the number printed at the baseline step. */
	measurements?: Record<string, number>;
	/** changes.json */
	changes: {
		files_modified: Array<{path: string; agent: string; status: 'complete' | 'in_progress' | 'rolled_back'}>;
		tests_added: string[];
		documentation_updated: boolean;
	};
}

/** One line of events.jsonl. */
export interface SessionEvent {
	type: string;
	time: string;
	[key: string]: unknown;
}
