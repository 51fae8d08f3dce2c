// Process-group control: every agent runs as the leader of its own group (detached), so one
// signal to -pid reaches the agent and everything it started. Also the registry of live groups
// that the CLI kills synchronously when it exits or is interrupted.
import fs from 'node:fs';

/** A negative or tiny pid would address every process we may signal (kill(-1)) or our own group. */
function validPid(pid: number): boolean {
	return Number.isInteger(pid) && pid > 1 && pid !== process.pid;
}

/** Send a signal to the whole group led by pid. False when the group is gone or not ours. */
export function killGroup(pid: number, signal: NodeJS.Signals | 0 = 'SIGTERM'): boolean {
	if (!validPid(pid)) return false;
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

const hasProc = (() => {
	try {
		return fs.statSync('/proc/self/stat').isFile();
	} catch {
		return false;
	}
})();

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function procStat(pid: number | string): string[] | undefined {
	try {
		const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return text.slice(text.lastIndexOf(')') + 2).split(' ');
	} catch {
		return undefined;
	}
}

/**
 * True while the process exists and is not a zombie. A zombie has exited already; it only
 * waits for its parent (or an init that may never reap it, as in some containers) to collect it.
 */
export function isProcessAlive(pid: number): boolean {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
	if (!hasProc) return true;
	const stat = procStat(pid);
	return stat !== undefined && stat[0] !== 'Z' && stat[0] !== 'X';
}

/** True while any non-zombie process is in the group led by pid. */
export function isGroupAlive(pid: number): boolean {
	if (!validPid(pid)) return false;
	try {
		process.kill(-pid, 0);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
	}
	if (!hasProc) return true;
	// kill(-pid, 0) also succeeds for a group of zombies: look for a live member.
	let entries: string[];
	try {
		entries = fs.readdirSync('/proc');
	} catch {
		return true;
	}
	const group = String(pid);
	for (const entry of entries) {
		const c = entry.charCodeAt(0);
		if (c < 48 || c > 57) continue;
		const stat = procStat(entry);
		// stat: [0] state, [1] ppid, [2] pgrp
		if (stat && stat[2] === group && stat[0] !== 'Z' && stat[0] !== 'X') return true;
	}
	return false;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * SIGTERM the group, wait up to graceMs for it to go, then SIGKILL what is left.
 * For crash recovery (a leftover group from a dead orchestrator). True when the group is gone.
 */
export async function stopGroup(pid: number, graceMs = 2000): Promise<boolean> {
	if (!isGroupAlive(pid)) return true;
	killGroup(pid, 'SIGTERM');
	const until = Date.now() + graceMs;
	while (Date.now() < until) {
		await sleep(25);
		if (!isGroupAlive(pid)) return true;
	}
	killGroup(pid, 'SIGKILL');
	for (let i = 0; i < 40; i++) {
		if (!isGroupAlive(pid)) return true;
		await sleep(25);
	}
	return !isGroupAlive(pid);
}

// ---------------------------------------------------------------------------
// Registry of the groups this process started and has not finished with.

interface LiveGroup {
	/** Called before an outside stop (killAllGroups) signals the group, so the run can say why. */
	onExternalStop?: (signal: NodeJS.Signals) => void;
}

const groups = new Map<number, LiveGroup>();
let exitHookInstalled = false;

export function registerGroup(pid: number, entry: LiveGroup = {}): void {
	groups.set(pid, entry);
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		// execa's cleanup option does nothing for detached children: do it here. An 'exit'
		// listener changes no default behaviour (unlike a SIGINT one) and runs on process.exit().
		process.on('exit', () => killAllGroups());
	}
}

export function unregisterGroup(pid: number): void {
	groups.delete(pid);
}

/** Pids of the groups started by this process that are still running. */
export function liveGroups(): number[] {
	return [...groups.keys()];
}

/** Block the thread without spinning the CPU (exit handlers cannot wait on timers). */
function sleepSync(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Synchronously stop every live group. With a signal: send just that. Without: SIGTERM, wait
 * up to graceMs (blocking; meant for exit paths) for the groups to go, then SIGKILL the rest.
 */
export function killAllGroups(signal?: NodeJS.Signals, graceMs = 300): void {
	if (groups.size === 0) return;
	const first = signal ?? 'SIGTERM';
	for (const [pid, entry] of groups) {
		try {
			entry.onExternalStop?.(first);
		} catch {
			// a callback must not keep the other groups alive
		}
		killGroup(pid, first);
	}
	if (signal) return;
	const until = Date.now() + graceMs;
	let alive = [...groups.keys()];
	while (alive.length > 0 && Date.now() < until) {
		sleepSync(10);
		alive = alive.filter((pid) => isGroupAlive(pid));
	}
	for (const pid of alive) killGroup(pid, 'SIGKILL');
	// SIGKILL is not instant either: give the kernel a moment so callers see the groups gone.
	const killedBy = Date.now() + 100;
	while (alive.length > 0 && Date.now() < killedBy) {
		sleepSync(5);
		alive = alive.filter((pid) => isGroupAlive(pid));
	}
}
