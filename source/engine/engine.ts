// The engine: phases → steps → gate, driven by the store. It runs agents, makes git
// checkpoints, and hands failed steps and finished phases to the gates (gates.ts), which wait
// for decisions: store actions from the UI (a keypress) or from the headless policy (--yes,
// --on-failure). No React here.
import fs from 'node:fs';
import {agentArgv, checkAgents, resolveAgent} from '../agents/resolve-agent.js';
import {buildPrompt} from '../agents/build-prompt.js';
import {resolveSlash} from '../agents/slash.js';
import {runProcess} from '../agents/run-process.js';
import {Repo} from '../git/repo.js';
import {addWorktree, applyCommit, removeWorktree} from '../git/worktree.js';
import type {GitFileChange} from '../git/parse.js';
import {executionBatches} from '../plan/schedule.js';
import {taskFilesChanged, tickTask} from '../plan/speckit-tick.js';
import {MemoryWriter} from '../store/memory.js';
import type {OrchestratorStore} from '../store/store.js';
import {lastCheckpoint} from '../store/session.js';
import type {Checkpoint, FileChange, Phase, SessionState, Step, StepState} from '../types.js';
import {EXIT, OrchestratorError, errorMessage, type ExitCode} from '../util/errors.js';
import {scopeWarnings} from './file-scope.js';
import {PhaseGates, type GateOptions, type PhaseOutcome, type StepOutcome} from './gates.js';
import {OutputBuffer} from './output-buffer.js';
import {StepDetails} from './step-details.js';

export type {FailurePolicy} from './gates.js';

export interface EngineOptions extends GateOptions {
	maxParallel: number;
	defaultAgent?: string;
	/** Live diff of the running step, refreshed this often (UI only; 0 = off). */
	liveDiffMs?: number;
}

/** The error of the steps of a parallel batch that overlapped or conflicted. */
const BATCH_NOT_APPLIED = 'parallel batch not applied';

export class Engine {
	private readonly memory: MemoryWriter;
	private readonly output: OutputBuffer;
	private readonly abort = new AbortController();
	private readonly steps = new Map<string, Step>();
	/** Steps whose parallel batch overlapped: they run one at a time from now on. */
	private readonly sequential = new Set<string>();
	private readonly batches = new Map<string, string[][]>();
	/** Files with counts, changes.json and handoffs of finished steps, filled in the background. */
	private readonly details: StepDetails;
	/** Failure and phase gates, and the decisions taken at them. */
	private readonly gates: PhaseGates;
	/** Commits made inside batch worktrees, by step id, until they are applied. */
	private readonly batchCommits = new Map<string, string>();
	/** A checkpoint commit was made by this run: git's housekeeping is due when it ends. */
	private committed = false;
	private unsubscribeQuit: (() => void) | null = null;

	constructor(private readonly opts: EngineOptions) {
		this.memory = new MemoryWriter(opts.store, opts.paths);
		this.details = new StepDetails(opts);
		this.output = new OutputBuffer({
			flushMs: 50,
			// More than 500 lines a second is more than anyone reads: one batch a second then,
			// not twenty frames, and the UI clock slows down too. Every frame redraws the whole
			// screen, and while a frame is drawn the agent's pipe is not read: it fills and the
			// agent waits (bench: flood).
			floodLines: 25,
			floodFlushMs: 1000,
			onFloodChange: flooding => opts.store.getState().setFlooding(flooding),
			flush: batch => {
				opts.store.getState().appendOutput(batch);
				for (const [step, lines] of batch) {
					// The readable copy that tail and older-step views show (the raw log is for audits).
					fs.appendFileSync(opts.paths.view(step), lines.join('\n') + '\n');
					opts.events.emit('output', {step, lines});
				}
			},
		});
		for (const phase of opts.plan.phases) for (const step of phase.steps) this.steps.set(step.id, step);
		this.gates = new PhaseGates({
			...opts,
			memory: this.memory,
			details: this.details,
			signal: this.abort.signal,
			session: () => this.session,
			head: () => this.head(),
			checkPauseAndQuit: () => this.checkPauseAndQuit(),
			planStep: id => this.steps.get(id),
			runFixStep: (step, fixFor) => {
				this.steps.set(step.id, step);
				return this.runStep(step, {fixFor});
			},
		});
	}

	private get session(): SessionState {
		const session = this.opts.store.getState().session;
		if (!session) throw new Error('engine without a session');
		return session;
	}

