// Runs one agent process: its own process group, raw output streamed line by line to the caller
// and byte for byte to a log file, stopped as a whole group on timeout, stall, abort or exit.
import fs from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {execa, type Options as ExecaOptions} from 'execa';
import {errorMessage} from '../util/errors.js';
import {LineSplitter} from './line-splitter.js';
import {isGroupAlive, killGroup, registerGroup, unregisterGroup} from './kill-tree.js';

export {isGroupAlive, killAllGroups, killGroup} from './kill-tree.js';

export interface RunOptions {
	/** argv[0] is the executable; never run through a shell (the shell preset passes ['bash','-c',cmd]). */
	argv: string[];
	cwd: string;
	/** Merged over process.env. */
	env?: Record<string, string>;
	/** Limit for the whole run. */
	timeoutMs?: number;
	/** No output on stdout/stderr for this long → stop. */
	stallMs?: number;
	/** Full raw output appended here (folder created); stdout and stderr interleaved as they come. */
	logPath?: string;
	/** One raw line (no trailing newline; \r\n handled), not sanitized. */
	onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
	/**
	 * The same lines a chunk at a time (instead of onLine): one call per chunk of output, which
	 * is what keeps a flood of short lines cheap for the reader.
	 */
	onLines?: (lines: string[], stream: 'stdout' | 'stderr') => void;
	/** Abort = stop the whole process group. */
	signal?: AbortSignal;
	onSpawn?: (pid: number) => void;
	/** stdin content; without it stdin is 'ignore'. */
	input?: string;
	/** SIGTERM, then SIGKILL after this many ms (default 2000). */
	killGraceMs?: number;
}

export interface RunResult {
	exitCode: number | null;
	signal: string | null;
	durationMs: number;
	outcome: 'exited' | 'timeout' | 'stalled' | 'aborted' | 'spawn-error';
	/** One line: "timed out after 30s", "no output for 10s", "bash: not found (ENOENT)". */
	error?: string;
	lines: number;
	bytes: number;
}

/** Run a process to its end. Never rejects: every failure is an outcome with a one-line error. */
export async function runProcess(opts: RunOptions): Promise<RunResult> {
	try {
		return await run(opts);
	} catch (error) {
		return failed('spawn-error', oneLine(errorMessage(error)));
	}
}

function failed(outcome: RunResult['outcome'], error: string): RunResult {
	return {exitCode: null, signal: null, durationMs: 0, outcome, error, lines: 0, bytes: 0};
}

const ERRNO_TEXT: Record<string, string> = {
	ENOENT: 'not found',
	EACCES: 'permission denied',
	ENOTDIR: 'not a directory',
	EPERM: 'not permitted',
	ENOEXEC: 'not executable',
};

function errnoLine(subject: string, code: string | undefined, fallback: string): string {
	if (code && ERRNO_TEXT[code]) return `${subject}: ${ERRNO_TEXT[code]} (${code})`;
	return oneLine(`${subject}: ${fallback}${code ? ` (${code})` : ''}`);
}

function oneLine(text: string): string {
	const line = text.split('\n').find((part) => part.trim() !== '') ?? text;
	return line.trim();
}

