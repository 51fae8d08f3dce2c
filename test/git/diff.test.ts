import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {Repo} from '../../source/git/repo.js';
import {countLines, isBinary} from '../../source/git/diff.js';
import {cleanup, git, makeRepo, write} from './helpers.js';

afterEach(cleanup);

const lines = (n: number, prefix = 'line') => Array.from({length: n}, (_, i) => `${prefix} ${i}\n`).join('');

describe('changedFiles', () => {
	it('counts added, modified, deleted, renamed and binary files', async () => {
		const dir = makeRepo({
			'mod.txt': lines(10),
			'del.txt': lines(4),
			'old-name.txt': lines(20, 'stable content'),
			'image.bin': Buffer.from([0, 1, 2, 3]),
		});
		const repo = await Repo.open(dir);
		const from = (await repo.head())!;
		write(dir, {
			'mod.txt': lines(10).replace('line 3\n', 'changed 3\nextra\n'),
			'add.txt': lines(3, 'brand new'),
			'new.bin': Buffer.from([0, 9, 9]),
			'image.bin': Buffer.from([0, 1, 2, 4]),
		});
		fs.rmSync(path.join(dir, 'del.txt'));
		fs.renameSync(path.join(dir, 'old-name.txt'), path.join(dir, 'new-name.txt'));
		const to = (await repo.commitStep('T001', {}))!.commit;

		const changes = await repo.changedFiles(from, to);
		const byPath = Object.fromEntries(changes.map((c) => [c.path, c]));
		expect(byPath['mod.txt']).toEqual({path: 'mod.txt', status: 'M', added: 2, removed: 1});
		expect(byPath['add.txt']).toEqual({path: 'add.txt', status: 'A', added: 3, removed: 0});
		expect(byPath['del.txt']).toEqual({path: 'del.txt', status: 'D', added: 0, removed: 4});
		expect(byPath['new-name.txt']).toEqual({path: 'new-name.txt', status: 'R', added: 0, removed: 0, oldPath: 'old-name.txt'});
		expect(byPath['new.bin']).toEqual({path: 'new.bin', status: 'A', added: 0, removed: 0, binary: true});
		expect(byPath['image.bin']).toEqual({path: 'image.bin', status: 'M', added: 0, removed: 0, binary: true});
		expect(changes).toHaveLength(6);
	});

	it('from nothing lists every file of the commit as added', async () => {
		const dir = makeRepo({'a.txt': lines(2), 'dir/b.txt': lines(5)});
		const repo = await Repo.open(dir);
		const changes = await repo.changedFiles(null, (await repo.head())!);
		expect(changes).toEqual([
			{path: 'a.txt', status: 'A', added: 2, removed: 0},
			{path: 'dir/b.txt', status: 'A', added: 5, removed: 0},
		]);
	});
});

describe('commitsChanges', () => {
	it('gives each commit what changedFiles gives against its parent, in one call', async () => {
		const dir = makeRepo({'a.txt': lines(4), 'b.txt': lines(20, 'stable content'), 'img.bin': Buffer.from([0, 1])});
		const repo = await Repo.open(dir);
		const c0 = (await repo.head())!;
		write(dir, {'a.txt': lines(4).replace('line 1\n', 'one\n'), 'new file.txt': lines(2)});
		const c1 = (await repo.commitStep('S1', {}))!.commit;
		fs.renameSync(path.join(dir, 'b.txt'), path.join(dir, 'b-moved.txt'));
		fs.rmSync(path.join(dir, 'a.txt'));
		write(dir, {'img.bin': Buffer.from([0, 2])});
		const c2 = (await repo.commitStep('S2', {}))!.commit;
		const c3 = (await repo.commitStep('S3 (nothing)', {}))?.commit;
		expect(c3).toBeUndefined();

		const got = await repo.commitsChanges([c1, c2]);
		expect([...got.keys()]).toEqual([c1, c2]);
		expect(got.get(c1)).toEqual({parent: c0, files: await repo.changedFiles(c0, c1)});
		expect(got.get(c2)).toEqual({parent: c1, files: await repo.changedFiles(c1, c2)});
		expect(got.get(c1)!.files.map((f) => [f.path, f.status, f.added, f.removed])).toEqual([
			['a.txt', 'M', 1, 1],
			['new file.txt', 'A', 2, 0],
		]);
		expect(got.get(c2)!.files.map((f) => f.status).sort()).toEqual(['D', 'M', 'R']);
		expect(await repo.commitsChanges([])).toEqual(new Map());
	});

	it('leaves merges out and names the parent, so a caller can tell a commit that is not on its base', async () => {
		const dir = makeRepo({'a.txt': lines(2)});
		const repo = await Repo.open(dir);
		const c0 = (await repo.head())!;
		git(dir, 'checkout', '-q', '-b', 'side');
		write(dir, {'side.txt': lines(1)});
		git(dir, 'add', '-A');
		git(dir, 'commit', '-q', '-m', 'side');
		git(dir, 'checkout', '-q', 'main');
		write(dir, {'main.txt': lines(1)});
		git(dir, 'add', '-A');
		git(dir, 'commit', '-q', '-m', 'main');
		const onMain = (await repo.head())!;
		git(dir, 'merge', '-q', '--no-edit', 'side');
		const merge = (await repo.head())!;
		const got = await repo.commitsChanges([onMain, merge]);
		expect(got.has(merge)).toBe(false);
		expect(got.get(onMain)).toEqual({parent: c0, files: [{path: 'main.txt', status: 'A', added: 1, removed: 0}]});
	});
});

