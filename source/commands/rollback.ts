// `orchestrator rollback [CHECKPOINT] [--list]`: restore the repository to a checkpoint of
// the recorded session. Asks first unless --yes; the replaced state is kept under a ref.
import readline from 'node:readline/promises';
import {EventLog} from '../engine/event-log.js';
import {findCheckpoint, restorableCheckpoints, rollbackTo} from '../engine/rollback.js';
import {Repo} from '../git/repo.js';
import {acquireLock} from '../store/lock.js';
import {readSession, writeMemoryFiles} from '../store/memory.js';
import {createOrchestratorStore} from '../store/store.js';
import type {Checkpoint, SessionState} from '../types.js';
import {EXIT, UsageError} from '../util/errors.js';
import {memoryPaths} from '../util/paths.js';
import {findRepoRoot} from './repo-root.js';

export interface RollbackCommandOptions {
	cwd: string;
	target?: string;
	list: boolean;
	yes: boolean;
	json: boolean;
	out: NodeJS.WritableStream;
	/** Test hook: answers the y/n question instead of a terminal. */
	ask?: (question: string) => Promise<string>;
}

export async function rollbackCommand(opts: RollbackCommandOptions): Promise<number> {
	const root = await findRepoRoot(opts.cwd);
	const paths = memoryPaths(root);
	const recorded = await readSession(paths);
	if (opts.list) {
		if (opts.json) opts.out.write(JSON.stringify(recorded.checkpoints, null, 2) + '\n');
		else opts.out.write(renderList(recorded) + '\n');
		return EXIT.ok;
	}
	const candidates = restorableCheckpoints(recorded);
	const target = opts.target ? findCheckpoint(recorded, opts.target) : candidates.at(-1);
	if (!target) {
		throw new UsageError(`no checkpoint "${opts.target}" in this session — one of: ${candidates.map(c => c.name).join(', ') || 'none'} (see \`orchestrator rollback --list\`)`);
	}
	const question = `Roll back ${recorded.implementationId} to ${describe(target)}? The current state is kept under refs/orchestrator/${recorded.implementationId}/before-rollback-${recorded.rollbacks + 1}. [y/N] `;
	if (!opts.yes) {
		const answer = await (opts.ask ?? askTerminal)(question);
		if (!/^y(es)?$/i.test(answer.trim())) {
			opts.out.write('rollback cancelled\n');
			return EXIT.ok;
		}
	}
	const repo = await Repo.open(root);
	const lock = acquireLock(paths);
	try {
		// Read again under the lock: the session may have moved while we asked.
		const session = await readSession(paths);
		const current = findCheckpoint(session, target.name) ?? target;
		const store = createOrchestratorStore();
		store.getState().setSession(session);
		const events = new EventLog(paths);
		const saved = await rollbackTo({repo, store, events}, current, 'orchestrator rollback');
		const after = store.getState().session!;
		const next: SessionState = {...after, status: after.status === 'done' ? 'stopped' : after.status === 'running' ? 'interrupted' : after.status, gate: null, finishedAt: undefined};
		await writeMemoryFiles(paths, next);
		opts.out.write(`rolled back to ${describe(current)}; the previous state is kept under ${saved.ref} (${saved.commit.slice(0, 8)}) — \`orchestrator resume\` runs the undone steps again\n`);
		return EXIT.ok;
	} finally {
		lock.release();
	}
}

function describe(cp: Checkpoint): string {
	return `${cp.name} (${cp.commit.slice(0, 8)}${cp.tag ? `, tag ${cp.tag}` : ''})`;
}

function renderList(session: SessionState): string {
	const rows = session.checkpoints.map(cp => `${cp.name.padEnd(20)} ${cp.kind.padEnd(16)} ${cp.commit.slice(0, 12)}  ${cp.time}  ${cp.tag ?? cp.ref ?? ''}`);
	return [`checkpoints of ${session.implementationId} (newest last):`, ...rows].join('\n');
}

async function askTerminal(question: string): Promise<string> {
	if (!process.stdin.isTTY) throw new UsageError('rollback asks before it changes the tree, and there is no terminal to ask in — pass --yes to confirm');
	const rl = readline.createInterface({input: process.stdin, output: process.stdout});
	try {
		return await rl.question(question);
	} finally {
		rl.close();
	}
}
