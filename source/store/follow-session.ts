// `orchestrator tail`: a read-only view of a session that another process runs. It polls the
// memory files (fs.watch misses atomic renames on some systems) and the running steps' logs,
// and feeds the store the same way the engine would. It never writes anything.
import fsp from 'node:fs/promises';
import {sanitizeLine} from '../agents/sanitize.js';
import {displayLog, type MemoryPaths} from '../util/paths.js';
import {AppendedLines} from './appended-lines.js';
import {readSession} from './memory.js';
import {OUTPUT_LINES_PER_STEP, type OrchestratorStore} from './store.js';

export interface LogTail {
	/** The last lines (sanitized), the unterminated last line included. */
	lines: string[];
	/** Lines in the whole file (an unterminated last line counts). */
	total: number;
	/** Byte offset just after the last newline: where a follower goes on reading. */
	offset: number;
	/** The file ends with an unterminated line (it is the last of `lines`). */
	partial: boolean;
}

const CHUNK = 64 * 1024;
/** Reading backwards stops here even without enough newlines (one huge line). */
const MAX_TAIL_BYTES = 16 * 1024 * 1024;
/** A follower further behind than this re-reads the tail instead of every byte. */
const MAX_CATCH_UP_BYTES = 8 * 1024 * 1024;

function cleanLine(line: string): string {
	return sanitizeLine(line.endsWith('\r') ? line.slice(0, -1) : line);
}

async function countNewlines(handle: fsp.FileHandle, end: number): Promise<number> {
	const buffer = Buffer.alloc(Math.min(1024 * 1024, Math.max(1, end)));
	let count = 0;
	for (let position = 0; position < end; ) {
		const {bytesRead} = await handle.read(buffer, 0, Math.min(buffer.length, end - position), position);
		if (bytesRead === 0) break;
		for (let i = buffer.indexOf(10, 0); i !== -1 && i < bytesRead; i = buffer.indexOf(10, i + 1)) count++;
		position += bytesRead;
	}
	return count;
}

/**
 * The last `maxLines` lines of a step's log (logs/<step>.log), read backwards so a huge log
 * costs only its tail (plus a newline count for the total). Throws when the log is missing.
 */
export async function loadLogTail(paths: MemoryPaths, stepId: string, maxLines: number): Promise<LogTail> {
	const handle = await fsp.open(displayLog(paths, stepId), 'r');
	try {
		const {size} = await handle.stat();
		const chunks: Buffer[] = [];
		let start = size;
		let newlines = 0;
		while (start > 0 && newlines <= maxLines && size - start < MAX_TAIL_BYTES) {
			const length = Math.min(CHUNK, start);
			start -= length;
			const chunk = Buffer.alloc(length);
			const {bytesRead} = await handle.read(chunk, 0, length, start);
			const read = chunk.subarray(0, bytesRead);
			for (let i = read.indexOf(10); i !== -1; i = read.indexOf(10, i + 1)) newlines++;
			chunks.unshift(read);
		}
		const bytes = Buffer.concat(chunks);
		const lastNewline = bytes.lastIndexOf(10);
		const offset = lastNewline === -1 ? start : start + lastNewline + 1;
		const complete = lastNewline === -1 ? '' : bytes.subarray(0, lastNewline).toString('utf8');
		const rest = bytes.subarray(lastNewline + 1).toString('utf8');
		let lines = lastNewline === -1 ? [] : complete.split('\n');
		// Not at the start of the file: the first piece is the end of a longer line.
		if (start > 0 && lines.length > 0) lines.shift();
		const partial = rest.length > 0;
		if (partial) lines.push(rest);
		let total = lines.length;
		if (start > 0) {
			// Lines before the part read: the newlines there, plus the one cut line.
			const before = await countNewlines(handle, start);
			total = before + newlines + (partial ? 1 : 0);
		}
		lines = lines.slice(-maxLines).map(cleanLine);
		return {lines, total, offset, partial};
	} finally {
		await handle.close();
	}
}

export interface FollowHandle {
	stop(): void;
	/** Resolves after the first successful read of the session; rejects when there is none. */
	ready: Promise<void>;
}

/** Attempts at the first read before giving up (a file caught mid-write is retried). */
const FIRST_READ_ATTEMPTS = 10;

