import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {Repo} from '../../source/git/repo.js';
import {MEMORY_DIR} from '../../source/util/paths.js';
import {blobOf, cleanup, diskState, exists, git, initRepo, makeRepo, read, trackedState, treeOf, write} from './helpers.js';

afterEach(cleanup);

/** Everything a snapshot must leave alone: files on disk, the index, HEAD and the branch. */
function untouchedState(dir: string) {
	return {
		disk: diskState(dir),
		index: fs.readFileSync(path.join(dir, '.git/index')).toString('hex'),
		status: git(dir, 'status', '--porcelain', '-uall'),
		head: git(dir, 'rev-parse', 'HEAD'),
		branch: git(dir, 'symbolic-ref', 'HEAD'),
	};
}

describe('snapshotToRef', () => {
	it('keeps modified, staged and untracked files without touching the tree, the index or HEAD', async () => {
		const dir = makeRepo({'a.txt': 'a\n', 'b.txt': 'b\n', '.gitignore': '*.log\n'});
		const repo = await Repo.open(dir);
		await repo.ensureExcluded(MEMORY_DIR);
		write(dir, {
			'a.txt': 'modified\n',
			'staged.txt': 'staged\n',
			'untracked/deep.txt': 'untracked\n',
			'debug.log': 'ignored\n',
			[`${MEMORY_DIR}/events.jsonl`]: '{}\n',
		});
		git(dir, 'add', 'staged.txt');
		fs.rmSync(path.join(dir, 'b.txt'));
		const before = untouchedState(dir);

		const commit = await repo.snapshotToRef('refs/orchestrator/x/backup', 'orchestrator(x): backup of uncommitted work');

		expect(untouchedState(dir)).toEqual(before);
		expect(await repo.readRef('refs/orchestrator/x/backup')).toBe(commit);
		expect(git(dir, 'rev-parse', `${commit}^`)).toBe(before.head);
		expect(treeOf(dir, commit)).toEqual({
			'.gitignore': blobOf('*.log\n'),
			'a.txt': blobOf('modified\n'),
			'staged.txt': blobOf('staged\n'),
			'untracked/deep.txt': blobOf('untracked\n'),
		});
		// No temporary index left behind.
		expect(fs.readdirSync(path.join(dir, '.git')).filter((name) => name.startsWith('orchestrator-index'))).toEqual([]);
	});

	it('works on an unborn branch (no parent)', async () => {
		const dir = initRepo();
		const repo = await Repo.open(dir);
		write(dir, {'a.txt': 'a\n'});
		const commit = await repo.snapshotToRef('refs/orchestrator/x/backup', 'backup');
		expect(git(dir, 'rev-list', '--parents', '-n1', commit).trim()).toBe(commit);
		expect(treeOf(dir, commit)).toEqual({'a.txt': blobOf('a\n')});
		expect(await repo.head()).toBeNull();
		expect(git(dir, 'status', '--porcelain')).toBe('?? a.txt\n');
	});
});

describe('restore', () => {
	it('removes untracked files made after the checkpoint, keeps ignored files and the memory folder', async () => {
		const dir = makeRepo({'src/a.ts': 'a\n', '.gitignore': 'node_modules/\n'});
		const repo = await Repo.open(dir);
		await repo.ensureExcluded(MEMORY_DIR);
		const checkpoint = (await repo.head())!;

		write(dir, {
			'src/a.ts': 'changed\n',
			'src/new.ts': 'new\n',
			'newdir/deep/x.ts': 'x\n',
			'node_modules/pkg/index.js': 'dep\n',
			[`${MEMORY_DIR}/current-phase.json`]: '{}\n',
		});
		git(dir, 'add', 'src/new.ts');

		await repo.restore(checkpoint);

		expect(read(dir, 'src/a.ts')).toBe('a\n');
		expect(exists(dir, 'src/new.ts')).toBe(false);
		expect(exists(dir, 'newdir')).toBe(false);
		expect(read(dir, 'node_modules/pkg/index.js')).toBe('dep\n');
		expect(read(dir, `${MEMORY_DIR}/current-phase.json`)).toBe('{}\n');
		expect(git(dir, 'status', '--porcelain')).toBe('');
		expect(await repo.head()).toBe(checkpoint);
	});

	it('to an older commit gives exactly that tree, on the same branch', async () => {
		const dir = makeRepo({'a.txt': 'a\n', 'b.txt': 'b\n'});
		const repo = await Repo.open(dir);
		write(dir, {'c.txt': 'c\n', 'a.txt': 'a2\n'});
		const checkpoint = (await repo.commitStep('T001', {}))!.commit;
		const expected = trackedState(dir);

		write(dir, {'d.txt': 'd\n', 'a.txt': 'a3\n'});
		fs.rmSync(path.join(dir, 'b.txt'));
		await repo.commitStep('T002', {});
		fs.renameSync(path.join(dir, 'c.txt'), path.join(dir, 'c2.txt'));
		write(dir, {'e.txt': 'untracked\n'});

		// The caller's order: save everything first, then restore.
		const backup = await repo.snapshotToRef('refs/orchestrator/x/before-rollback-1', 'before rollback');
		await repo.restore(checkpoint);

		expect(trackedState(dir)).toEqual(expected);
		expect(Object.keys(diskState(dir)).sort()).toEqual(Object.keys(expected).sort());
		expect(git(dir, 'status', '--porcelain')).toBe('');
		expect(await repo.branch()).toBe('main');
		expect(await repo.head()).toBe(checkpoint);
		// Nothing is lost: the backup ref holds the state from before the rollback.
		expect(Object.keys(treeOf(dir, backup)).sort()).toEqual(['a.txt', 'c2.txt', 'd.txt', 'e.txt']);
	});
});
