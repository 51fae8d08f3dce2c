// Gates and decisions: a failed step's gate and a phase's gate (its checks, report and tag),
// the fail-then-pass and measure records they judge by, fix forward, and who decides: a person
// at the UI, --yes, or the headless --on-failure policy. The engine runs the phases and steps
// and hands over here when a step fails or a phase's steps are done.
import type {Repo} from '../git/repo.js';
import type {MemoryWriter} from '../store/memory.js';
import {etaMs, lastCheckpoint} from '../store/session.js';
import type {OrchestratorStore} from '../store/store.js';
import type {Checkpoint, CheckResult, Decision, GateState, Phase, PhaseReport, Plan, SessionState, Step} from '../types.js';
import type {MemoryPaths} from '../util/paths.js';
import type {EventLog} from './event-log.js';
import {lastNumber, runCheck} from './gate-checks.js';
import {keepAndRestore, rollbackTo} from './rollback.js';
import type {StepDetails} from './step-details.js';

export type FailurePolicy = 'stop' | 'rollback' | 'fix';

/** How many fix-forward attempts headless `--on-failure fix` makes at one gate. */
export const MAX_AUTO_FIXES = 2;

export type StepOutcome = 'done' | 'failed' | 'aborted';
export type PhaseOutcome = 'next' | 'stopped' | 'paused' | 'interrupted';

/** The session's parts and the decision policy: the engine's options that the gates read too. */
export interface GateOptions {
	repo: Repo;
	plan: Plan;
	store: OrchestratorStore;
	events: EventLog;
	paths: MemoryPaths;
	/** A person is watching (full-screen UI): decisions wait for a keypress. */
	interactive: boolean;
	/** Approve passing gates automatically. */
	yes: boolean;
	onFailure: FailurePolicy;
}

/** What the gates need from the engine: its options and writers, and the few of its operations they call. */
export interface GateContext extends GateOptions {
	memory: MemoryWriter;
	details: StepDetails;
	/** The engine's quit signal: it stops running gate checks. */
	signal: AbortSignal;
	session(): SessionState;
	/** The commit the next step starts from. */
	head(): string;
	/** Waits out a pause; says how the phase ends when the session was quit meanwhile. */
	checkPauseAndQuit(): Promise<PhaseOutcome | null>;
	/** A step of the plan (or an earlier fix-forward step) by id. */
	planStep(id: string): Step | undefined;
	/** Takes on a fix-forward step as one of the engine's own and runs it. */
	runFixStep(step: Step, fixFor: string): Promise<StepOutcome>;
}

export class PhaseGates {
	private decisionSeq: number;

	constructor(private readonly ctx: GateContext) {
		this.decisionSeq = ctx.store.getState().decision?.seq ?? 0;
	}

	private get session(): SessionState {
		return this.ctx.session();
	}

	private get store() {
		return this.ctx.store.getState();
	}

	/**
	 * A failed step (or a parallel batch that could not be combined: `group`): retry, fix
	 * forward, roll back, skip, or stop.
	 */
	async failureGate(phase: Phase, step: Step, why?: string, group: Step[] = [step]): Promise<'continue' | PhaseOutcome> {
		await this.ctx.details.settle();
		let fixAttempts = 0;
		let message = why ?? `${step.id} failed: ${this.session.steps[step.id]?.error ?? 'unknown error'}`;
		for (;;) {
			const options: Decision[] = group.length > 1 ? ['retry', 'skip', 'quit'] : ['retry', 'fix', 'rollback', 'skip', 'quit'];
			const target = this.checkpointAt(this.ctx.head());
			const gate: GateState = {kind: 'failure', phaseId: phase.id, stepId: step.id, status: 'waiting', message, options, fixAttempts, openedAt: new Date().toISOString(), rollbackTo: target && {name: target.name, commit: target.commit}};
			this.store.patchSession({gate, status: 'failed'});
			this.ctx.events.emit('gate_opened', {kind: 'failure', phase: phase.id, step: step.id, message});
			await this.ctx.memory.flush();
			const decision = await this.decide(gate, false);
			this.ctx.events.emit('gate_decided', {kind: 'failure', phase: phase.id, step: step.id, decision});
			this.store.patchSession({gate: null, status: 'running'});
			switch (decision) {
				case 'retry': {
					await this.restoreForRetry(step.id, 'retry');
					for (const member of group) this.store.patchStep(member.id, {status: 'pending'});
					return 'continue';
				}
				case 'skip': {
					await this.restoreForRetry(step.id, 'skip');
					for (const member of group) {
						this.store.patchStep(member.id, {status: 'skipped'});
						this.ctx.events.emit('step_skipped', {step: member.id});
					}
					return 'continue';
				}
				case 'fix': {
					fixAttempts++;
					const fixed = await this.fixForward(phase, {failedStep: step.id});
					if (fixed === 'aborted') return 'interrupted';
					if (fixed === 'done') {
						this.store.patchStep(step.id, {status: 'done', warnings: [...(this.session.steps[step.id]?.warnings ?? []), 'completed by fix forward']});
						return 'continue';
					}
					message = `fix forward for ${step.id} failed too`;
					continue;
				}
				case 'rollback': {
					await this.rollbackToLast(`${step.id} failed`);
					if (!this.ctx.interactive) return 'stopped';
					// Rolled back, not retried: wait for the person to look and press p.
					this.store.patchSession({pauseRequested: true});
					return 'continue';
				}
				case 'approve':
				case 'quit':
					return this.store.quitRequested === 'interrupt' ? 'interrupted' : 'stopped';
			}
		}
	}

