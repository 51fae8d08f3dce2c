// Persists the store's session to the memory files and reads it back for resume, status
// and tail. Writes are atomic (temp file, fsync, rename) and coalesced: many store changes
// in a burst become one write of each file.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import {writeFileAtomic} from '../util/atomic-write.js';
import type {SessionEvent, SessionState} from '../types.js';
import {OrchestratorError, UsageError, errorMessage, EXIT} from '../util/errors.js';
import type {MemoryPaths} from '../util/paths.js';
import {MEMORY_DIR} from '../util/paths.js';
import type {OrchestratorStore} from './store.js';
import {
	renderChanges,
	renderCompleted,
	renderCurrentPhase,
	renderPending,
	renderRollbackPlan,
	type CurrentPhaseFile,
} from './memory-render.js';

export const writeAtomic = writeFileAtomic;

export async function ensureMemoryDirs(paths: MemoryPaths): Promise<void> {
	await fsp.mkdir(paths.logsDir, {recursive: true});
	await fsp.mkdir(paths.handoffsDir, {recursive: true});
}

/** The text of every memory file for a session, by path. current-phase.json comes first. */
export function renderMemoryFiles(paths: MemoryPaths, session: SessionState, onlyCurrent = false): Array<[string, string]> {
	const current: [string, string] = [paths.currentPhase, JSON.stringify(renderCurrentPhase(session), null, 2) + '\n'];
	if (onlyCurrent) return [current];
	return [
		current,
		[paths.changes, JSON.stringify(renderChanges(session), null, 2) + '\n'],
		[paths.completed, renderCompleted(session)],
		[paths.pending, renderPending(session)],
		[paths.rollbackPlan, renderRollbackPlan(session)],
	];
}

/** Writes every memory file from the session (all of them: they are small and derived). */
export async function writeMemoryFiles(paths: MemoryPaths, session: SessionState): Promise<void> {
	await Promise.all(renderMemoryFiles(paths, session).map(([file, text]) => writeAtomic(file, text)));
}

/**
 * Follows the store and writes the memory files shortly after each change. `flush()` writes
 * current-phase.json now (the file resume rebuilds everything from) and resolves when it
 * matches the store; the engine awaits it before anything that must survive a crash
 * (starting an agent, after a commit, a tag, a rollback). The derived files (changes.json and
 * the markdown views) follow on a short timer, and only when their text changed: on the hot
 * path of a 100-step plan that is most of the I/O saved.
 */
export class MemoryWriter {
	private timer: NodeJS.Timeout | null = null;
	private chain: Promise<void> = Promise.resolve();
	private readonly written = new Map<string, string>();
	private unsubscribe: (() => void) | null = null;

	constructor(
		private readonly store: OrchestratorStore,
		private readonly paths: MemoryPaths,
		// Resume needs none of these to be fresh (events.jsonl and the commit trailers are the
		// write-ahead record), so a few writes a second are enough for tail and status.
		private readonly delayMs = 400,
	) {}

	start(): void {
		this.unsubscribe = this.store.subscribe((state, previous) => {
			if (state.session !== previous.session) this.schedule();
		});
	}

	private schedule(): void {
		if (this.timer) return;
		this.timer = setTimeout(() => {
			this.timer = null;
			void this.write('all').catch(() => {});
		}, this.delayMs);
	}

	/** current-phase.json now; the rest stays on the timer. */
	flush(): Promise<void> {
		return this.write('current');
	}

	private write(which: 'current' | 'all'): Promise<void> {
		this.chain = this.chain.then(async () => {
			const session = this.store.getState().session;
			if (!session) return;
			const files = renderMemoryFiles(this.paths, session, which === 'current');
			try {
				await Promise.all(
					files
						.filter(([file, text]) => this.written.get(file) !== text)
						.map(async ([file, text]) => {
							await writeAtomic(file, text);
							this.written.set(file, text);
						}),
				);
			} catch (error) {
				throw new OrchestratorError(`cannot write the memory files in ${MEMORY_DIR}: ${errorMessage(error)} — check the disk and permissions`, EXIT.failed);
			}
		});
		return this.chain;
	}

	/** Stops following the store and writes every file that is behind. */
	async stop(): Promise<void> {
		this.unsubscribe?.();
		this.unsubscribe = null;
		if (this.timer) {
			clearTimeout(this.timer);
			this.timer = null;
		}
		await this.write('all');
	}
}

