// Agent output reaches the store in batches, never line by line: one timer per flush window,
// at most maxPending lines per step per window (the full text is in the step's log file).
import {sanitizeLine} from '../agents/sanitize.js';

export interface OutputBufferOptions {
	/** Milliseconds between the first queued line and the flush (default 50). */
	flushMs?: number;
	/**
	 * The window after a flush that carried at least `floodLines` lines of one step (default:
	 * flushMs). Every flush redraws the whole screen; an agent that floods its output gets fewer,
	 * bigger batches instead of more frames.
	 */
	floodFlushMs?: number;
	/** Lines per step and flush from which the next window is floodFlushMs (default 1,000). */
	floodLines?: number;
	/** Lines kept per step between two flushes (default 5,000); older ones are counted, not kept. */
	maxPending?: number;
	/** stepId → sanitized lines in arrival order; only steps with new lines appear. */
	flush: (batch: Map<string, string[]>) => void;
	/** Told when flood mode starts and ends (the UI slows its clock meanwhile). */
	onFloodChange?: (flooding: boolean) => void;
}

interface Pending {
	/** Raw lines: only those that survive the trim are sanitized, at the flush. */
	lines: string[];
	dropped: number;
}

export function droppedLinesNotice(count: number): string {
	return `… ${count} ${count === 1 ? 'line' : 'lines'} not shown (full output in the log)`;
}

export class OutputBuffer {
	private readonly flushMs: number;
	private readonly floodFlushMs: number;
	private readonly floodLines: number;
	private flooding = false;
	private readonly maxPending: number;
	private readonly onFlush: OutputBufferOptions['flush'];
	private readonly onFloodChange: OutputBufferOptions['onFloodChange'];
	private pending = new Map<string, Pending>();
	private timer: ReturnType<typeof setTimeout> | undefined;
	private disposed = false;

	constructor(opts: OutputBufferOptions) {
		this.flushMs = opts.flushMs ?? 50;
		this.floodFlushMs = opts.floodFlushMs ?? this.flushMs;
		this.floodLines = opts.floodLines ?? 1000;
		this.maxPending = Math.max(1, opts.maxPending ?? 5000);
		this.onFlush = opts.flush;
		this.onFloodChange = opts.onFloodChange;
	}

	/** Queue one raw line (sanitized at the flush); the first line of a window schedules the flush. */
	push(stepId: string, line: string): void {
		if (this.disposed) return;
		const queue = this.queueOf(stepId);
		queue.lines.push(line);
		// Trim in bulk once the queue is twice the cap: amortised O(1) per line, memory bounded.
		if (queue.lines.length >= this.maxPending * 2) this.trim(queue);
		this.queued(queue);
	}

	/** push() for many lines of one step: the same queue and flood switch, trimmed in bulk. */
	pushMany(stepId: string, lines: string[]): void {
		if (this.disposed || lines.length === 0) return;
		const queue = this.queueOf(stepId);
		if (lines.length >= this.maxPending) {
			// Only the last maxPending can survive the trim: the rest is counted, not copied.
			queue.dropped += queue.lines.length + lines.length - this.maxPending;
			queue.lines = lines.slice(lines.length - this.maxPending);
		} else {
			for (let i = 0; i < lines.length; i++) queue.lines.push(lines[i]!);
			if (queue.lines.length >= this.maxPending * 2) this.trim(queue);
		}
		this.queued(queue);
	}

	private queueOf(stepId: string): Pending {
		let queue = this.pending.get(stepId);
		if (!queue) {
			queue = {lines: [], dropped: 0};
			this.pending.set(stepId, queue);
		}
		return queue;
	}

	/** After lines were queued: switch to flood mode early, or make sure a flush is scheduled. */
	private queued(queue: Pending): void {
		// A flood shows itself before the first window ends: switch now, not one frame later.
		if (!this.flooding && queue.lines.length + queue.dropped >= this.floodLines * 4 && this.floodFlushMs > this.flushMs) {
			this.flooding = true;
			this.onFloodChange?.(true);
			this.schedule(this.floodFlushMs);
			return;
		}
		if (this.timer === undefined) this.schedule(this.flooding ? this.floodFlushMs : this.flushMs);
	}

	private schedule(ms: number): void {
		if (this.timer !== undefined) clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.flushNow();
		}, ms);
		(this.timer as {unref?: () => void}).unref?.();
	}

	/** Hand everything queued to flush now (one call, or none when nothing is queued). */
	flushNow(): void {
		if (this.timer !== undefined) {
			clearTimeout(this.timer);
			this.timer = undefined;
		}
		if (this.pending.size === 0) return;
		const batch = new Map<string, string[]>();
		let most = 0;
		for (const [stepId, queue] of this.pending) {
			most = Math.max(most, queue.lines.length + queue.dropped);
			this.trim(queue);
			const lines = queue.lines;
			for (let i = 0; i < lines.length; i++) lines[i] = sanitizeLine(lines[i]);
			if (queue.dropped > 0) lines.unshift(droppedLinesNotice(queue.dropped));
			batch.set(stepId, lines);
		}
		const flooding = most >= this.floodLines;
		const changed = flooding !== this.flooding;
		this.flooding = flooding;
		this.pending = new Map();
		this.onFlush(batch);
		if (changed) this.onFloodChange?.(flooding);
	}

	/** Flush what is queued, stop the timer and ignore later pushes. */
	dispose(): void {
		if (this.disposed) return;
		this.flushNow();
		this.disposed = true;
		if (this.flooding) this.onFloodChange?.(false);
	}

	private trim(queue: Pending): void {
		const extra = queue.lines.length - this.maxPending;
		if (extra <= 0) return;
		queue.lines = queue.lines.slice(extra);
		queue.dropped += extra;
	}
}

/** The last `cap` lines of a stream, for the store: bounded memory, O(1) per line. */
export class RingLines {
	private readonly buffer: string[];
	private start = 0;
	private size = 0;
	private pushed = 0;

	constructor(private readonly cap: number) {
		if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`RingLines capacity must be a positive integer, got ${cap}`);
		this.buffer = new Array<string>(cap);
	}

	push(lines: string[]): void {
		this.pushed += lines.length;
		// Only the last `cap` of a big batch can survive.
		const from = Math.max(0, lines.length - this.cap);
		for (let i = from; i < lines.length; i++) {
			const end = (this.start + this.size) % this.cap;
			this.buffer[end] = lines[i];
			if (this.size < this.cap) this.size++;
			else this.start = (this.start + 1) % this.cap;
		}
	}

	/** The kept lines, oldest first (a new array). */
	toArray(): string[] {
		const out = new Array<string>(this.size);
		for (let i = 0; i < this.size; i++) out[i] = this.buffer[(this.start + i) % this.cap];
		return out;
	}

	clear(): void {
		this.start = 0;
		this.size = 0;
	}

	/** Lines ever pushed (kept or not). */
	get total(): number {
		return this.pushed;
	}

	/** Lines kept now (≤ cap). */
	get length(): number {
		return this.size;
	}
}