	private get store() {
		return this.opts.store.getState();
	}

	/** Runs the session from wherever the store says it is to its end (or a pause). */
	async run(): Promise<ExitCode> {
		const {store, events} = this.opts;
		this.memory.start();
		// A quit (q confirmed, Ctrl-C, SIGINT) stops the running agents and gate checks at once
		// (the controller is spent then, which is fine: nothing starts after a quit).
		this.unsubscribeQuit = store.subscribe((state, previous) => {
			if (state.quitRequested && !previous.quitRequested) this.abort.abort();
		});
		// A batch that could not be combined before a stop runs one by one on resume too
		// (in parallel it would stop at the same overlap again).
		for (const step of Object.values(this.session.steps)) {
			if (step.status === 'failed' && step.error?.startsWith(BATCH_NOT_APPLIED)) this.sequential.add(step.id);
		}
		this.store.patchSession({status: 'running'});
		try {
			for (const phase of this.opts.plan.phases) {
				const state = this.session.phases.find(p => p.id === phase.id);
				if (!state || state.status === 'approved' || state.status === 'skipped') continue;
				const outcome = await this.runPhase(phase);
				if (outcome !== 'next') return await this.finish(outcome);
			}
			return await this.finish('done');
		} catch (error) {
			this.store.patchSession({status: 'stopped', message: errorMessage(error)});
			events.emit('error', {message: errorMessage(error)});
			throw error;
		} finally {
			this.output.flushNow();
			this.output.dispose();
			this.unsubscribeQuit?.();
			await this.details.settle();
			await this.memory.stop();
		}
	}

	private running(): string[] {
		return this.session.running;
	}

	private quitRequested(): 'quit' | 'interrupt' | null {
		return this.store.quitRequested;
	}

	private async finish(outcome: PhaseOutcome | 'done'): Promise<ExitCode> {
		await this.details.settle();
		// Not after an interrupt: whoever pressed Ctrl-C wants out now.
		if (this.committed && outcome !== 'interrupted') await this.opts.repo.autoMaintenance();
		const now = new Date().toISOString();
		const {events} = this.opts;
		switch (outcome) {
			case 'done': {
				this.store.patchSession({status: 'done', finishedAt: now, currentPhase: null, gate: null, message: 'all phases done'});
				events.emit('session_finished', {result: 'done'});
				await this.memory.flush();
				return EXIT.ok;
			}
			case 'paused': {
				// The gate stays open in the memory files; resume reopens it.
				this.store.patchSession({status: 'gate'});
				events.emit('session_paused', {phase: this.session.currentPhase, hint: 'orchestrator resume'});
				await this.memory.flush();
				return EXIT.paused;
			}
			case 'interrupted': {
				this.store.patchSession({status: 'interrupted', message: 'interrupted: `orchestrator resume` continues'});
				events.emit('session_interrupted', {running: this.running()});
				await this.memory.flush();
				return EXIT.interrupted;
			}
			default: {
				this.store.patchSession({status: 'stopped', finishedAt: now});
				events.emit('session_finished', {result: 'stopped'});
				await this.memory.flush();
				return EXIT.failed;
			}
		}
	}

	// ---------------------------------------------------------------------------------------
	// Phases

	private async runPhase(phase: Phase): Promise<PhaseOutcome> {
		const {events} = this.opts;
		const state = this.session.phases.find(p => p.id === phase.id)!;
		this.store.patchSession({currentPhase: phase.id, status: 'running'});
		await this.confirmPhaseCanStart(phase);
		if (state.status === 'pending' || !state.startCommit) {
			this.store.patchPhase(phase.id, {status: 'running', startCommit: this.head()});
			events.emit('phase_started', {phase: phase.id, title: phase.title});
			await this.gates.recordPreChecks(phase);
		}
		for (;;) {
			const outcome = await this.runPendingSteps(phase);
			if (outcome !== 'next') return outcome;
			const gate = await this.gates.phaseGate(phase);
			if (gate === 'rerun') continue;
			return gate;
		}
	}

