// Rolling back to a checkpoint, shared by the engine (gate decisions, --on-failure rollback)
// and the `rollback` command. The state being replaced is first kept under
// refs/orchestrator/<id>/before-rollback-<n>, so a rollback can itself be undone.
import type {Repo} from '../git/repo.js';
import type {Checkpoint, SessionState, StepState} from '../types.js';
import {markRolledBack} from './changes.js';
import type {EventLog} from './event-log.js';
import type {OrchestratorStore} from '../store/store.js';

export interface RollbackContext {
	repo: Repo;
	store: OrchestratorStore;
	events: EventLog;
}

/** Checkpoints a person can go back to (not the backup / before-rollback snapshots). */
export function restorableCheckpoints(session: SessionState): Checkpoint[] {
	return session.checkpoints.filter(cp => cp.kind === 'start' || cp.kind === 'step' || cp.kind === 'phase');
}

/** Finds a checkpoint by name, tag, ref, step id, phase id or commit prefix; the newest match wins. */
export function findCheckpoint(session: SessionState, query: string): Checkpoint | undefined {
	const all = restorableCheckpoints(session).reverse();
	return (
		all.find(cp => cp.name === query || cp.tag === query || cp.ref === query) ??
		all.find(cp => cp.kind === 'phase' && cp.phaseId === query) ??
		all.find(cp => cp.stepId === query) ??
		(query.length >= 4 ? all.find(cp => cp.commit.startsWith(query)) : undefined)
	);
}

/**
 * The one way the tree goes back: the current state (tracked and untracked) is first kept as a
 * commit under refs/orchestrator/<id>/before-rollback-<n>, then the tree and index are restored
 * to `commit`. Returns the checkpoint that names the kept state; the caller records it and
 * counts the rollback (session.rollbacks + 1 is the n used here).
 */
export async function keepAndRestore(repo: Repo, session: SessionState, commit: string, why: string, stepId?: string): Promise<Checkpoint> {
	const n = session.rollbacks + 1;
	const ref = `refs/orchestrator/${session.implementationId}/before-rollback-${n}`;
	const snapshot = await repo.snapshotToRef(ref, `orchestrator(${session.implementationId}): ${why}`);
	await repo.restore(commit);
	return {name: `before-rollback-${n}`, kind: 'before-rollback', commit: snapshot, ref, time: new Date().toISOString(), ...(stepId ? {stepId} : {})};
}

export async function rollbackTo(ctx: RollbackContext, target: Checkpoint, reason: string): Promise<Checkpoint> {
	const {repo, store, events} = ctx;
	const session = store.getState().session;
	if (!session) throw new Error('rollback without a session');
	const saved = await keepAndRestore(repo, session, target.commit, `state before rollback ${session.rollbacks + 1} to ${target.name}`);
	const n = session.rollbacks + 1;
	const ref = saved.ref!;
	const snapshot = saved.commit;

	// Everything that finished after the target checkpoint is undone: those steps run again.
	// (Checkpoint and step times come from one clock, and a step's checkpoint is stamped after
	// the step finished, so the target's own step stays done.)
	const undonePhases = new Set(
		session.checkpoints.filter(cp => cp.kind === 'phase' && cp.phaseId && cp.time > target.time).map(cp => cp.phaseId!),
	);
	const steps: Record<string, StepState> = {...session.steps};
	const undoneSteps: string[] = [];
	const undoneFiles = new Set<string>();
	for (const [id, step] of Object.entries(steps)) {
		const finishedAfter = step.finishedAt !== undefined && step.finishedAt > target.time && (step.status === 'done' || step.status === 'skipped');
		if (finishedAfter || step.status === 'failed' || step.status === 'running') {
			for (const f of step.files) undoneFiles.add(f.path);
			undoneSteps.push(id);
			steps[id] = {...step, status: 'rolled_back', commit: undefined, noChanges: undefined, pid: undefined};
		}
	}
	const phases = session.phases.map(p => {
		const touched = p.stepIds.some(id => steps[id]?.status === 'rolled_back');
		if (undonePhases.has(p.id) || touched) return {...p, status: 'pending' as const};
		return p;
	});
	const firstOpen = phases.find(p => p.status !== 'approved' && p.status !== 'skipped');
	store.getState().setSession({
		...session,
		steps,
		phases,
		currentPhase: firstOpen?.id ?? session.currentPhase,
		checkpoints: [...session.checkpoints, saved],
		headCommit: target.commit,
		rollbacks: n,
		running: [],
		changes: markRolledBack(session.changes, undoneFiles),
		message: `rolled back to ${target.name} (${target.commit.slice(0, 8)}); the replaced state is kept under ${ref}`,
	});
	events.emit('rollback', {to: target.name, commit: target.commit, saved: ref, savedCommit: snapshot, reason, steps: undoneSteps});
	return saved;
}
