// Real repositories in temporary folders for the git-layer tests.
import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

export function tempDir(prefix = 'orch-git-'): string {
	const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
	made.push(dir);
	return dir;
}

export function cleanup(): void {
	for (const dir of made.splice(0)) fs.rmSync(dir, {recursive: true, force: true});
}

export function git(cwd: string, ...args: string[]): string {
	return execFileSync('git', args, {cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

/** An empty repository on branch main (unborn). */
export function initRepo(): string {
	const dir = tempDir();
	git(dir, 'init', '-q');
	git(dir, 'symbolic-ref', 'HEAD', 'refs/heads/main');
	return dir;
}

/** A repository whose first commit holds `files`. */
export function makeRepo(files: Record<string, string | Buffer> = {'README.md': '# test\n'}): string {
	const dir = initRepo();
	write(dir, files);
	git(dir, 'add', '-A');
	git(dir, 'commit', '-q', '-m', 'initial');
	return dir;
}

export function write(dir: string, files: Record<string, string | Buffer>): void {
	for (const [name, content] of Object.entries(files)) {
		const file = path.join(dir, name);
		fs.mkdirSync(path.dirname(file), {recursive: true});
		fs.writeFileSync(file, content);
	}
}

export function read(dir: string, name: string): string {
	return fs.readFileSync(path.join(dir, name), 'utf8');
}

export function exists(dir: string, name: string): boolean {
	return fs.existsSync(path.join(dir, name));
}

/** Every file on disk under dir (except .git) with a hash of its bytes: what "the tree" is. */
export function diskState(dir: string): Record<string, string> {
	const out: Record<string, string> = {};
	const walk = (rel: string) => {
		for (const entry of fs.readdirSync(path.join(dir, rel), {withFileTypes: true})) {
			const name = rel ? `${rel}/${entry.name}` : entry.name;
			if (name === '.git') continue;
			if (entry.isDirectory()) walk(name);
			else out[name] = createHash('sha1').update(fs.readFileSync(path.join(dir, name))).digest('hex');
		}
	};
	walk('');
	return out;
}

/** Tracked files (git ls-files) with hashes of their bytes on disk. */
export function trackedState(dir: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const name of git(dir, 'ls-files', '-z').split('\0').filter(Boolean).sort()) {
		out[name] = createHash('sha1').update(fs.readFileSync(path.join(dir, name))).digest('hex');
	}
	return out;
}

/** Files of a commit's tree: path → blob id. */
export function treeOf(dir: string, commit: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const line of git(dir, 'ls-tree', '-r', '-z', commit).split('\0').filter(Boolean)) {
		const [meta, name] = line.split('\t');
		out[name] = meta.split(' ')[2];
	}
	return out;
}

export function blobOf(content: string): string {
	const body = Buffer.from(content);
	return createHash('sha1').update(Buffer.concat([Buffer.from(`blob ${body.length}\0`), body])).digest('hex');
}