	/**
	 * Before a phase: every earlier phase is approved (or skipped), and the phase's agents can
	 * still be started (a CLI uninstalled or a role file removed since validation is one clear
	 * line now, not a failure in the middle of the phase).
	 */
	private async confirmPhaseCanStart(phase: Phase): Promise<void> {
		const index = this.session.phases.findIndex(p => p.id === phase.id);
		const open = this.session.phases.slice(0, index).find(p => p.status !== 'approved' && p.status !== 'skipped');
		if (open) throw new OrchestratorError(`phase ${phase.id} cannot start: phase ${open.id} is ${open.status}, not approved — resume to finish it first`, EXIT.failed);
		const problems = (await checkAgents({...this.opts.plan, phases: [phase]}, this.opts.repo.root, {defaultAgent: this.opts.defaultAgent})).filter(i => i.severity === 'error');
		if (problems.length > 0) {
			throw new OrchestratorError(`phase ${phase.id} cannot start: ${problems[0].message}${problems[0].fix ? ` — ${problems[0].fix}` : ''}`, EXIT.usage, problems.slice(1).map(p => p.message));
		}
	}

	/** Runs the phase's steps that are not done yet, batch by batch; failures open a gate. */
	private async runPendingSteps(phase: Phase): Promise<PhaseOutcome> {
		for (;;) {
			const batch = this.nextBatch(phase);
			if (batch.length === 0) return 'next';
			const stop = await this.checkPauseAndQuit();
			if (stop) return stop;
			if (batch.length > 1) {
				const next = await this.runParallelBatch(phase, batch);
				if (next !== 'continue') return next;
				continue;
			}
			const [step] = batch;
			const outcome = await this.runStep(step);
			if (outcome === 'aborted') return 'interrupted';
			if (outcome === 'failed') {
				const next = await this.gates.failureGate(phase, step);
				if (next !== 'continue') return next;
			}
		}
	}

	/**
	 * The open steps of the first batch that has any. A batch runs in parallel only with
	 * --max-parallel > 1, and never again after it overlapped (its retry runs one by one).
	 */
	private nextBatch(phase: Phase): Step[] {
		const steps = this.session.steps;
		const open = (id: string) => {
			const status = steps[id]?.status;
			return status === 'pending' || status === 'rolled_back' || status === 'running' || status === 'failed';
		};
		for (const batch of this.batchesOf(phase)) {
			const ids = batch.filter(open);
			if (ids.length === 0) continue;
			const chosen = ids.some(id => this.sequential.has(id)) ? ids.slice(0, 1) : ids;
			return chosen.map(id => this.steps.get(id)!).filter(Boolean);
		}
		return [];
	}

	/** A phase's batches never change during a run: computed once (a 10,000-step plan asks per step). */
	private batchesOf(phase: Phase): string[][] {
		let batches = this.batches.get(phase.id);
		if (!batches) {
			batches = executionBatches({...this.opts.plan, phases: [phase]}, {maxParallel: this.opts.maxParallel});
			this.batches.set(phase.id, batches);
		}
		return batches;
	}

	private async checkPauseAndQuit(): Promise<PhaseOutcome | null> {
		if (this.quitRequested()) return 'interrupted';
		if (!this.session.pauseRequested) return null;
		const before = this.session.status;
		this.store.patchSession({status: 'paused', message: 'paused: press p to continue'});
		this.opts.events.emit('paused', {});
		await this.memory.flush();
		const resumed = await new Promise<boolean>(resolve => {
			const check = (state: ReturnType<OrchestratorStore['getState']>): boolean => {
				if (state.quitRequested) resolve(false);
				else if (state.session && !state.session.pauseRequested) resolve(true);
				else return false;
				return true;
			};
			// A q or p pressed while the flush above ran has already changed the store.
			if (check(this.opts.store.getState())) return;
			const unsubscribe = this.opts.store.subscribe(state => {
				if (check(state)) unsubscribe();
			});
		});
		if (!resumed) return 'interrupted';
		this.store.patchSession({status: before === 'paused' ? 'running' : before, message: undefined});
		this.opts.events.emit('continued', {});
		return null;
	}

	// ---------------------------------------------------------------------------------------
	// Steps

	private head(): string {
		return this.session.headCommit ?? lastCheckpoint(this.session)?.commit ?? '';
	}

