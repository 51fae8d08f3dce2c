// A `kill -9` of git (or of us while git ran) leaves .git/index.lock behind and every later git
// command that writes the index fails. We remove it only when no git process of the repository is
// alive.
//
// Method (Linux, /proc): every process whose name (comm, or argv[0]'s basename) is `git` or
// `git-*` counts as a git of this repository when its working directory (/proc/<pid>/cwd) is the
// repository root or inside it, or when its command line names the root (`git -C <root> …`).
// Processes we may not inspect (another user's) are not ours. Where /proc is missing (macOS, …)
// a lock counts as stale only when it is older than STALE_WITHOUT_PROC_MS: git holds the index
// lock for well under a second in normal work.
import fs from 'node:fs/promises';
import path from 'node:path';

export const STALE_WITHOUT_PROC_MS = 5 * 60_000;

/** Pids of live git processes working in `root` (null when /proc cannot be read). */
export async function gitProcessesIn(root: string): Promise<number[] | null> {
	let entries: string[];
	try {
		entries = await fs.readdir('/proc');
	} catch {
		return null;
	}
	const pids = entries.filter((name) => /^\d+$/.test(name)).map(Number);
	if (!pids.includes(process.pid)) return null; // not a Linux-style /proc
	const found: number[] = [];
	await Promise.all(
		pids.map(async (pid) => {
			if (pid === process.pid) return;
			if (await isGitOf(pid, root)) found.push(pid);
		}),
	);
	return found.sort((a, b) => a - b);
}

async function isGitOf(pid: number, root: string): Promise<boolean> {
	let argv: string[];
	let comm = '';
	try {
		const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
		argv = cmdline.split('\0').filter(Boolean);
		comm = (await fs.readFile(`/proc/${pid}/comm`, 'utf8')).trim();
	} catch {
		return false; // gone, or not ours to read
	}
	const exe = argv[0] ? path.basename(argv[0]) : '';
	const isGit = (name: string) => name === 'git' || name.startsWith('git-');
	if (!isGit(comm) && !isGit(exe)) return false;
	if (argv.some((arg) => isInside(arg, root))) return true;
	try {
		const cwd = await fs.readlink(`/proc/${pid}/cwd`);
		return isInside(cwd, root);
	} catch {
		return false;
	}
}

function isInside(candidate: string, root: string): boolean {
	return candidate === root || candidate.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** Remove `lockPath` when no git of `root` runs; true if it was removed. */
export async function removeStaleLock(lockPath: string, root: string): Promise<boolean> {
	let stat;
	try {
		stat = await fs.stat(lockPath);
	} catch {
		return false;
	}
	const alive = await gitProcessesIn(root);
	if (alive === null) {
		if (Date.now() - stat.mtimeMs < STALE_WITHOUT_PROC_MS) return false;
	} else if (alive.length > 0) {
		return false;
	}
	try {
		await fs.unlink(lockPath);
		return true;
	} catch {
		return false;
	}
}