export function followSession(store: OrchestratorStore, paths: MemoryPaths, opts: {intervalMs?: number} = {}): FollowHandle {
	const intervalMs = opts.intervalMs ?? 200;
	const followers = new Map<string, AppendedLines>();
	const wanted = new Set<string>();
	let stopped = false;
	let timer: NodeJS.Timeout | null = null;
	let stamp = '';
	let attempts = 0;
	let resolveReady!: () => void;
	let rejectReady!: (error: unknown) => void;
	let settled = false;
	const ready = new Promise<void>((resolve, reject) => {
		resolveReady = resolve;
		rejectReady = reject;
	});
	ready.catch(() => {}); // a caller that never awaits must not see an unhandled rejection

	const unsubscribe = store.subscribe((state, previous) => {
		const request = state.outputRequest;
		if (request && request !== previous.outputRequest) wanted.add(request.stepId);
	});

	let missing = false;
	async function readSessionIfChanged(): Promise<void> {
		const stat = await fsp.stat(paths.currentPhase).catch(() => null);
		missing = stat === null;
		const next = stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : '';
		if (stat && next === stamp) return;
		// A missing file throws readSession's clear "no session here" line.
		const session = await readSession(paths);
		stamp = next;
		if (!stopped) store.getState().setSession(session);
	}

	/** Reads what was appended to a step's log since the last tick. */
	async function readAppended(stepId: string, follower: AppendedLines, final: boolean): Promise<string[] | 'reload'> {
		const lines = await follower.read(displayLog(paths, stepId), {final, maxBytes: MAX_CATCH_UP_BYTES});
		return lines === 'reload' ? lines : lines.map(cleanLine);
	}

	/** Starts following from the log's tail (the store gets the last lines at once). */
	async function startFollower(stepId: string): Promise<AppendedLines> {
		const follower = new AppendedLines();
		try {
			const tail = await loadLogTail(paths, stepId, OUTPUT_LINES_PER_STEP);
			// The unterminated last line is read again from `offset` once it is complete.
			const lines = tail.partial ? tail.lines.slice(0, -1) : tail.lines;
			follower.offset = tail.offset;
			if (!stopped) store.getState().resetOutput(stepId, lines, tail.total - (tail.partial ? 1 : 0));
		} catch {
			if (!stopped) store.getState().resetOutput(stepId, [], 0);
		}
		return follower;
	}

	async function followLogs(): Promise<void> {
		const state = store.getState();
		const session = state.session;
		if (!session) return;
		const running = new Set(session.running);
		const batch = new Map<string, string[]>();
		for (const stepId of running) {
			let follower = followers.get(stepId);
			if (!follower || !state.output[stepId]) {
				follower = await startFollower(stepId);
				followers.set(stepId, follower);
				wanted.delete(stepId);
			}
			const lines = await readAppended(stepId, follower, false);
			if (lines === 'reload') followers.delete(stepId);
			else if (lines.length > 0) batch.set(stepId, lines);
		}
		// Steps that stopped running: read their last bytes, then let them go.
		for (const [stepId, follower] of followers) {
			if (running.has(stepId)) continue;
			followers.delete(stepId);
			const lines = await readAppended(stepId, follower, true);
			if (lines !== 'reload' && lines.length > 0) batch.set(stepId, lines);
		}
		if (batch.size > 0 && !stopped) store.getState().appendOutput(batch);
		// Output the UI asked for (an older step): its log's tail.
		for (const stepId of [...wanted]) {
			wanted.delete(stepId);
			if (running.has(stepId) || store.getState().output[stepId]) continue;
			try {
				const tail = await loadLogTail(paths, stepId, OUTPUT_LINES_PER_STEP);
				if (!stopped) store.getState().resetOutput(stepId, tail.lines, tail.total);
			} catch {
				if (!stopped) store.getState().resetOutput(stepId, ['(no output recorded)'], 1);
			}
		}
	}

	async function tick(): Promise<void> {
		try {
			await readSessionIfChanged();
		} catch (error) {
			if (!settled) {
				attempts++;
				if (missing || attempts >= FIRST_READ_ATTEMPTS) {
					settled = true;
					rejectReady(error);
					stop();
				}
				return;
			}
			// A file caught mid-write or briefly unreadable: try again next tick.
		}
		try {
			await followLogs();
		} catch {
			// A log that vanished between stat and read: the next tick sees the new state.
		}
		if (!settled && store.getState().session) {
			settled = true;
			resolveReady();
		}
	}

	function schedule(delay: number): void {
		if (stopped) return;
		timer = setTimeout(() => {
			timer = null;
			void tick().finally(() => schedule(intervalMs));
		}, delay);
	}

	function stop(): void {
		if (stopped) return;
		stopped = true;
		if (timer) clearTimeout(timer);
		timer = null;
		unsubscribe();
		if (!settled) {
			settled = true;
			resolveReady();
		}
	}

	schedule(0);
	return {stop, ready};
}