/** 30000 → "30s", 1500 → "1.5s", 250 → "250ms", 90000 → "1m30s". */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)}ms`;
	if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
	const minutes = Math.floor(ms / 60_000);
	const seconds = Math.round((ms % 60_000) / 1000);
	return seconds ? `${minutes}m${seconds}s` : `${minutes}m`;
}

/**
 * The raw log, appended with plain synchronous writes: a batch per turn of the event loop is a
 * page-cache copy, cheaper than a stream's round trips through the thread pool at every step.
 */
class RawLog {
	private failed = false;
	private constructor(private readonly fd: number) {}

	/** Opens (and creates) the log now, so that an unwritable log is an error before anything runs. */
	static open(logPath: string): RawLog {
		try {
			return new RawLog(fs.openSync(logPath, 'a'));
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
			fs.mkdirSync(path.dirname(logPath), {recursive: true});
			return new RawLog(fs.openSync(logPath, 'a'));
		}
	}

	write(data: Uint8Array): void {
		if (this.failed) return;
		try {
			let done = 0;
			while (done < data.length) done += fs.writeSync(this.fd, data, done);
		} catch {
			// A full disk must not crash the run; the output still reaches onLine.
			this.failed = true;
		}
	}

	close(): void {
		try {
			fs.closeSync(this.fd);
		} catch {
			// Closed already.
		}
	}
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function run(opts: RunOptions): Promise<RunResult> {
	const file = opts.argv[0];
	if (!file) return failed('spawn-error', 'no command to run (empty argv)');
	if (opts.signal?.aborted) return failed('aborted', 'stopped before it started');
	try {
		if (!fs.statSync(opts.cwd).isDirectory()) return failed('spawn-error', errnoLine(`cwd ${opts.cwd}`, 'ENOTDIR', ''));
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return failed('spawn-error', errnoLine(`cwd ${opts.cwd}`, code, errorMessage(error)));
	}

	let log: RawLog | undefined;
	if (opts.logPath) {
		try {
			log = RawLog.open(opts.logPath);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			return failed('spawn-error', errnoLine(`log ${opts.logPath}`, code, errorMessage(error)));
		}
	}

	const grace = opts.killGraceMs ?? 2000;
	const options: ExecaOptions = {
		cwd: opts.cwd,
		env: opts.env,
		extendEnv: true,
		detached: true,
		cleanup: true,
		buffer: false,
		reject: false,
		stdout: 'pipe',
		stderr: 'pipe',
		windowsHide: true,
		...(opts.input === undefined ? {stdin: 'ignore' as const} : {input: opts.input}),
	};
	const startedAt = performance.now();
	const child = execa(file, opts.argv.slice(1), options);
	// reject:false makes it resolve; the catch is for the unexpected.
	const settled = Promise.resolve(child).then(
		(result) => result,
		() => undefined,
	);

	const pid = child.pid;
	if (pid === undefined) {
		const result = await settled;
		log?.close();
		const code = (result as {code?: string} | undefined)?.code;
		const message = (result as {originalMessage?: string} | undefined)?.originalMessage ?? 'could not start';
		return {...failed('spawn-error', errnoLine(file, code, message)), durationMs: performance.now() - startedAt};
	}

	let lines = 0;
	let bytes = 0;
	let outcome: RunResult['outcome'] = 'exited';
	let error: string | undefined;
	let handlerError: string | undefined;
	let stopping = false;
	let exited = false;
	let exitCode: number | null = null;
	let exitSignal: string | null = null;
	let endedAt = 0;
	let lastOutput = Date.now();
	let killTimer: NodeJS.Timeout | undefined;
	let timeoutTimer: NodeJS.Timeout | undefined;
	let stallTimer: NodeJS.Timeout | undefined;
	let closeFallback: NodeJS.Timeout | undefined;

	const armKill = () => {
		killTimer ??= setTimeout(() => killGroup(pid, 'SIGKILL'), grace);
	};
	const terminate = () => {
		if (killGroup(pid, 'SIGTERM')) armKill();
	};
	const stop = (why: RunResult['outcome'], message: string) => {
		if (stopping || exited) return;
		stopping = true;
		outcome = why;
		error = message;
		terminate();
	};

	registerGroup(pid, {
		onExternalStop: (signal) => {
			if (stopping || exited) return;
			stopping = true;
			outcome = 'aborted';
			error = `stopped (${signal})`;
			armKill();
		},
	});

	const deliver = (what: () => void) => {
		try {
			what();
		} catch (e) {
			handlerError ??= `output handler failed: ${oneLine(errorMessage(e))}`;
		}
	};
	/** A stream's lines: to onLine one by one, or collected per chunk for onLines (see flushLines). */
	const lineSink = (stream: 'stdout' | 'stderr', batch: string[]) => {
		const onLine = opts.onLine;
		return (line: string) => {
			lines++;
			if (opts.onLines) batch.push(line);
			else if (onLine) deliver(() => onLine(line, stream));
		};
	};
	const batches = {stdout: [] as string[], stderr: [] as string[]};
	const flushLines = (stream: 'stdout' | 'stderr') => {
		const onLines = opts.onLines;
		if (!onLines || batches[stream].length === 0) return;
		const batch = batches[stream].splice(0);
		deliver(() => onLines(batch, stream));
	};
	const splitters = {stdout: new LineSplitter(lineSink('stdout', batches.stdout)), stderr: new LineSplitter(lineSink('stderr', batches.stderr))};
	// Chunks that arrive in one turn of the event loop go to the log in one write.
	let logQueue: Buffer[] = [];
	let logFlush: NodeJS.Immediate | undefined;
	const flushLog = () => {
		logFlush = undefined;
		if (logQueue.length === 0) return;
		log?.write(logQueue.length === 1 ? logQueue[0] : Buffer.concat(logQueue));
		logQueue = [];
	};
	const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
		bytes += chunk.length;
		lastOutput = Date.now();
		if (log) {
			logQueue.push(chunk);
			logFlush ??= setImmediate(flushLog);
		}
		splitters[stream].push(chunk);
		flushLines(stream);
	};
	child.stdout?.on('data', onData('stdout'));
	child.stderr?.on('data', onData('stderr'));

	if (opts.timeoutMs && opts.timeoutMs > 0) {
		const ms = opts.timeoutMs;
		timeoutTimer = setTimeout(() => stop('timeout', `timed out after ${formatDuration(ms)}`), ms);
	}
	if (opts.stallMs && opts.stallMs > 0) {
		const ms = opts.stallMs;
		// One timer re-armed from the last output time, not one per chunk.
		const check = () => {
			if (stopping || exited) return;
			const idle = Date.now() - lastOutput;
			if (idle >= ms) stop('stalled', `no output for ${formatDuration(ms)}`);
			else stallTimer = setTimeout(check, ms - idle);
		};
		stallTimer = setTimeout(check, ms);
	}
	const onAbort = () => stop('aborted', 'aborted');
	opts.signal?.addEventListener('abort', onAbort, {once: true});
	// Aborted while the log was being opened: the listener above will never fire.
	if (opts.signal?.aborted) onAbort();

	try {
		opts.onSpawn?.(pid);
	} catch (e) {
		handlerError ??= `spawn handler failed: ${oneLine(errorMessage(e))}`;
	}

	const closed = new Promise<void>((resolve) => {
		child.once('close', () => resolve());
		child.once('exit', (code, signal) => {
			exited = true;
			endedAt = performance.now();
			exitCode = code;
			exitSignal = signal;
			// Whatever the leader left behind in its group dies with it: no orphans.
			terminate();
			// A process that escaped the group may still hold the pipes open: don't wait forever.
			closeFallback = setTimeout(() => {
				child.stdout?.destroy();
				child.stderr?.destroy();
				resolve();
			}, grace + 1000);
		});
	});
	await closed;

	clearTimeout(closeFallback);
	clearTimeout(timeoutTimer);
	clearTimeout(stallTimer);
	opts.signal?.removeEventListener('abort', onAbort);
	splitters.stdout.end();
	splitters.stderr.end();
	flushLines('stdout');
	flushLines('stderr');

	// Members of the group that closed their output are still ours to end.
	if (isGroupAlive(pid)) {
		const deadline = Date.now() + grace;
		while (Date.now() < deadline && isGroupAlive(pid)) await sleep(20);
		killGroup(pid, 'SIGKILL');
	}
	clearTimeout(killTimer);
	unregisterGroup(pid);
	await settled;
	clearImmediate(logFlush);
	flushLog();
	log?.close();

	if (outcome === 'exited') {
		if (exitCode !== null && exitCode !== 0) error = `exited with code ${exitCode}`;
		else if (exitSignal) error = `killed by ${exitSignal}`;
	}
	error ??= handlerError;
	return {
		exitCode,
		signal: exitSignal,
		durationMs: Math.round((endedAt || performance.now()) - startedAt),
		outcome,
		...(error ? {error} : {}),
		lines,
		bytes,
	};
}
