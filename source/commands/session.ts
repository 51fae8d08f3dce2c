// `run` and `resume` (and `demo`, which is `run` in a scratch repository): open the
// repository, take the lock, load the plan, start or reconcile the session, then drive the
// engine headless or under the full-screen UI. Both paths use the same store and engine.
import path from 'node:path';
import {checkAgents} from '../agents/resolve-agent.js';
import {checkSlashCommands} from '../agents/slash.js';
import {killAllGroups} from '../agents/run-process.js';
import {Engine, type FailurePolicy} from '../engine/engine.js';
import {EventLog} from '../engine/event-log.js';
import {attachPrinter} from '../engine/headless-printer.js';
import {reconcileSession} from '../engine/resume-session.js';
import {startSession} from '../engine/start-session.js';
import {startViewService} from '../engine/view-service.js';
import {Repo} from '../git/repo.js';
import {findDefaultPlan} from '../plan/find-plan.js';
import {loadPlan, PlanError} from '../plan/load-plan.js';
import {executionBatches} from '../plan/schedule.js';
import {acquireLock} from '../store/lock.js';
import {readSession, writeMemoryFiles, ensureMemoryDirs} from '../store/memory.js';
import {createOrchestratorStore, type OrchestratorStore} from '../store/store.js';
import {EXIT, UsageError} from '../util/errors.js';
import {MEMORY_DIR, memoryPaths} from '../util/paths.js';

export interface SessionCommandOptions {
	cwd: string;
	plan?: string;
	resume: boolean;
	yes: boolean;
	headless: boolean;
	json: boolean;
	agent?: string;
	maxParallel: number;
	onFailure?: FailurePolicy;
	allowDirty: boolean;
	fresh: boolean;
	adopt: boolean;
	out: NodeJS.WriteStream;
	err: NodeJS.WriteStream;
	/** Test hook: receives the store once the session exists. */
	onStore?: (store: OrchestratorStore) => void;
}

export async function sessionCommand(opts: SessionCommandOptions): Promise<number> {
	const repo = await Repo.open(opts.cwd);
	const paths = memoryPaths(repo.root);
	// Excluded before anything is written, so the memory folder never shows as untracked.
	await repo.ensureExcluded(MEMORY_DIR);
	await ensureMemoryDirs(paths);
	const lock = acquireLock(paths);
	const cleanups: Array<() => void> = [() => lock.release()];
	try {
		const events = new EventLog(paths);
		const interactive = !opts.headless && Boolean(opts.out.isTTY) && Boolean(process.stdin.isTTY);
		if (!interactive) cleanups.push(attachPrinter(events, {json: opts.json, showOutput: true, write: text => opts.out.write(text)}));

		// A new session's first question to git (is there uncommitted work?) runs while the plan loads.
		const dirtyFiles = opts.resume ? undefined : repo.dirtyFiles();
		dirtyFiles?.catch(() => undefined);
		const recorded = opts.resume ? await readSession(paths) : null;
		const planPath = recorded ? recorded.planPath : path.resolve(opts.cwd, opts.plan ?? (await findDefaultPlan(repo.root)));
		const {plan} = await loadPlan(planPath, {cwd: repo.root}).catch(error => {
			if (recorded && error instanceof UsageError) {
				throw new UsageError(`cannot load the session's plan ${planPath}: ${error.message}`);
			}
			throw error;
		});
		// Agents and slash commands are checked before anything runs (SPEC: a missing CLI is a validation error).
		const issues = [...(await checkAgents(plan, repo.root, {defaultAgent: opts.agent})), ...(await checkSlashCommands(plan, repo.root))].filter(i => i.severity === 'error');
		if (issues.length > 0) throw new PlanError(issues);

		const store = createOrchestratorStore({plan});
		let session = recorded
			? await reconcileSession({repo, plan, session: recorded, events, adopt: opts.adopt})
			: await startSession({repo, plan, paths, allowDirty: opts.allowDirty, fresh: opts.fresh, dirtyFiles});
		// A new session has its order from this plan already; a resumed one takes the plan's now.
		if (recorded) session = {...session, order: executionBatches(plan).flat()};
		store.getState().setSession(session);
		await writeMemoryFiles(paths, session);
		const stepCount = Object.keys(session.steps).length;
		events.emit('session_started', {id: plan.id, title: plan.title, plan: plan.source.path, phases: plan.phases.length, steps: stepCount, resumed: Boolean(recorded), pid: process.pid});
		if (recorded) events.emit('session_resumed', {notes: session.message ? session.message.split('; ') : []});
		opts.onStore?.(store);

		// Ctrl-C: stop the agents, save, exit 130. A second one exits at once.
		let signals = 0;
		const onSignal = (signal: NodeJS.Signals) => {
			signals++;
			store.getState().requestQuit('interrupt');
			if (signals > 1) {
				killAllGroups('SIGKILL');
				process.exit(signal === 'SIGINT' ? EXIT.interrupted : 143);
			}
		};
		process.on('SIGINT', onSignal);
		process.on('SIGTERM', onSignal);
		process.on('SIGHUP', onSignal);
		cleanups.push(() => {
			process.off('SIGINT', onSignal);
			process.off('SIGTERM', onSignal);
			process.off('SIGHUP', onSignal);
		});

		let ui: {unmount(): void} | null = null;
		if (interactive) {
			const {renderFullScreen} = await import('../ui/render-app.js');
			cleanups.push(startViewService(store, repo, paths));
			ui = renderFullScreen(store);
			cleanups.push(() => ui?.unmount());
		}

		const engine = new Engine({
			repo,
			plan,
			store,
			events,
			paths,
			interactive,
			yes: opts.yes,
			onFailure: opts.onFailure ?? 'stop',
			maxParallel: Math.max(1, opts.maxParallel),
			defaultAgent: opts.agent,
			liveDiffMs: interactive ? 1000 : 0,
		});
		let code: number;
		try {
			code = await engine.run();
		} catch (error) {
			ui?.unmount();
			throw error;
		}
		if (store.getState().quitRequested === 'interrupt') code = EXIT.interrupted;
		if (ui && !store.getState().quitRequested) {
			// The summary stays on screen until q.
			await new Promise<void>(resolve => {
				const unsubscribe = store.subscribe(state => {
					if (state.quitRequested) {
						unsubscribe();
						resolve();
					}
				});
			});
		}
		ui?.unmount();
		if (interactive) opts.out.write(summaryLine(store, code) + '\n');
		return code;
	} finally {
		for (const cleanup of cleanups.reverse()) cleanup();
	}
}

function summaryLine(store: OrchestratorStore, code: number): string {
	const session = store.getState().session;
	if (!session) return '';
	const steps = Object.values(session.steps);
	const done = steps.filter(s => s.status === 'done').length;
	switch (code) {
		case EXIT.ok:
			return `orchestrator: ${session.implementationId} done — ${done}/${steps.length} steps, ${session.checkpoints.length} checkpoints (see ${MEMORY_DIR}/completed-changes.md)`;
		case EXIT.paused:
			return `orchestrator: ${session.implementationId} waits at the gate of ${session.currentPhase} — \`orchestrator resume\` continues`;
		case EXIT.interrupted:
			return `orchestrator: ${session.implementationId} interrupted — the state is saved; \`orchestrator resume\` continues`;
		default:
			return `orchestrator: ${session.implementationId} stopped (${session.message ?? session.status}) — \`orchestrator resume\` continues, \`orchestrator rollback --list\` shows the checkpoints`;
	}
}