	/**
	 * Runs one step's agent and checkpoints it. In a parallel batch the step runs in its own
	 * worktree (`worktree`) and only commits there; the batch brings the commit over.
	 */
	private async runStep(step: Step, opts: {fixFor?: string; worktree?: Repo} = {}): Promise<StepOutcome> {
		const {plan, events, paths} = this.opts;
		const repo = opts.worktree ?? this.opts.repo;
		const cwd = repo.root;
		const fixFor = opts.fixFor;
		const base = this.head();
		const previous = this.session.steps[step.id];
		const startedAt = new Date();
		const started: Partial<StepState> = {
			status: 'running',
			attempts: (previous?.attempts ?? 0) + 1,
			startedAt: startedAt.toISOString(),
			finishedAt: undefined,
			durationMs: undefined,
			exitCode: undefined,
			error: undefined,
			baseCommit: base,
			files: [],
			warnings: [],
			fixFor,
		};
		// The store hears of the start once, when the agent exists (with its pid), not once
		// before and once after the spawn: each store change is a frame of the UI (~40 ms at
		// 120×40), and the second one fell into the agent's first output (bench: flood).
		let shown = false;
		const showRunning = (extra: Partial<StepState>) => {
			if (shown) return;
			shown = true;
			this.store.resetOutput(step.id);
			this.store.patchSession({running: [...this.running().filter(id => id !== step.id), step.id], status: 'running'});
			this.store.patchStep(step.id, {...started, ...extra});
		};

		// A slash step becomes a prompt for its agent, a shell run (/test) or a checkpoint (/git:commit).
		let runnable = step;
		let slashPrompt: string | undefined;
		let resolved;
		try {
			if (step.slash) {
				const action = await resolveSlash(step.slash, plan, cwd);
				if (action.kind === 'checkpoint') {
					events.emit('step_started', {step: step.id, title: step.title, agent: 'orchestrator', preset: 'git', attempt: (previous?.attempts ?? 0) + 1});
					showRunning({agent: 'orchestrator', preset: 'git'});
					return opts.worktree ? this.commitInWorktree(step, opts.worktree, base) : this.checkpointStep(step, base, startedAt);
				}
				if (action.kind === 'run') runnable = {...step, run: action.run, agent: undefined, slash: undefined};
				else slashPrompt = action.prompt;
			}
			resolved = await resolveAgent(runnable, plan, cwd, {defaultAgent: this.opts.defaultAgent});
		} catch (error) {
			showRunning({});
			return this.stepFailed(step, startedAt, null, errorMessage(error));
		}
		const agentFields = {agent: resolved.name, preset: resolved.preset.name};
		// No memory flush here: step_started (and agent_spawned with the pid) go to events.jsonl
		// synchronously before the agent can change anything, and resume reads them from there.
		// current-phase.json follows on the writer's timer.
		events.emit('step_started', {step: step.id, title: step.title, agent: resolved.name, preset: resolved.preset.name, attempt: (previous?.attempts ?? 0) + 1});

		// An agent's prompt carries the previous handoff: let the background details finish. A shell
		// step's command is its whole input: no prompt, so no handoff to wait for or read.
		let prompt = '';
		if (resolved.preset.name !== 'shell') {
			await this.details.settle();
			prompt = buildPrompt({step: runnable, plan, handoff: this.details.previousHandoff(step.id), slashPrompt});
		}
		const argv = agentArgv(resolved, runnable, prompt, cwd);
		const parser = resolved.preset.createParser({cwd});
		const header = `=== ${step.id} attempt ${(previous?.attempts ?? 0) + 1} · ${startedAt.toISOString()} · ${argv[0]} ===\n`;
		fs.appendFileSync(paths.log(step.id), header);
		fs.appendFileSync(paths.view(step.id), header);
		const stopLive = this.watchLiveDiff(step.id, base, repo);
		const seconds = (s?: number) => (s && s > 0 ? s * 1000 : undefined);
		const result = await runProcess({
			argv,
			cwd,
			env: {...resolved.spec.env, ORCHESTRATOR_STEP: step.id, ORCHESTRATOR_SESSION: plan.id},
			timeoutMs: seconds(step.timeout ?? resolved.spec.timeout),
			stallMs: seconds(step.stall_timeout ?? resolved.spec.stall_timeout),
			logPath: paths.log(step.id),
			signal: this.abort.signal,
			onSpawn: pid => {
				// The first checkpoint commit needs git's identity (two `git var` calls, asked once):
				// asked now, they run while the agent works instead of after it. A failure surfaces
				// at that commit.
				repo.identityArgs().catch(() => undefined);
				showRunning({...agentFields, pid});
				// events.jsonl is appended synchronously: resume finds (and stops) this agent even
				// when a kill -9 lands before the memory files catch up with the pid.
				events.emit('agent_spawned', {step: step.id, pid});
			},
			onLines: lines => {
				if (parser.pushMany) this.output.pushMany(step.id, parser.pushMany(lines));
				else for (const line of lines) this.output.pushMany(step.id, parser.push(line));
			},
		});
		stopLive();
		// Not started (could not spawn, or stopped before): the step still ran and ends below.
		showRunning(agentFields);
		let summary;
		try {
			summary = parser.finish();
		} catch {
			summary = undefined;
		}
		this.output.flushNow();
		this.store.patchStep(step.id, {summary, exitCode: result.exitCode, agentMs: Math.round(result.durationMs)});

		if (result.outcome === 'aborted') {
			// Left as "running" on purpose: resume treats it like a crash (restore, run again).
			events.emit('step_interrupted', {step: step.id});
			return 'aborted';
		}
		if (result.outcome !== 'exited' || result.exitCode !== 0) {
			const why = result.error ?? `${resolved.name} exited ${result.exitCode}`;
			return this.stepFailed(step, startedAt, result.exitCode, why);
		}
		if (summary?.isError) return this.stepFailed(step, startedAt, result.exitCode, `${resolved.name} reported an error: ${firstLine(summary.text) ?? 'no message'}`);
		if (opts.worktree) return this.commitInWorktree(step, opts.worktree, base);
		return this.checkpointStep(step, base, startedAt);
	}