/** events.jsonl is append-only; a synchronous append keeps the order and survives kill -9. */
export function appendEvent(paths: MemoryPaths, event: Omit<SessionEvent, 'time'> & {time?: string}): SessionEvent {
	const full = {time: new Date().toISOString(), ...event} as SessionEvent;
	fs.appendFileSync(paths.events, JSON.stringify(full) + '\n');
	return full;
}

export function memoryExists(paths: MemoryPaths): boolean {
	return fs.existsSync(paths.currentPhase);
}

/**
 * Reads the session back. A missing file says how to start; a corrupt one is kept as it is
 * (never overwritten or deleted) and the message names it and the way out.
 */
export async function readSession(paths: MemoryPaths): Promise<SessionState> {
	let text: string;
	try {
		text = await fsp.readFile(paths.currentPhase, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new UsageError(`no session here: ${relativeMemory(paths.currentPhase)} does not exist — start one with \`orchestrator run PLAN\``);
		}
		throw new UsageError(`cannot read ${relativeMemory(paths.currentPhase)}: ${errorMessage(error)}`);
	}
	let parsed: CurrentPhaseFile;
	try {
		parsed = JSON.parse(text) as CurrentPhaseFile;
	} catch (error) {
		throw corrupt(paths.currentPhase, errorMessage(error));
	}
	const session = parsed?.session;
	const problem = checkSessionShape(session);
	if (problem) throw corrupt(paths.currentPhase, problem);
	return migrateSession(session);
}

function corrupt(file: string, why: string): UsageError {
	return new UsageError(
		`${relativeMemory(file)} is corrupt (${why}); it was left untouched — repair it, or move the folder ${MEMORY_DIR} aside and start again with \`orchestrator run PLAN\` (git checkpoints are kept: \`orchestrator rollback --list\`)`,
	);
}

function relativeMemory(file: string): string {
	const index = file.indexOf(MEMORY_DIR);
	return index >= 0 ? file.slice(index) : file;
}

function checkSessionShape(session: unknown): string | null {
	if (!session || typeof session !== 'object') return 'no "session" object';
	const s = session as Partial<SessionState>;
	if (typeof s.implementationId !== 'string') return 'session.implementationId missing';
	if (!Array.isArray(s.phases)) return 'session.phases is not a list';
	if (!s.steps || typeof s.steps !== 'object') return 'session.steps missing';
	if (!Array.isArray(s.checkpoints)) return 'session.checkpoints is not a list';
	if (!Array.isArray(s.order)) return 'session.order is not a list';
	for (const phase of s.phases) {
		if (!phase || typeof phase.id !== 'string' || !Array.isArray(phase.stepIds)) return 'a phase entry is malformed';
		for (const id of phase.stepIds) if (!s.steps[id]) return `step ${id} of phase ${phase.id} has no entry in session.steps`;
	}
	return null;
}

/** Fills fields that older files may lack, so resume never trips on undefined. */
function migrateSession(session: SessionState): SessionState {
	return {
		...session,
		reports: session.reports ?? {},
		running: session.running ?? [],
		rollbacks: session.rollbacks ?? 0,
		elapsedBeforeMs: session.elapsedBeforeMs ?? 0,
		changes: session.changes ?? {files_modified: [], tests_added: [], documentation_updated: false},
	};
}

/** Reads events.jsonl from a byte offset; a torn last line (a crash mid-append) is skipped. */
export async function readEvents(paths: MemoryPaths, offset = 0): Promise<{events: SessionEvent[]; offset: number}> {
	let handle: fsp.FileHandle;
	try {
		handle = await fsp.open(paths.events, 'r');
	} catch {
		return {events: [], offset};
	}
	try {
		const {size} = await handle.stat();
		if (size <= offset) return {events: [], offset: size < offset ? 0 : offset};
		const buffer = Buffer.alloc(size - offset);
		await handle.read(buffer, 0, buffer.length, offset);
		const text = buffer.toString('utf8');
		const end = text.lastIndexOf('\n');
		if (end < 0) return {events: [], offset};
		const events: SessionEvent[] = [];
		for (const line of text.slice(0, end).split('\n')) {
			if (!line) continue;
			try {
				events.push(JSON.parse(line) as SessionEvent);
			} catch {
				// A line torn by a crash: skip it; the next complete line is still good.
			}
		}
		return {events, offset: offset + Buffer.byteLength(text.slice(0, end + 1))};
	} finally {
		await handle.close();
	}
}
