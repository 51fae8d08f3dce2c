// `orchestrator tail [DIR]`: a read-only view of a session that runs in another terminal
// (or has finished). Full screen in a terminal; otherwise the event lines and agent output
// as they are appended. It never writes to the repository or the memory folder.
import fsp from 'node:fs/promises';
import {formatEvent} from '../engine/headless-printer.js';
import {startViewService} from '../engine/view-service.js';
import {Repo} from '../git/repo.js';
import {followSession} from '../store/follow-session.js';
import {isProcessAlive} from '../agents/kill-tree.js';
import {readLockPid} from '../store/lock.js';
import {memoryExists, readEvents, readSession} from '../store/memory.js';
import {createOrchestratorStore} from '../store/store.js';
import {EXIT, UsageError} from '../util/errors.js';
import {memoryPaths, MEMORY_DIR, type MemoryPaths} from '../util/paths.js';
import {findRepoRoot} from './repo-root.js';

export interface TailOptions {
	cwd: string;
	headless: boolean;
	json: boolean;
	out: NodeJS.WriteStream;
	/** Stop following after the session has been quiet and unlocked this long (headless). */
	idleExitMs?: number;
}

export async function tailCommand(opts: TailOptions): Promise<number> {
	const root = await findRepoRoot(opts.cwd);
	const paths = memoryPaths(root);
	if (!memoryExists(paths)) throw new UsageError(`no session in ${root}: ${MEMORY_DIR}/current-phase.json does not exist — start one with \`orchestrator run\``);
	await readSession(paths); // a corrupt file: one clear line, before any screen opens
	if (opts.headless || !opts.out.isTTY || !process.stdin.isTTY) return tailLines(paths, opts);

	const store = createOrchestratorStore({readOnly: true});
	const follower = followSession(store, paths);
	await follower.ready;
	const repo = await Repo.open(root).catch(() => null);
	const stopViews = startViewService(store, repo, paths);
	const {renderFullScreen} = await import('../ui/render-app.js');
	const ui = renderFullScreen(store);
	try {
		await new Promise<void>(resolve => {
			if (store.getState().quitRequested) return resolve();
			const unsubscribe = store.subscribe(state => {
				if (state.quitRequested) {
					unsubscribe();
					resolve();
				}
			});
		});
	} finally {
		ui.unmount();
		stopViews();
		follower.stop();
	}
	return EXIT.ok;
}

/** Line mode: every event so far, then new ones as they come, with the agents' output. */
async function tailLines(paths: MemoryPaths, opts: TailOptions): Promise<number> {
	let offset = 0;
	const logOffsets = new Map<string, number>();
	let quietSince = Date.now();
	const idleExitMs = opts.idleExitMs ?? 1500;
	for (;;) {
		const batch = await readEvents(paths, offset);
		offset = batch.offset;
		for (const event of batch.events) {
			if (event.type === 'step_started' && typeof event.step === 'string' && !logOffsets.has(event.step)) {
				logOffsets.set(event.step, await fileSize(paths.log(event.step)));
			}
			if (opts.json) {
				opts.out.write(JSON.stringify(event) + '\n');
				continue;
			}
			if (event.type === 'output') continue; // the text comes from the logs below
			const text = formatEvent(event, false);
			if (text) opts.out.write(text + '\n');
		}
		if (!opts.json) {
			for (const [step, from] of logOffsets) {
				const {text, next} = await readFrom(paths.log(step), from);
				logOffsets.set(step, next);
				for (const line of text.split('\n').filter(Boolean)) opts.out.write(`    ${step} │ ${line}\n`);
			}
		}
		const pid = readLockPid(paths);
		const running = pid !== null && isProcessAlive(pid);
		if (batch.events.length > 0 || running) quietSince = Date.now();
		else if (Date.now() - quietSince > idleExitMs) return EXIT.ok;
		await new Promise(resolve => setTimeout(resolve, 200));
	}
}

async function fileSize(file: string): Promise<number> {
	try {
		return (await fsp.stat(file)).size;
	} catch {
		return 0;
	}
}

/** Whole lines appended since `from` (a partial last line waits for the next read). */
async function readFrom(file: string, from: number): Promise<{text: string; next: number}> {
	const size = await fileSize(file);
	if (size <= from) return {text: '', next: from};
	const handle = await fsp.open(file, 'r');
	try {
		const buffer = Buffer.alloc(size - from);
		await handle.read(buffer, 0, buffer.length, from);
		const end = buffer.lastIndexOf(0x0a);
		if (end < 0) return {text: '', next: from};
		const {stripAnsi} = await import('../agents/sanitize.js');
		return {text: stripAnsi(buffer.subarray(0, end + 1).toString('utf8')), next: from + end + 1};
	} finally {
		await handle.close();
	}
}