	/** Before running a failed step again: its partial work is kept under a ref, the tree restored. */
	private async restoreForRetry(stepId: string, why: string): Promise<void> {
		const {repo} = this.ctx;
		const base = this.ctx.head();
		const dirty = await repo.dirtyFiles();
		if (dirty.length === 0 && (await repo.head()) === base) return;
		const saved = await keepAndRestore(repo, this.session, base, `partial work of ${stepId} before ${why}`, stepId);
		this.store.patchSession({rollbacks: this.session.rollbacks + 1, checkpoints: [...this.session.checkpoints, saved]});
		this.ctx.events.emit('rollback', {to: 'last checkpoint', commit: base, saved: saved.ref, savedCommit: saved.commit, reason: `${why} ${stepId}`});
	}

	/** The newest restorable checkpoint at this commit (a phase tag and its last step share one). */
	private checkpointAt(commit: string | undefined): Checkpoint | undefined {
		if (!commit) return undefined;
		return [...this.session.checkpoints].reverse().find(cp => (cp.kind === 'start' || cp.kind === 'step' || cp.kind === 'phase') && cp.commit === commit);
	}

	private async rollbackToLast(reason: string): Promise<void> {
		const target = this.checkpointAt(this.ctx.head()) ?? lastCheckpoint(this.session);
		if (!target) return;
		await rollbackTo(this.ctx, target, reason);
		await this.ctx.memory.flush();
	}

	async phaseGate(phase: Phase): Promise<PhaseOutcome | 'rerun'> {
		const {events} = this.ctx;
		let fixAttempts = 0;
		for (;;) {
			const stop = await this.ctx.checkPauseAndQuit();
			if (stop) return stop;
			const openedAt = new Date().toISOString();
			const checking: GateState = {kind: 'phase', phaseId: phase.id, status: 'checking', message: `running ${phase.gate.checks.length} check(s)`, options: [], fixAttempts, openedAt};
			this.store.patchPhase(phase.id, {status: 'gate'});
			this.store.patchSession({gate: checking, status: 'gate'});
			events.emit('gate_opened', {kind: 'phase', phase: phase.id});
			await this.ctx.memory.flush();
			await this.ctx.details.settle();
			const report = await this.phaseReport(phase);
			if (this.store.quitRequested) return 'interrupted';
			const failedChecks = report.checks.filter(c => !c.ok);
			const strictProblems = this.ctx.plan.strict ? report.warnings : [];
			const passed = failedChecks.length === 0 && strictProblems.length === 0;
			const message = passed
				? `${phase.title}: ${report.checks.length === 0 ? 'no checks' : 'all checks passed'}${report.files.length === 0 ? ' · no changes' : ''}`
				: `${phase.title}: ${failedChecks.length > 0 ? `check failed: ${failedChecks.map(c => c.name ?? c.command).join(', ')}` : strictProblems[0]}`;
			const options: Decision[] = passed ? ['approve', 'retry', 'rollback', 'skip', 'quit'] : ['retry', 'fix', 'rollback', 'skip', 'quit'];
			const start = this.checkpointAt(this.session.phases.find(p => p.id === phase.id)?.startCommit);
			const gate: GateState = {...checking, status: 'waiting', message, report, options, rollbackTo: start && {name: start.name, commit: start.commit}};
			this.store.patchSession({gate, reports: {...this.session.reports, [phase.id]: report}});
			events.emit('gate_ready', {phase: phase.id, passed, message, report});
			await this.ctx.memory.flush();
			const decision = await this.decide(gate, passed, phase);
			events.emit('gate_decided', {kind: 'phase', phase: phase.id, decision});
			switch (decision) {
				case 'approve':
				case 'skip': {
					await this.closePhase(phase, decision === 'approve' ? 'approved' : 'skipped');
					return 'next';
				}
				case 'retry':
					continue;
				case 'fix': {
					fixAttempts++;
					const fixed = await this.fixForward(phase, {checks: failedChecks});
					if (fixed === 'aborted') return 'interrupted';
					continue;
				}
				case 'rollback': {
					const target = this.checkpointAt(this.session.phases.find(p => p.id === phase.id)?.startCommit);
					if (target) await rollbackTo(this.ctx, target, `gate of ${phase.id}`);
					this.store.patchSession({gate: null});
					this.store.patchPhase(phase.id, {status: 'running'});
					if (!this.ctx.interactive) {
						await this.ctx.memory.flush();
						return 'stopped';
					}
					// The phase runs again once the person presses p.
					this.store.patchSession({pauseRequested: true});
					await this.ctx.memory.flush();
					return 'rerun';
				}
				case 'quit':
					if (this.store.quitRequested === 'interrupt') return 'interrupted';
					return passed ? 'paused' : 'stopped';
			}
		}
	}

