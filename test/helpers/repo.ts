// Real git repositories in temporary folders, and the real built binary.
import {execFileSync, spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist/cli.js');

const made: string[] = [];

export function tempDir(prefix = 'orch-test-'): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	made.push(dir);
	return dir;
}

export function cleanupTempDirs(): void {
	for (const dir of made.splice(0)) fs.rmSync(dir, {recursive: true, force: true});
}

export function git(cwd: string, ...args: string[]): string {
	return execFileSync('git', args, {cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim();
}

/** A repository with the given files committed as its first commit. */
export function makeRepo(files: Record<string, string> = {'README.md': '# test\n'}): string {
	const dir = tempDir('orch-repo-');
	git(dir, 'init', '-q', '-b', 'main');
	git(dir, 'config', 'user.name', 'test');
	git(dir, 'config', 'user.email', 'test@example.invalid');
	writeFiles(dir, files);
	git(dir, 'add', '-A');
	git(dir, 'commit', '-q', '-m', 'initial');
	return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
	for (const [name, content] of Object.entries(files)) {
		const file = path.join(dir, name);
		fs.mkdirSync(path.dirname(file), {recursive: true});
		fs.writeFileSync(file, content);
	}
}

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/** Runs the built binary (non-TTY, so headless) and collects its output. */
export function runCli(args: string[], opts: {cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number} ): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, ...args], {cwd: opts.cwd, env: {...process.env, ...opts.env}, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', d => (stdout += d));
		child.stderr.on('data', d => (stderr += d));
		const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code, signal, stdout, stderr});
		});
	});
}

export function memoryFile(repo: string, name: string): string {
	return path.join(repo, '.specify/agents/context/implementation', name);
}

export function readJson<T = any>(file: string): T {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** The tracked and untracked (non-ignored) files of the working tree with their contents. */
export function treeSnapshot(dir: string): Record<string, string> {
	const out: Record<string, string> = {};
	const list = git(dir, 'ls-files', '--cached', '--others', '--exclude-standard').split('\n').filter(Boolean);
	for (const file of list.sort()) {
		const full = path.join(dir, file);
		if (fs.existsSync(full)) out[file] = fs.readFileSync(full, 'utf8');
	}
	return out;
}
