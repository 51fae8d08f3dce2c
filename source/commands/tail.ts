// `orchestrator tail [DIR]`: a read-only view of a session that runs in another terminal
// (or has finished). Full screen in a terminal; otherwise the event lines and agent output
// as they are appended. It never writes to the repository or the memory folder.
import {printedEvent} from '../engine/headless-printer.js';
import {startViewService} from '../engine/view-service.js';
import {Repo} from '../git/repo.js';
import {followSession} from '../store/follow-session.js';
import {isProcessAlive} from '../agents/kill-tree.js';
import {readLockPid} from '../store/lock.js';
import {memoryExists, readEvents, readSession} from '../store/memory.js';
import {createOrchestratorStore} from '../store/store.js';
import {ViewLogReader} from '../store/view-log-reader.js';
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

/**
 * Line mode: every event so far, then new ones as they come, as `run --headless` prints them,
 * the agents' output included (read back from the steps' view logs, see ViewLogReader).
 */
async function tailLines(paths: MemoryPaths, opts: TailOptions): Promise<number> {
	let offset = 0;
	let quietSince = Date.now();
	const idleExitMs = opts.idleExitMs ?? 1500;
	const readers = new Map<string, ViewLogReader>();
	const readerOf = (step: string) => {
		let reader = readers.get(step);
		if (!reader) readers.set(step, (reader = new ViewLogReader(paths.view(step))));
		return reader;
	};
	for (;;) {
		const batch = await readEvents(paths, offset);
		offset = batch.offset;
		for (let event of batch.events) {
			const step = typeof event.step === 'string' ? event.step : undefined;
			if (step && event.type === 'step_started') await readerOf(step).skipHeader(step);
			if (step && event.type === 'output' && typeof event.lines === 'number') {
				event = {...event, lines: await readerOf(step).take(event.lines)};
			}
			const text = printedEvent(event, {json: opts.json, showOutput: true});
			if (text) opts.out.write(text);
		}
		const pid = readLockPid(paths);
		const running = pid !== null && isProcessAlive(pid);
		if (batch.events.length > 0 || running) quietSince = Date.now();
		else if (Date.now() - quietSince > idleExitMs) return EXIT.ok;
		await new Promise(resolve => setTimeout(resolve, 200));
	}
}