	private async closePhase(phase: Phase, status: 'approved' | 'skipped'): Promise<void> {
		const {repo, plan, events} = this.ctx;
		const commit = this.ctx.head();
		if (status === 'approved' && phase.gate.tag && commit) {
			const tag = `orchestrator/${plan.id}/${phase.id}`;
			await repo.tag(tag, commit, `orchestrator(${plan.id}): phase ${phase.id} approved`);
			const checkpoint: Checkpoint = {name: phase.id, kind: 'phase', commit, tag, time: new Date().toISOString(), phaseId: phase.id};
			this.store.patchSession({checkpoints: [...this.session.checkpoints, checkpoint]});
			events.emit('checkpoint', {name: phase.id, commit, tag});
		}
		this.store.patchPhase(phase.id, {status});
		this.store.patchSession({gate: null, status: 'running'});
		events.emit(status === 'approved' ? 'phase_approved' : 'phase_skipped', {phase: phase.id});
		await this.ctx.memory.flush();
	}

	private async phaseReport(phase: Phase): Promise<PhaseReport> {
		const {repo, plan, paths} = this.ctx;
		const state = this.session.phases.find(p => p.id === phase.id)!;
		const start = state.startCommit ?? '';
		const head = this.ctx.head();
		const files = start && head && start !== head ? await repo.changedFiles(start, head) : [];
		const checks: CheckResult[] = [];
		for (const check of phase.gate.checks) {
			if (this.store.quitRequested) break;
			this.ctx.events.emit('check_started', {phase: phase.id, command: check.command});
			const result = await runCheck(check, {
				cwd: repo.root,
				logPath: paths.log(`gate-${phase.id}`),
				signal: this.ctx.signal,
				passedBefore: this.session.preChecks?.[`${phase.id}\0${check.command}`],
				baseline: check.measure ? this.session.measurements?.[`${check.measure.baseline_step}\0${check.measure.command}`] : undefined,
			});
			checks.push(result);
			this.ctx.events.emit('check_finished', {phase: phase.id, command: check.command, ok: result.ok, summary: result.summary, note: result.note});
		}
		const stepStates = state.stepIds.map(id => this.session.steps[id]).filter(Boolean);
		const durationMs = stepStates.reduce((sum, s) => sum + (s.durationMs ?? 0), 0) + checks.reduce((sum, c) => sum + c.durationMs, 0);
		const warnings = stepStates.flatMap(s => s.warnings);
		if (phase.gate.checks.length === 0 && !plan.test) warnings.push(`phase ${phase.id} is never tested`);
		return {phaseId: phase.id, files, checks, durationMs, remainingMs: etaMs(this.session), steps: stepStates.length, warnings};
	}

	/** fail-then-pass checks must fail before the phase's steps change anything. */
	async recordPreChecks(phase: Phase): Promise<void> {
		const checks = phase.gate.checks.filter(c => c.expect === 'fail-then-pass');
		if (checks.length === 0) return;
		const preChecks = {...this.session.preChecks};
		for (const check of checks) {
			const result = await runCheck({command: check.command}, {cwd: this.ctx.repo.root, logPath: this.ctx.paths.log(`gate-${phase.id}`), signal: this.ctx.signal});
			preChecks[`${phase.id}\0${check.command}`] = result.ok;
			this.ctx.events.emit('precheck', {phase: phase.id, command: check.command, ok: result.ok});
		}
		this.store.patchSession({preChecks});
	}