describe('workingChanges', () => {
	it('shows tracked changes and untracked files as added lines, not ignored ones', async () => {
		const dir = makeRepo({'a.txt': lines(3), 'gone.txt': lines(2), '.gitignore': 'dist/\n'});
		const repo = await Repo.open(dir);
		const from = (await repo.head())!;
		expect(await repo.workingChanges(from)).toEqual([]);

		write(dir, {
			'a.txt': lines(3) + 'more\n',
			'new.ts': 'one\ntwo\nthree without newline',
			'blob.bin': Buffer.from([1, 0, 2]),
			'dist/out.js': 'ignored\n',
		});
		fs.rmSync(path.join(dir, 'gone.txt'));
		expect(await repo.workingChanges(from)).toEqual([
			{path: 'a.txt', status: 'M', added: 1, removed: 0},
			{path: 'blob.bin', status: 'A', added: 0, removed: 0, binary: true},
			{path: 'gone.txt', status: 'D', added: 0, removed: 2},
			{path: 'new.ts', status: 'A', added: 3, removed: 0},
		]);
		// Read-only: the index and the status are unchanged.
		expect(git(dir, 'diff', '--cached', '--name-only')).toBe('');

		// The next poll sees an untracked file grow, and one that is gone.
		write(dir, {'new.ts': 'one\ntwo\nthree\nfour\n'});
		fs.rmSync(path.join(dir, 'blob.bin'));
		const next = await repo.workingChanges(from);
		expect(next.map((c) => [c.path, c.added])).toEqual([
			['a.txt', 1],
			['gone.txt', 0],
			['new.ts', 4],
		]);
	});

	it('counts lines as git does', () => {
		expect(countLines(Buffer.from(''))).toBe(0);
		expect(countLines(Buffer.from('a'))).toBe(1);
		expect(countLines(Buffer.from('a\nb\n'))).toBe(2);
		expect(isBinary(Buffer.from('text'))).toBe(false);
		expect(isBinary(Buffer.from([65, 0, 66]))).toBe(true);
	});
});

describe('patch', () => {
	it('between commits, against the working tree, and for an untracked file', async () => {
		const dir = makeRepo({'a.txt': 'one\ntwo\n'});
		const repo = await Repo.open(dir);
		const from = (await repo.head())!;
		write(dir, {'a.txt': 'one\nTWO\n'});
		const to = (await repo.commitStep('T001', {}))!.commit;

		const committed = await repo.patch(from, to, 'a.txt');
		expect(committed).toContain('--- a/a.txt\n+++ b/a.txt\n');
		expect(committed).toContain('-two\n+TWO\n');

		write(dir, {'a.txt': 'one\nTWO\nthree\n', 'fresh file.ts': 'x\ny\n'});
		expect(await repo.patch(to, null, 'a.txt')).toContain('+three\n');
		const untracked = await repo.patch(to, null, 'fresh file.ts');
		expect(untracked).toContain('--- /dev/null\n');
		expect(untracked).toContain('+x\n+y\n');
		expect(await repo.patch(to, null, 'unchanged-or-missing.txt')).toBe('');
		expect(await repo.patch(null, to, 'a.txt')).toContain('new file mode');
	});
});
