// One place that spawns git (through simple-git, as the user asked) for the repository layer.
//
// simple-git waits an extra 50 ms after any git command that prints nothing (perf-anchors.md §4).
// The hot path already calls git in ways that print (`add -A --verbose`, `commit` without -q);
// for commands that are silent by nature (update-ref, read-tree, merge-base --is-ancestor, a
// diff with no changes, …) every git runs with GIT_TRACE=2: git then writes one
// "trace: built-in: git …" line to stderr at start, which ends the wait. The trace lines are
// dropped from error messages.
import {simpleGit, GitError, type SimpleGit} from 'simple-git';

/** A git command that exited with a code its caller did not expect. */
export class GitExitError extends GitError {
	constructor(
		readonly exitCode: number,
		readonly stdout: string,
		readonly stderr: string,
		readonly args: readonly string[] = [],
	) {
		super(undefined, gitFailureMessage(stderr, stdout, exitCode));
		this.name = 'GitExitError';
	}
}

export interface RunOptions {
	/** Exit codes that are answers, not failures (merge-base --is-ancestor: 1, diff --no-index: 1). */
	okCodes?: number[];
	/** Extra environment (GIT_INDEX_FILE for a temporary index). */
	env?: Record<string, string>;
}

export interface RunResult {
	stdout: string;
	exitCode: number;
}

// Variables that make simple-git refuse to run (its unsafe-operation guard inspects the env we
// pass) and that no local, non-interactive command of ours needs; GIT_EXTERNAL_DIFF would also
// break our numstat/patch output.
const DROPPED_ENV = new Set([
	'EDITOR',
	'GIT_EDITOR',
	'GIT_SEQUENCE_EDITOR',
	'PAGER',
	'GIT_PAGER',
	'GIT_ASKPASS',
	'SSH_ASKPASS',
	'GIT_SSH',
	'GIT_SSH_COMMAND',
	'GIT_PROXY_COMMAND',
	'GIT_EXTERNAL_DIFF',
	'GIT_TEMPLATE_DIR',
	// Repository discovery comes from the directory, never from an outer git (e.g. a hook).
	'GIT_DIR',
	'GIT_WORK_TREE',
	'GIT_INDEX_FILE',
	'GIT_PREFIX',
	'GIT_COMMON_DIR',
]);

export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (value !== undefined && !DROPPED_ENV.has(key.toUpperCase())) env[key] = value;
	}
	// Parsed output (commit summary, add --verbose) must not be translated.
	env.LC_ALL = 'C';
	env.GIT_TRACE = '2';
	// Never prompt (credentials, editors): we have no terminal to give git.
	env.GIT_TERMINAL_PROMPT = '0';
	return {...env, ...extra};
}

export const LOCK_RETRY_MS = 1000;
const INDEX_LOCKED = /index\.lock'?: File exists/;

const TRACE_LINE = /^\d\d:\d\d:\d\d\.\d+ +\S+:\d+ +trace: /;

/** git's own words from a failed command, without our trace lines. */
export function gitFailureMessage(stderr: string, stdout: string, exitCode: number): string {
	const lines = stderr.split('\n').filter((line) => line.trim() !== '' && !TRACE_LINE.test(line));
	// A traced argument with a newline (a commit message) leaves continuation lines: prefer git's
	// fatal/error lines when there are any.
	const first = lines.findIndex((line) => /^(fatal|error|warning): /.test(line));
	const kept = first >= 0 ? lines.slice(first) : lines;
	const text = kept.join('\n').trim() || stdout.trim();
	return text || `git exited with code ${exitCode}`;
}

export class GitRunner {
	private readonly git: SimpleGit;

	constructor(readonly cwd: string) {
		this.git = createGit(cwd, gitEnv());
	}

	/**
	 * Run `git ...args` in cwd; returns stdout (untrimmed). Throws GitExitError on unexpected exit
	 * codes. A command that finds the index locked by another git (an agent's own `git add`) is
	 * retried for up to LOCK_RETRY_MS; a lock that outlives that is reported (see index-lock.ts).
	 */
	async run(args: string[], options: RunOptions = {}): Promise<RunResult> {
		const git = options.env ? createGit(this.cwd, gitEnv(options.env)) : this.git;
		const deadline = Date.now() + LOCK_RETRY_MS;
		for (;;) {
			try {
				const stdout = await git.raw(args);
				return {stdout, exitCode: 0};
			} catch (error) {
				if (!(error instanceof GitExitError)) throw error;
				if (options.okCodes?.includes(error.exitCode)) return {stdout: error.stdout, exitCode: error.exitCode};
				if (INDEX_LOCKED.test(error.stderr) && Date.now() < deadline) {
					await new Promise((resolve) => setTimeout(resolve, 50));
					continue;
				}
				throw new GitExitError(error.exitCode, error.stdout, error.stderr, args);
			}
		}
	}

	async out(args: string[], options: RunOptions = {}): Promise<string> {
		return (await this.run(args, options)).stdout;
	}
}

function createGit(cwd: string, env: Record<string, string>): SimpleGit {
	return simpleGit({
		baseDir: cwd,
		trimmed: false,
		maxConcurrentProcesses: 4,
		// The env is the user's own (minus DROPPED_ENV); these only let its config paths through.
		unsafe: {allowUnsafeConfigPaths: true, allowUnsafeConfigEnvCount: true},
		errors(error, result) {
			// Every non-zero exit is an error carrying its code (simple-git alone lets a silent
			// failure such as `merge-base --is-ancestor` → 1 pass as success).
			if (result.exitCode === 0) return error;
			const stdout = Buffer.concat(result.stdOut).toString('utf8');
			const stderr = Buffer.concat(result.stdErr).toString('utf8');
			return new GitExitError(result.exitCode ?? -1, stdout, stderr);
		},
	}).env(env);
}
