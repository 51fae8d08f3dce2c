// Shared parts of the end-to-end tests: the built binary, repositories with a plan, the
// memory files, the one-line error rule and process liveness (zombies count as gone).
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {expect} from 'vitest';
import {CLI, ROOT, git, makeRepo, memoryFile, readJson, type CliResult} from '../helpers/repo.js';

export const PLANS = path.join(ROOT, 'test/fixtures/plans');

/** `npm test` builds first; a lone `vitest run` of these files builds once here. */
export function ensureBuilt(): void {
	if (fs.existsSync(CLI)) return;
	execFileSync('npm', ['run', 'build', '--silent'], {cwd: ROOT, stdio: 'ignore'});
}

/** A repository with a committed README and an uncommitted plan.yaml (a fixture or inline YAML). */
export function repoWithPlan(plan: string, files: Record<string, string> = {'README.md': '# test\n'}): string {
	const repo = makeRepo(files);
	const text = plan.includes('\n') ? plan : fs.readFileSync(path.join(PLANS, plan), 'utf8');
	fs.writeFileSync(path.join(repo, 'plan.yaml'), text);
	return repo;
}

/** A user-caused error: one `orchestrator: …` line (detail lines indented under it), no stack trace. */
export function expectOneErrorLine(result: CliResult, code: number, pattern?: RegExp): string {
	expect(result.code, `exit code; stderr: ${result.stderr}`).toBe(code);
	const lines = result.stderr.split('\n').filter(Boolean);
	const heads = lines.filter(l => l.startsWith('orchestrator: '));
	expect(heads, result.stderr).toHaveLength(1);
	expect(lines[0], result.stderr).toBe(heads[0]);
	for (const line of lines.slice(1)) expect(line, `only indented details after the line: ${result.stderr}`).toMatch(/^ {2}\S/);
	expect(result.stderr).not.toMatch(/^\s+at .+:\d+/m);
	expect(result.stderr).not.toMatch(/internal error/);
	if (pattern) expect(heads[0]).toMatch(pattern);
	return heads[0];
}

export function currentPhase(repo: string): any {
	return readJson(memoryFile(repo, 'current-phase.json'));
}

export function events(repo: string): Array<{type: string; time: string; [key: string]: any}> {
	return fs
		.readFileSync(memoryFile(repo, 'events.jsonl'), 'utf8')
		.split('\n')
		.filter(Boolean)
		.map(line => JSON.parse(line));
}

/** Subjects of the commits on HEAD, newest first. */
export function subjects(repo: string): string[] {
	return git(repo, 'log', '--format=%s').split('\n').filter(Boolean);
}

/** Every file in the working tree (tracked, untracked, ignored) outside .git and the memory folder. */
export function allFiles(dir: string): Record<string, string> {
	const out: Record<string, string> = {};
	const walk = (rel: string) => {
		for (const entry of fs.readdirSync(path.join(dir, rel), {withFileTypes: true})) {
			const name = rel ? `${rel}/${entry.name}` : entry.name;
			if (name === '.git' || name === '.specify/agents/context/implementation') continue;
			if (entry.isDirectory()) walk(name);
			else out[name] = fs.readFileSync(path.join(dir, name), 'utf8');
		}
	};
	walk('');
	return out;
}

/** Alive and not a zombie (the container's init may never reap orphans). */
export function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch {
		return false;
	}
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
		return state !== 'Z' && state !== 'X';
	} catch {
		return fs.existsSync('/proc/self') ? false : true;
	}
}

export async function waitFor(condition: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
	const until = Date.now() + timeoutMs;
	while (Date.now() < until) {
		if (condition()) return true;
		await sleep(everyMs);
	}
	return condition();
}

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

export interface RunningCli {
	child: ChildProcess;
	done: Promise<CliResult>;
	output(): {stdout: string; stderr: string};
}

/** Starts the binary and returns at once, for signals and a second runner. */
export function startCli(args: string[], cwd: string, env: Record<string, string | undefined> = {}): RunningCli {
	const child = spawn(process.execPath, [CLI, ...args], {cwd, env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', d => (stdout += d));
	child.stderr!.on('data', d => (stderr += d));
	const done = new Promise<CliResult>((resolve, reject) => {
		child.on('error', reject);
		child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}));
	});
	return {child, done, output: () => ({stdout, stderr})};
}

/** Kills leftover processes by pid file (a failing test must not leave sleepers behind). */
export function killPidFile(file: string): void {
	try {
		const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
		if (pid > 1) process.kill(-pid, 'SIGKILL');
	} catch {}
}

export function memoryText(repo: string, name: string): string {
	return fs.readFileSync(memoryFile(repo, name), 'utf8');
}

/** The one commit whose Orchestrator-Step trailer names this step (fails on none or several). */
export function stepCommit(repo: string, step: string): string {
	const hashes = git(repo, 'log', '--format=%H %(trailers:key=Orchestrator-Step,valueonly,separator=%x2C)')
		.split('\n')
		.map(line => line.split(' '))
		.filter(([, trailer]) => trailer?.split('/').at(-1) === step)
		.map(([hash]) => hash);
	expect(hashes, `commits of ${step}`).toHaveLength(1);
	return hashes[0];
}

/** The files of a commit with their exact contents, in treeSnapshot's form. */
export function commitSnapshot(repo: string, commit: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const file of git(repo, 'ls-tree', '-r', '--name-only', commit).split('\n').filter(Boolean).sort()) {
		out[file] = execFileSync('git', ['cat-file', 'blob', `${commit}:${file}`], {cwd: repo, encoding: 'utf8'});
	}
	return out;
}