	private async stepFailed(step: Step, startedAt: Date, exitCode: number | null, error: string): Promise<StepOutcome> {
		const finishedAt = new Date();
		this.store.patchStep(step.id, {
			status: 'failed',
			error,
			exitCode,
			pid: undefined,
			finishedAt: finishedAt.toISOString(),
			durationMs: finishedAt.getTime() - startedAt.getTime(),
		});
		this.store.patchSession({running: this.running().filter(id => id !== step.id)});
		this.opts.events.emit('step_finished', {step: step.id, ok: false, error, exitCode});
		await this.memory.flush();
		return 'failed';
	}

	/**
	 * Commits the step's changes (ticking its spec-kit box first) and writes its handoff.
	 * `finishedAt` is given when the agent finished earlier (in a batch worktree).
	 */
	private async checkpointStep(step: Step, base: string, startedAt: Date, finishedAtGiven?: Date): Promise<StepOutcome> {
		const {repo, plan, events} = this.opts;
		const id = plan.id;
		const warnings: string[] = [];
		if (plan.speckit && step.sourceLine !== undefined) {
			const changed = (await repo.workingChanges(base)).map(f => f.path);
			const missing = taskFilesChanged(step, changed);
			if (missing.length === 0) await tickTask(plan.speckit.tasksPath, step.id, step.sourceLine);
			else warnings.push(`${step.id} names ${missing.join(', ')}, which did not change: not ticked in tasks.md`);
		}
		const committed = await repo.commitStep(`orchestrator(${id}): ${step.id} ${step.title}`, {'Orchestrator-Step': `${id}/${step.id}`});
		if (committed) this.committed = true;
		const commit = committed?.commit ?? base;
		// The paths come with the commit; their +/− counts and A/M/D need one more git call,
		// which runs in the background (see fillStepDetails) so the next step need not wait.
		const files: FileChange[] = (committed?.files ?? []).map(path => ({path, status: 'M', added: 0, removed: 0}));
		const pending = this.pendingSteps();
		warnings.push(...scopeWarnings({step, files, plan, cwd: repo.root, pending}));
		const finishedAt = finishedAtGiven ?? new Date();
		const agent = this.session.steps[step.id]?.agent ?? 'agent';
		const strictFailure = plan.strict && warnings.length > 0;
		// A strict scope failure is a failed step: its commit is no checkpoint (a retry or resume
		// on top of it would pass with "no changes"). The branch goes back to `base` and the work
		// stays in the tree, as any failed step leaves it.
		if (strictFailure && committed) await repo.git.run(['reset', '-q', '--mixed', base]);
		const kept = committed && !strictFailure;
		this.store.patchStep(step.id, {
			status: strictFailure ? 'failed' : 'done',
			error: strictFailure ? `file scope (strict): ${warnings[0]}` : undefined,
			commit: strictFailure ? undefined : commit,
			noChanges: !committed,
			files,
			warnings,
			pid: undefined,
			finishedAt: finishedAt.toISOString(),
			durationMs: finishedAt.getTime() - startedAt.getTime(),
		});
		const checkpoint: Checkpoint | undefined = kept
			? {name: step.id, kind: 'step', commit, time: new Date().toISOString(), stepId: step.id, phaseId: step.phaseId}
			: undefined;
		this.store.patchSession({
			running: this.running().filter(s => s !== step.id),
			headCommit: strictFailure ? base : commit,
			checkpoints: checkpoint ? [...this.session.checkpoints, checkpoint] : this.session.checkpoints,
		});
		this.store.setLiveFiles(step.id, null);
		events.emit('step_finished', {step: step.id, ok: !strictFailure, commit: kept ? commit : null, files: files.length, noChanges: !committed, warnings, agentMs: this.session.steps[step.id]?.agentMs});
		if (checkpoint) events.emit('checkpoint', {name: checkpoint.name, commit, step: step.id});
		await this.gates.recordMeasurements(step.id);
		this.details.queue({stepId: step.id, base: kept ? base : null, commit, agent, record: !strictFailure, upcoming: pending});
		if (strictFailure) {
			await this.details.settle();
			await this.memory.flush();
			return 'failed';
		}
		// No flush either: a crash from here on is recovered by adopting the commit (its trailer).
		return 'done';
	}

