// Resuming: reconcile the recorded session with what git and the process table say.
// A kill -9 can fall between any two operations, so: stop a leftover agent group, remove a
// stale index.lock, adopt step commits made just before the crash (by their trailer), and
// restore the tree of a step that was running; a tree that moved by other hands is refused
// unless --adopt.
import {isGroupAlive, stopGroup} from '../agents/kill-tree.js';
import type {Repo} from '../git/repo.js';
import {removeAllWorktrees} from '../git/worktree.js';
import type {Checkpoint, Plan, SessionState, StepState} from '../types.js';
import {UsageError} from '../util/errors.js';
import {memoryPaths, type MemoryPaths} from '../util/paths.js';
import {readEvents} from '../store/memory.js';
import {STEP_TRAILER} from '../git/repo.js';
import {recordChanges} from './changes.js';
import {keepAndRestore} from './rollback.js';
import {newStepState} from '../store/session.js';
import {relativeInside} from './start-session.js';
import type {EventLog} from './event-log.js';

export interface ResumeOptions {
	repo: Repo;
	plan: Plan;
	session: SessionState;
	events: EventLog;
	adopt: boolean;
}

export async function reconcileSession(opts: ResumeOptions): Promise<SessionState> {
	const {repo, plan, events} = opts;
	let session = mergePlan(opts.session, plan, events);
	const notes: string[] = [];

	// 1. Agents of the dead runner must not keep editing the tree. events.jsonl is the
	// write-ahead log: step_started and agent_spawned are appended synchronously before the
	// agent runs, so a step (and its pid) the memory files did not get in time is found there.
	const unfinished = await unfinishedSteps(memoryPaths(repo.root), session);
	const running = [...new Set([...session.running, ...unfinished.keys()])].filter(id => session.steps[id] && session.steps[id].status !== 'done');
	if (running.length !== session.running.length) {
		const steps = {...session.steps};
		for (const id of running) if (steps[id].status !== 'running') steps[id] = {...steps[id], status: 'running'};
		session = {...session, running, steps};
	}
	const spawned = new Map([...unfinished].filter(([, pid]) => pid !== undefined) as Array<[string, number]>);
	for (const id of session.running) {
		const pid = session.steps[id]?.pid ?? spawned.get(id);
		if (pid && isGroupAlive(pid)) {
			await stopGroup(pid, 1000);
			notes.push(`stopped the leftover agent of ${id} (pid ${pid})`);
		}
	}
	if (await repo.removeStaleIndexLock()) notes.push('removed a stale .git/index.lock');
	const worktrees = await removeAllWorktrees(repo, plan.id);
	if (worktrees > 0) notes.push(`removed ${worktrees} worktree(s) of an interrupted parallel batch`);

	// 2. Step commits made after the last recorded checkpoint are ours: adopt them.
	const head = session.headCommit ?? session.checkpoints.at(-1)?.commit;
	if (!head) throw new UsageError('the session records no checkpoint — start again with `orchestrator run --fresh`');
	const found = await repo.stepCommits(plan.id, head);
	if (found.size > 0) {
		const ordered = [...session.order, ...(session.extraSteps ?? [])].filter(id => found.has(id));
		let base = head;
		const steps = {...session.steps};
		const checkpoints = [...session.checkpoints];
		let changes = session.changes;
		for (const id of ordered) {
			const commit = found.get(id)!;
			const step = steps[id];
			if (!step || step.status === 'done') {
				base = commit;
				continue;
			}
			const files = await repo.changedFiles(base, commit);
			const now = new Date().toISOString();
			steps[id] = {...step, status: 'done', commit, files, pid: undefined, finishedAt: step.finishedAt ?? now, warnings: [...step.warnings, 'checkpoint adopted on resume (the runner died after committing)']};
			checkpoints.push({name: id, kind: 'step', commit, time: now, stepId: id, phaseId: step.phaseId});
			changes = recordChanges(changes, files, step.agent);
			events.emit('checkpoint_adopted', {step: id, commit});
			notes.push(`adopted the commit ${commit.slice(0, 8)} of ${id}`);
			base = commit;
		}
		session = {...session, steps, checkpoints, changes, headCommit: base, running: session.running.filter(id => steps[id]?.status !== 'done')};
	}

	// 3. Where is the tree? A step that was running left partial work: keep it under a ref,
	// restore the checkpoint, run the step again.
	let expected = session.headCommit!;
	let actualHead = await repo.head();
	let dirty = await repo.dirtyFiles();
	const crashedSteps = session.running.filter(id => session.steps[id]);
	// The plan edited between runs is the person's intent, not a stray edit: it becomes a
	// checkpoint of its own (only the plan file), and mergePlan already took its new steps. A
	// spec-kit tasks.md of a crashed step may hold that step's tick: that one is restored instead.
	const planRel = relativeInside(repo.root, plan.source.path);
	if (planRel && dirty.includes(planRel) && actualHead === session.headCommit && (plan.source.format !== 'speckit' || crashedSteps.length === 0)) {
		const commit = await repo.addAndCommitPaths([planRel], `orchestrator(${plan.id}): plan edited`, {[STEP_TRAILER]: `${plan.id}/plan`});
		if (commit) {
			const n = session.checkpoints.filter(c => c.name.startsWith('plan-edit')).length + 1;
			const checkpoint: Checkpoint = {name: `plan-edit-${n}`, kind: 'step', commit, time: new Date().toISOString()};
			session = {...session, headCommit: commit, checkpoints: [...session.checkpoints, checkpoint]};
			events.emit('checkpoint', {name: checkpoint.name, commit, plan: true});
			notes.push(`committed the edited plan as checkpoint ${checkpoint.name} (${commit.slice(0, 8)})`);
			actualHead = commit;
			expected = commit;
			dirty = dirty.filter(f => f !== planRel);
		}
	}
	// A headless stop at a failed step leaves that step's partial work in the tree: it is ours,
	// not an edit by hand, and the step runs again from its checkpoint like a crashed one.
	const failedSteps = session.status === 'stopped' || session.status === 'failed' ? Object.values(session.steps).filter(s => s.status === 'failed').map(s => s.id) : [];
	if (crashedSteps.length > 0 || failedSteps.length > 0 || session.status === 'interrupted') {
		if (actualHead !== expected || dirty.length > 0) {
			if (actualHead !== expected && actualHead && !(await repo.isAncestor(expected, actualHead))) {
				throw movedError(session, `HEAD is ${actualHead.slice(0, 8)}, not the checkpoint ${expected.slice(0, 8)}`);
			}
			const saved = await keepAndRestore(repo, session, expected, `partial work of ${[...crashedSteps, ...failedSteps].join(', ') || 'an interrupted step'} at resume`);
			session = {...session, rollbacks: session.rollbacks + 1, checkpoints: [...session.checkpoints, saved]};
			notes.push(`restored ${expected.slice(0, 8)}; the partial work is kept under ${saved.ref}`);
			events.emit('rollback', {to: 'last checkpoint', commit: expected, saved: saved.ref, savedCommit: saved.commit, reason: 'resume after a crash'});
		}
		const steps = {...session.steps};
		for (const id of crashedSteps) {
			const step = steps[id];
			if (step.status === 'running') steps[id] = {...step, status: 'pending', pid: undefined, error: 'interrupted; run again on resume'} satisfies StepState;
		}
		session = {...session, steps, running: []};
	} else if (actualHead !== expected || dirty.length > 0) {
		if (!opts.adopt) {
			const why = actualHead !== expected
				? `HEAD moved from the checkpoint ${expected.slice(0, 8)} to ${actualHead?.slice(0, 8) ?? 'nothing'}`
				: `uncommitted changes in ${dirty.slice(0, 3).join(', ')}${dirty.length > 3 ? ` and ${dirty.length - 3} more` : ''}`;
			throw movedError(session, why);
		}
		const committed = await repo.commitStep(`orchestrator(${plan.id}): adopt changes made by hand`, {[STEP_TRAILER]: `${plan.id}/adopted`});
		const commit = committed?.commit ?? actualHead!;
		const n = session.checkpoints.filter(c => c.name.startsWith('adopted')).length + 1;
		const checkpoint: Checkpoint = {name: `adopted-${n}`, kind: 'step', commit, time: new Date().toISOString()};
		session = {...session, headCommit: commit, checkpoints: [...session.checkpoints, checkpoint]};
		events.emit('checkpoint', {name: checkpoint.name, commit, adopted: true});
		notes.push(`adopted the current state as checkpoint ${checkpoint.name} (${commit.slice(0, 8)})`);
	}

	const now = new Date();
	const lastSeen = session.checkpoints.at(-1)?.time ?? session.resumedAt;
	const elapsedBeforeMs = session.elapsedBeforeMs + Math.max(0, Date.parse(lastSeen) - Date.parse(session.resumedAt));
	session = {...session, status: 'running', resumedAt: now.toISOString(), elapsedBeforeMs, finishedAt: undefined, message: notes.join('; ') || undefined};
	return session;
}

