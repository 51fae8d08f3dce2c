// Runs one agent process: its own process group, its output written by the process itself into
// a log file and streamed from there line by line to the caller, stopped as a whole group on
// timeout, stall, abort or exit.
import fs from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {execa, type Options as ExecaOptions} from 'execa';
import {errorMessage} from '../util/errors.js';
import {LineSplitter} from './line-splitter.js';
import {LogFollower} from './log-follower.js';
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
	/**
	 * The process's stdout and stderr, appended (folder created): both are this file, interleaved
	 * as the process writes them, exactly as a terminal would show them.
	 */
	logPath: string;
	/** One raw line (no trailing newline; \r\n handled), not sanitized. */
	onLine?: (line: string) => void;
	/**
	 * The same lines a chunk at a time (instead of onLine): one call per chunk of output, which
	 * is what keeps a flood of short lines cheap for the reader.
	 */
	onLines?: (lines: string[]) => void;
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

/** The log's two descriptors: the agent's (append-only, its stdout and stderr) and ours, to read it. */
interface LogFiles {
	write: number;
	read: number;
	/** The log's size before the agent starts: its output begins here. */
	start: number;
}

function openLog(logPath: string): LogFiles {
	let write: number;
	try {
		write = fs.openSync(logPath, 'a');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		fs.mkdirSync(path.dirname(logPath), {recursive: true});
		write = fs.openSync(logPath, 'a');
	}
	try {
		return {write, read: fs.openSync(logPath, 'r'), start: fs.fstatSync(write).size};
	} catch (error) {
		fs.closeSync(write);
		throw error;
	}
}

function closeLog(log: LogFiles): void {
	for (const fd of [log.write, log.read]) {
		if (fd < 0) continue;
		try {
			fs.closeSync(fd);
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

	let log: LogFiles;
	try {
		log = openLog(opts.logPath);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return failed('spawn-error', errnoLine(`log ${opts.logPath}`, code, errorMessage(error)));
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
		// The log itself, not a pipe: see LogFollower. execa hands a descriptor number straight to
		// the child; its types spell out only the literals 3 to 9, hence the cast.
		stdout: log.write as unknown as ExecaOptions['stdout'],
		stderr: log.write as unknown as ExecaOptions['stderr'],
		windowsHide: true,
		...(opts.input === undefined ? {stdin: 'ignore' as const} : {input: opts.input}),
	};
	const startedAt = performance.now();
	const child = execa(file, opts.argv.slice(1), options);
	// The child has its own copy of the descriptor now.
	fs.closeSync(log.write);
	log.write = -1;
	// reject:false makes it resolve; the catch is for the unexpected.
	const settled = Promise.resolve(child).then(
		(result) => result,
		() => undefined,
	);

	const pid = child.pid;
	if (pid === undefined) {
		const result = await settled;
		closeLog(log);
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
	// Lines go to onLine one by one, or are collected per chunk for onLines (see flushLines).
	const batch: string[] = [];
	const splitter = new LineSplitter((line: string) => {
		lines++;
		if (opts.onLines) batch.push(line);
		else if (opts.onLine) {
			const onLine = opts.onLine;
			deliver(() => onLine(line));
		}
	});
	const flushLines = () => {
		const onLines = opts.onLines;
		if (!onLines || batch.length === 0) return;
		const some = batch.splice(0);
		deliver(() => onLines(some));
	};
	const follower = new LogFollower(log.read, log.start, (chunk) => {
		bytes += chunk.length;
		lastOutput = Date.now();
		splitter.push(chunk);
		flushLines();
	});

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

	await new Promise<void>((resolve) => {
		child.once('exit', (code, signal) => {
			exited = true;
			endedAt = performance.now();
			exitCode = code;
			exitSignal = signal;
			// Whatever the leader left behind in its group dies with it: no orphans.
			terminate();
			resolve();
		});
	});

	clearTimeout(timeoutTimer);
	clearTimeout(stallTimer);
	opts.signal?.removeEventListener('abort', onAbort);

	// Members of the group that outlived the leader are still ours to end (and may still write).
	if (isGroupAlive(pid)) {
		const deadline = Date.now() + grace;
		while (Date.now() < deadline && isGroupAlive(pid)) await sleep(20);
		killGroup(pid, 'SIGKILL');
	}
	clearTimeout(killTimer);
	unregisterGroup(pid);
	await settled;
	follower.finish();
	splitter.end();
	flushLines();
	closeLog(log);

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