	/** In a batch worktree: commit there (no tick: tasks.md lines would conflict), apply later. */
	private async commitInWorktree(step: Step, worktree: Repo, base: string): Promise<StepOutcome> {
		const {plan} = this.opts;
		const committed = await worktree.commitStep(`orchestrator(${plan.id}): ${step.id} ${step.title}`, {'Orchestrator-Step': `${plan.id}/${step.id}`});
		const files = committed ? await worktree.changedFiles(base, committed.commit) : [];
		if (committed) {
			this.committed = true;
			this.batchCommits.set(step.id, committed.commit);
		} else this.batchCommits.delete(step.id);
		this.store.patchStep(step.id, {files, pid: undefined, finishedAt: new Date().toISOString()});
		return 'done';
	}

	/**
	 * A parallel batch: each step in its own worktree made from the batch's starting
	 * checkpoint, all at once; then their commits are applied onto the branch in plan order.
	 * Two steps that changed the same file, or a commit that does not apply, stop the batch at
	 * a gate with the tree as before the batch and every commit kept under a ref.
	 */
	private async runParallelBatch(phase: Phase, steps: Step[]): Promise<'continue' | PhaseOutcome> {
		const {repo, plan, events} = this.opts;
		const base = this.head();
		const dirs: string[] = [];
		events.emit('batch_started', {steps: steps.map(s => s.id), base});
		try {
			// One after another: concurrent `git worktree add`s race on git's own records.
			const worktrees = new Map<string, Repo>();
			for (const step of steps) {
				const dir = await addWorktree(repo, plan.id, step.id, base);
				dirs.push(dir);
				worktrees.set(step.id, await Repo.open(dir));
			}
			const outcomes = await Promise.all(steps.map(step => this.runStep(step, {worktree: worktrees.get(step.id)})));
			if (outcomes.includes('aborted')) return 'interrupted';

			const succeeded = steps.filter((_, i) => outcomes[i] === 'done');
			for (const step of succeeded) {
				const commit = this.batchCommits.get(step.id);
				if (commit) await repo.setRef(`refs/orchestrator/${plan.id}/batch/${step.id}`, commit);
			}
			// A rename changes its old path too (git would carry the other step's edit over silently).
			const touched = (id: string) => (this.session.steps[id]?.files ?? []).flatMap(f => [f.path, ...((f as GitFileChange).oldPath ? [(f as GitFileChange).oldPath!] : [])]);
			const overlap = batchOverlap(succeeded.map(s => ({id: s.id, files: touched(s.id)})));
			if (overlap) return await this.batchConflict(phase, steps, `${overlap.steps.join(' and ')} both changed ${overlap.files.join(', ')}`);

			// A conflict part-way goes back to the batch's start: the steps applied before it lose
			// their checkpoints again, so their refs go only once the whole batch is on the branch.
			const {checkpoints, changes} = this.session;
			const rejected = new Set<string>();
			for (const step of succeeded) {
				const state = this.session.steps[step.id];
				const startedAt = new Date(state.startedAt ?? Date.now());
				const finishedAt = new Date(state.finishedAt ?? Date.now());
				const commit = this.batchCommits.get(step.id);
				const stepBase = this.head();
				if (commit) {
					const applied = await applyCommit(repo, commit);
					if (!applied.ok) {
						await repo.restore(base);
						this.store.patchSession({headCommit: base, checkpoints, changes});
						return await this.batchConflict(phase, steps, `${step.id} does not apply on top of the others: conflict in ${applied.conflicts.join(', ')}`);
					}
				}
				this.store.patchStep(step.id, {baseCommit: stepBase});
				if ((await this.checkpointStep(step, stepBase, startedAt, finishedAt)) === 'failed') {
					// Strict file scope: its work leaves the tree (its commit stays under its batch ref)
					// so the next step of the batch does not commit it.
					await repo.restore(stepBase);
					rejected.add(step.id);
				}
			}
			// Applied: the branch now holds the changes, the worktree commits need no ref.
			for (const step of succeeded) {
				if (this.batchCommits.has(step.id) && !rejected.has(step.id)) await repo.git.run(['update-ref', '-d', `refs/orchestrator/${plan.id}/batch/${step.id}`]);
				this.batchCommits.delete(step.id);
			}
			const failed = steps.filter((s, i) => outcomes[i] === 'failed' || rejected.has(s.id));
			for (const step of failed) {
				const next = await this.gates.failureGate(phase, step);
				if (next !== 'continue') return next;
			}
			return 'continue';
		} finally {
			for (const dir of dirs) await removeWorktree(repo, dir);
		}
	}