/**
 * Steps whose last step_started has no step_finished / step_interrupted after it, with the pid
 * of that attempt's agent_spawned when there is one.
 */
async function unfinishedSteps(paths: MemoryPaths, session: SessionState): Promise<Map<string, number | undefined>> {
	const open = new Map<string, number | undefined>();
	const {events} = await readEvents(paths);
	for (const event of events) {
		const step = event.step;
		if (typeof step !== 'string' || !session.steps[step]) continue;
		if (event.type === 'step_started') open.set(step, undefined);
		else if (event.type === 'agent_spawned' && open.has(step) && typeof event.pid === 'number') open.set(step, event.pid);
		else if (event.type === 'step_finished' || event.type === 'step_interrupted' || event.type === 'step_skipped') open.delete(step);
	}
	return open;
}

function movedError(session: SessionState, why: string): UsageError {
	const last = [...session.checkpoints].reverse().find(c => c.kind !== 'backup' && c.kind !== 'before-rollback');
	return new UsageError(
		`the repository moved since the last checkpoint (${why}) — keep it as a checkpoint with \`orchestrator resume --adopt\`, or go back with \`orchestrator rollback ${last?.name ?? 'start'}\``,
	);
}

/**
 * The plan may have been edited between runs. Steps keep their state by id; new steps are
 * pending; steps that vanished are dropped from the board (their commits stay in git).
 */
function mergePlan(session: SessionState, plan: Plan, events: EventLog): SessionState {
	if (session.planHash === plan.source.hash) return session;
	const steps: Record<string, StepState> = {};
	for (const phase of plan.phases) for (const step of phase.steps) steps[step.id] = session.steps[step.id] ?? newStepState(step, plan);
	for (const id of session.extraSteps ?? []) if (session.steps[id]) steps[id] = session.steps[id];
	const phases = plan.phases.map(p => {
		const old = session.phases.find(o => o.id === p.id);
		const extra = (old?.stepIds ?? []).filter(id => session.extraSteps?.includes(id));
		return {id: p.id, title: p.title, status: old?.status ?? 'pending', startCommit: old?.startCommit, stepIds: [...p.steps.map(s => s.id), ...extra]};
	});
	events.emit('plan_changed', {from: session.planHash, to: plan.source.hash});
	return {...session, steps, phases, planHash: plan.source.hash, title: plan.title};
}
