// Starting a new session: the dirty-tree rule, the backup of uncommitted work, the start
// checkpoint (a commit only when the plan file is new or the tree was dirty), the session.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type {Repo} from '../git/repo.js';
import {executionBatches} from '../plan/schedule.js';
import {createSession} from '../store/session.js';
import {memoryExists, readSession} from '../store/memory.js';
import type {Checkpoint, Plan, SessionState} from '../types.js';
import {UsageError} from '../util/errors.js';
import type {MemoryPaths} from '../util/paths.js';
import {STEP_TRAILER} from '../git/repo.js';

export interface StartOptions {
	repo: Repo;
	plan: Plan;
	paths: MemoryPaths;
	allowDirty: boolean;
	/** Start over even if an unfinished session is recorded. */
	fresh: boolean;
	/**
	 * repo.dirtyFiles() started by the caller before it loaded the plan, so that git works on
	 * the status while the plan is parsed; asked here when not given.
	 */
	dirtyFiles?: Promise<string[]>;
}

export async function startSession(opts: StartOptions): Promise<SessionState> {
	const {repo, plan, paths} = opts;
	await refuseUnfinished(paths, opts.fresh);
	await archivePrevious(paths);
	// A kill -9 during an earlier start (its start commit) leaves .git/index.lock behind, as on resume.
	await repo.removeStaleIndexLock();

	const planRel = relativeInside(repo.root, plan.source.path);
	// One status for both questions: is there work of the user's, and is the plan file new or edited?
	const allDirty = await (opts.dirtyFiles ?? repo.dirtyFiles());
	const dirty = allDirty.filter(f => f !== planRel);
	const checkpoints: Checkpoint[] = [];
	const now = () => new Date().toISOString();
	if (dirty.length > 0 && !opts.allowDirty) {
		const list = dirty.length > 4 ? `${dirty.slice(0, 4).join(', ')} and ${dirty.length - 4} more` : dirty.join(', ');
		throw new UsageError(
			`the working tree has uncommitted changes (${list}) — commit them first, or pass --allow-dirty (they are then saved under refs/orchestrator/${plan.id}/backup before anything runs)`,
		);
	}
	if (dirty.length > 0) {
		const ref = `refs/orchestrator/${plan.id}/backup`;
		const commit = await repo.snapshotToRef(ref, `orchestrator(${plan.id}): backup of uncommitted work before the session`);
		checkpoints.push({name: 'backup', kind: 'backup', commit, ref, time: now()});
	}

	// The start checkpoint is a commit only when something must go into it: the dirty work
	// (kept in the backup too), a new or edited plan file, or an empty repository.
	const trailers = {[STEP_TRAILER]: `${plan.id}/start`};
	const message = `orchestrator(${plan.id}): start`;
	let start: string | null = null;
	if (dirty.length > 0) {
		start = (await repo.commitStep(`${message} (includes the uncommitted work found before the session)`, trailers))?.commit ?? null;
	} else if (planRel && allDirty.includes(planRel)) {
		start = await repo.addAndCommitPaths([planRel], message, trailers);
	}
	start ??= await repo.head();
	start ??= await repo.commitAllowEmpty(message, trailers);
	const ref = `refs/orchestrator/${plan.id}/start`;
	await repo.setRef(ref, start);
	checkpoints.push({name: 'start', kind: 'start', commit: start, ref, time: now()});

	const order = executionBatches(plan).flat();
	const session = createSession(plan, repo.root, order);
	session.checkpoints = checkpoints;
	session.headCommit = start;
	for (const phase of session.phases) if (phase.status === 'approved') phase.startCommit = start;
	// The caller writes the memory files (it does for a resumed session too).
	return session;
}

async function refuseUnfinished(paths: MemoryPaths, fresh: boolean): Promise<void> {
	if (fresh || !memoryExists(paths)) return;
	let previous: SessionState;
	try {
		previous = await readSession(paths);
	} catch {
		// A corrupt file is not a session in progress; it is archived below with the rest.
		return;
	}
	if (previous.status === 'done') return;
	throw new UsageError(
		`a session for "${previous.implementationId}" is not finished (${previous.status}, phase ${previous.currentPhase ?? '-'}) — continue it with \`orchestrator resume\`, or start over with \`orchestrator run --fresh\` (its checkpoints stay in git)`,
	);
}

/** A new session keeps the files of the previous one under archive/<time>/. */
async function archivePrevious(paths: MemoryPaths): Promise<void> {
	const names = ['current-phase.json', 'changes.json', 'completed-changes.md', 'pending-changes.md', 'rollback-plan.md', 'events.jsonl', 'logs', 'handoffs'];
	const present = names.filter(n => fs.existsSync(path.join(paths.dir, n)));
	const hadSession = fs.existsSync(paths.currentPhase) || fs.existsSync(paths.events);
	if (!hadSession) {
		await fsp.mkdir(paths.logsDir, {recursive: true});
		await fsp.mkdir(paths.handoffsDir, {recursive: true});
		return;
	}
	const target = path.join(paths.dir, 'archive', new Date().toISOString().replace(/[:.]/g, '-'));
	await fsp.mkdir(target, {recursive: true});
	for (const name of present) await fsp.rename(path.join(paths.dir, name), path.join(target, name));
	await fsp.mkdir(paths.logsDir, {recursive: true});
	await fsp.mkdir(paths.handoffsDir, {recursive: true});
}

/** The path of file relative to root when it lies inside it, else null. */
export function relativeInside(root: string, file: string): string | null {
	const rel = path.relative(root, file);
	if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return null;
	return rel.split(path.sep).join('/');
}