	/** The batch could not be combined: nothing applied, commits kept, a gate names why. */
	private async batchConflict(phase: Phase, steps: Step[], why: string): Promise<'continue' | PhaseOutcome> {
		const {plan} = this.opts;
		for (const step of steps) {
			this.sequential.add(step.id);
			// Every step_started gets its step_finished (tail and resume read the log); a step
			// that failed on its own has one already.
			const finished = this.session.steps[step.id]?.status === 'failed';
			const error = `${BATCH_NOT_APPLIED}: ${why}`;
			this.store.patchStep(step.id, {status: 'failed', error, pid: undefined});
			if (!finished) this.opts.events.emit('step_finished', {step: step.id, ok: false, error, batch: true});
		}
		this.store.patchSession({running: this.running().filter(id => !steps.some(s => s.id === id))});
		this.opts.events.emit('batch_conflict', {steps: steps.map(s => s.id), why, kept: steps.map(s => `refs/orchestrator/${plan.id}/batch/${s.id}`)});
		const message = `parallel batch ${steps.map(s => s.id).join(', ')} stopped: ${why}. Their commits are kept under refs/orchestrator/${plan.id}/batch/*; retry runs them one by one.`;
		return this.gates.failureGate(phase, steps[0], message, steps);
	}

	private pendingSteps(): Step[] {
		const steps = this.session.steps;
		return [...this.steps.values()].filter(s => {
			const status = steps[s.id]?.status;
			return status === 'pending' || status === 'rolled_back';
		});
	}

	/** While a step runs, the UI shows its files against the last checkpoint (throttled). */
	private watchLiveDiff(stepId: string, base: string, repo: Repo): () => void {
		const every = this.opts.liveDiffMs ?? 0;
		if (!this.opts.interactive || every <= 0 || !base) return () => {};
		let busy = false;
		let stopped = false;
		const timer = setInterval(() => {
			if (busy || stopped) return;
			busy = true;
			repo
				.workingChanges(base)
				.then(files => {
					if (!stopped) this.store.setLiveFiles(stepId, files);
				})
				.catch(() => {})
				.finally(() => {
					busy = false;
				});
		}, every);
		return () => {
			stopped = true;
			clearInterval(timer);
		};
	}
}

function firstLine(text: string | undefined): string | undefined {
	return text?.split('\n').find(l => l.trim() !== '')?.trim();
}

/** The first file changed by two steps of a batch, with the steps, or null. */
export function batchOverlap(steps: Array<{id: string; files: string[]}>): {steps: string[]; files: string[]} | null {
	const owner = new Map<string, string>();
	for (const step of steps) {
		for (const file of step.files) {
			const other = owner.get(file);
			if (other && other !== step.id) {
				const shared = step.files.filter(f => owner.get(f) === other);
				return {steps: [other, step.id], files: shared};
			}
			owner.set(file, step.id);
		}
	}
	return null;
}
