// Reads an agent's log while the agent writes it. The agent's stdout and stderr are the log file
// itself (one append-only descriptor, as `>log 2>&1` would give it), so the agent writes at the
// speed of the page cache and never waits for us: a reader that falls behind (a busy screen, a
// flood of output) only reads later, in bigger pieces. This polls, reading what was appended
// since the last look; a pipe would make the agent wait whenever the reader is behind.
import fs from 'node:fs';

/** One read; a flood is read in pieces of this size, with a turn of the event loop in between. */
const CHUNK = 512 * 1024;
/** After output, look again this soon; while the agent is quiet, back off to MAX_IDLE_MS. */
const BUSY_MS = 8;
const MAX_IDLE_MS = 64;

export class LogFollower {
	private readonly buffer = Buffer.allocUnsafe(CHUNK);
	private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
	private idleMs = BUSY_MS;
	private stopped = false;

	/**
	 * `start` is the log's size when the agent was started: what comes after it is the agent's.
	 * `onChunk` gets a view of a buffer that is reused by the next read: it must consume it at once.
	 */
	constructor(
		private readonly fd: number,
		private position: number,
		private readonly onChunk: (chunk: Uint8Array) => void,
	) {
		this.timer = setTimeout(this.poll, 0);
	}

	/** Stops polling and reads everything the log has now. */
	finish(): void {
		this.stopped = true;
		this.cancel();
		while (this.readOnce() === CHUNK);
	}

	/** Stops polling without reading (the caller closes the descriptor). */
	stop(): void {
		this.stopped = true;
		this.cancel();
	}

	private cancel(): void {
		if (this.timer === undefined) return;
		clearTimeout(this.timer as NodeJS.Timeout);
		clearImmediate(this.timer as NodeJS.Immediate);
		this.timer = undefined;
	}

	private readonly poll = (): void => {
		this.timer = undefined;
		if (this.stopped) return;
		const read = this.readOnce();
		if (this.stopped) return;
		if (read === CHUNK) {
			this.timer = setImmediate(this.poll);
			return;
		}
		this.idleMs = read > 0 ? BUSY_MS : Math.min(this.idleMs * 2, MAX_IDLE_MS);
		this.timer = setTimeout(this.poll, this.idleMs);
	};

	/** One read at the current position; returns the bytes read (0 at the end of the log). */
	private readOnce(): number {
		let read: number;
		try {
			read = fs.readSync(this.fd, this.buffer, 0, CHUNK, this.position);
		} catch {
			// The log went away under us (deleted folder, closed descriptor): nothing more to read.
			return 0;
		}
		if (read === 0) return 0;
		this.position += read;
		this.onChunk(this.buffer.subarray(0, read));
		return read;
	}
}