	/** measure checks: the number printed right after their baseline step. */
	async recordMeasurements(stepId: string): Promise<void> {
		const measures = this.ctx.plan.phases.flatMap(p => p.gate.checks).filter(c => c.measure?.baseline_step === stepId);
		if (measures.length === 0) return;
		const measurements = {...this.session.measurements};
		for (const check of measures) {
			const result = await runCheck({command: check.measure!.command, measure: undefined}, {cwd: this.ctx.repo.root, logPath: this.ctx.paths.log(stepId)});
			const value = lastNumber(result.tail, check.measure!.metric);
			if (value !== undefined) measurements[`${stepId}\0${check.measure!.command}`] = value;
			this.ctx.events.emit('measured', {step: stepId, command: check.measure!.command, value: value ?? null});
		}
		this.store.patchSession({measurements});
	}

	/** Runs the fixer agent with the failure as its task; the board shows it as its own step. */
	private async fixForward(phase: Phase, failure: {failedStep?: string; checks?: CheckResult[]}): Promise<StepOutcome> {
		const {plan} = this.ctx;
		const target = failure.failedStep ?? phase.id;
		// Numbered per failure: the first fix of T4 is T4-fix-1, whatever was fixed before it.
		const n = (this.session.extraSteps ?? []).filter(id => id.startsWith(`${target}-fix-`)).length + 1;
		const id = `${target}-fix-${n}`;
		const failed = failure.failedStep ? this.session.steps[failure.failedStep] : undefined;
		const outputTail = failure.failedStep ? (this.store.output[failure.failedStep]?.lines ?? []).slice(-40) : [];
		const promptLines = [
			`Fix forward: ${failed ? `step ${failed.id} "${failed.title}" failed: ${failed.error ?? ''}` : `the checks of phase "${phase.title}" failed`}.`,
			'Make the smallest change that makes it pass. Do not undo the work of earlier steps.',
		];
		if (outputTail.length > 0) promptLines.push('', 'Last output of the failed step:', ...outputTail);
		for (const check of failure.checks ?? []) {
			promptLines.push('', `Failing check \`${check.command}\` (exit ${check.exitCode}${check.note ? `, ${check.note}` : ''}):`, ...check.tail.slice(-30));
		}
		const original = failure.failedStep ? this.ctx.planStep(failure.failedStep) : undefined;
		const step: Step = {
			id,
			title: `Fix forward: ${failed ? failed.id : phase.title}`,
			phaseId: phase.id,
			agent: plan.fixer ?? 'bug-fixer',
			prompt: promptLines.join('\n'),
			files: original?.files ?? [],
			depends_on: [],
			parallel: false,
			done: false,
		};
		const session = this.session;
		this.store.setSession({
			...session,
			steps: {...session.steps, [id]: {id, phaseId: phase.id, title: step.title, agent: step.agent!, status: 'pending', attempts: 0, files: [], warnings: [], fixFor: target}},
			phases: session.phases.map(p => (p.id === phase.id ? {...p, stepIds: [...p.stepIds, id]} : p)),
			extraSteps: [...(session.extraSteps ?? []), id],
		});
		this.ctx.events.emit('fix_forward', {step: id, for: target});
		return this.ctx.runFixStep(step, target);
	}

	// ---------------------------------------------------------------------------------------
	// Decisions

	/**
	 * Who decides: passing gates are approved automatically with --yes (or approve: false);
	 * a person decides when the UI is attached; headless, the --on-failure policy decides,
	 * and a gate that waits for a person pauses the session.
	 */
	private async decide(gate: GateState, passed: boolean, phase?: Phase): Promise<Decision> {
		if (gate.kind === 'phase' && passed && (this.ctx.yes || phase?.gate.approve === false)) return 'approve';
		if (this.ctx.interactive) return this.waitForDecision(gate.options);
		// Headless, a gate that waits for a person: quit here pauses the session (exit 4).
		if (gate.kind === 'phase' && passed) return 'quit';
		switch (this.ctx.onFailure) {
			case 'rollback':
				return 'rollback';
			case 'fix':
				return gate.fixAttempts < MAX_AUTO_FIXES ? 'fix' : 'quit';
			default:
				return 'quit';
		}
	}

	private waitForDecision(options: Decision[]): Promise<Decision> {
		const {store} = this.ctx;
		return new Promise(resolve => {
			const check = (): boolean => {
				const state = store.getState();
				if (state.quitRequested) {
					resolve('quit');
					return true;
				}
				const decision = state.decision;
				if (decision && decision.seq > this.decisionSeq) {
					this.decisionSeq = decision.seq;
					if (options.includes(decision.value)) {
						resolve(decision.value);
						return true;
					}
					state.setNotice(`${decision.value} is not possible here`);
				}
				return false;
			};
			if (check()) return;
			const unsubscribe = store.subscribe(() => {
				if (check()) unsubscribe();
			});
		});
	}
}
