import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {Repo} from '../../source/git/repo.js';
import {gitProcessesIn} from '../../source/git/index-lock.js';
import {cleanup, makeRepo, write} from './helpers.js';

afterEach(cleanup);

const hasProc = fs.existsSync('/proc/self/cwd');

describe('removeStaleIndexLock', () => {
	it('removes a lock left by a killed git when no git runs, and commits work again', async () => {
		const dir = makeRepo();
		const repo = await Repo.open(dir);
		const lock = path.join(dir, '.git/index.lock');
		expect(await repo.removeStaleIndexLock()).toBe(false); // no lock
		fs.writeFileSync(lock, '');
		write(dir, {'a.txt': 'a\n'});
		await expect(repo.commitStep('blocked', {})).rejects.toThrow(/index\.lock/);
		expect(await repo.removeStaleIndexLock()).toBe(true);
		expect(fs.existsSync(lock)).toBe(false);
		expect(await repo.commitStep('works', {})).not.toBeNull();
	});

	it('waits for a lock that another git releases soon', async () => {
		const dir = makeRepo();
		const repo = await Repo.open(dir);
		const lock = path.join(dir, '.git/index.lock');
		fs.writeFileSync(lock, '');
		setTimeout(() => fs.rmSync(lock, {force: true}), 300);
		write(dir, {'a.txt': 'a\n'});
		expect(await repo.commitStep('after the lock', {})).not.toBeNull();
	});

	it.skipIf(!hasProc)('keeps the lock while a git process of the repository is alive', async () => {
		const dir = makeRepo();
		const other = makeRepo();
		const repo = await Repo.open(dir);
		const lock = path.join(dir, '.git/index.lock');
		fs.writeFileSync(lock, '');

		// A git in another repository does not count.
		const elsewhere = spawn('git', ['hash-object', '--stdin'], {cwd: other, stdio: ['pipe', 'ignore', 'ignore']});
		// `git hash-object --stdin` waits for its input: a live git whose cwd is the repository.
		const live = spawn('git', ['hash-object', '--stdin'], {cwd: path.join(dir), stdio: ['pipe', 'ignore', 'ignore']});
		try {
			await waitFor(async () => (await gitProcessesIn(dir))?.includes(live.pid!) ?? false);
			expect(await gitProcessesIn(dir)).not.toContain(elsewhere.pid);
			expect(await repo.removeStaleIndexLock()).toBe(false);
			expect(fs.existsSync(lock)).toBe(true);
		} finally {
			live.stdin!.end();
			elsewhere.stdin!.end();
			await Promise.all([exited(live), exited(elsewhere)]);
		}
		expect(await repo.removeStaleIndexLock()).toBe(true);
	});
});

function exited(child: ReturnType<typeof spawn>): Promise<void> {
	return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
