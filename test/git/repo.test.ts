import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {Repo} from '../../source/git/repo.js';
import {UsageError} from '../../source/util/errors.js';
import {MEMORY_DIR} from '../../source/util/paths.js';
import {cleanup, git, initRepo, makeRepo, tempDir, write} from './helpers.js';

afterEach(cleanup);

describe('Repo.open', () => {
	it('refuses a folder that is not a repository, naming it and the fix', async () => {
		const dir = tempDir();
		const error = await Repo.open(dir).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(UsageError);
		expect((error as Error).message).toBe(`${dir} is not a git repository — run \`git init\` first, or pass --cwd`);
		await expect(Repo.open(path.join(dir, 'missing'))).rejects.toBeInstanceOf(UsageError);
	});

	it('finds the top level from a subfolder', async () => {
		const dir = makeRepo({'src/a.ts': 'a\n'});
		const repo = await Repo.open(path.join(dir, 'src'));
		expect(repo.root).toBe(dir);
		expect(repo.gitDir).toBe(path.join(dir, '.git'));
		expect(await repo.head()).toBe(git(dir, 'rev-parse', 'HEAD').trim());
		expect(await repo.branch()).toBe('main');
	});

	it('opens a linked worktree: its own git dir, the shared common dir', async () => {
		const dir = makeRepo({'a.txt': 'a\n'});
		const wt = path.join(tempDir(), 'wt');
		git(dir, 'worktree', 'add', '-q', '--detach', wt);
		const repo = await Repo.open(wt);
		expect(repo.root).toBe(wt);
		expect(repo.commonDir).toBe(path.join(dir, '.git'));
		expect(repo.gitDir.startsWith(path.join(dir, '.git', 'worktrees'))).toBe(true);
		write(wt, {'a.txt': 'b\n'});
		const result = await repo.commitStep('in the worktree', {});
		expect(result!.files).toEqual(['a.txt']);
		expect(git(dir, 'status', '--porcelain')).toBe('');
	});

	it('reports an unborn branch and a detached HEAD', async () => {
		const dir = initRepo();
		const repo = await Repo.open(dir);
		expect(await repo.head()).toBeNull();
		expect(await repo.branch()).toBe('main');
		write(dir, {a: '1\n'});
		git(dir, 'add', 'a');
		git(dir, 'commit', '-qm', 'one');
		git(dir, 'checkout', '-q', '--detach');
		expect(await repo.branch()).toBeNull();
	});

	it('knows the empty tree of SHA-1 and SHA-256 repositories from the open call alone', async () => {
		const sha1 = makeRepo({'a.txt': 'a\n'});
		const sha256 = tempDir();
		git(sha256, 'init', '-q', '--object-format=sha256');
		for (const dir of [sha1, sha256]) {
			const repo = await Repo.open(dir);
			expect(await repo.emptyTree()).toBe(git(dir, 'hash-object', '-t', 'tree', '/dev/null').trim());
		}
		expect((await (await Repo.open(sha256)).emptyTree()).length).toBe(64);
	});
});

describe('ensureExcluded', () => {
	it('adds the folder once, even when called repeatedly and at the same time', async () => {
		const dir = makeRepo();
		fs.rmSync(path.join(dir, '.git/info'), {recursive: true, force: true});
		const repo = await Repo.open(dir);
		await Promise.all([repo.ensureExcluded(MEMORY_DIR), repo.ensureExcluded(MEMORY_DIR)]);
		await repo.ensureExcluded(`${MEMORY_DIR}/`);
		const exclude = fs.readFileSync(path.join(dir, '.git/info/exclude'), 'utf8');
		expect(exclude.split('\n').filter((line) => line === `/${MEMORY_DIR}/`)).toHaveLength(1);

		write(dir, {[`${MEMORY_DIR}/events.jsonl`]: '{}\n', 'new.txt': 'x\n'});
		expect(await repo.dirtyFiles()).toEqual(['new.txt']);
	});

	it('keeps what the exclude file already had', async () => {
		const dir = makeRepo();
		fs.writeFileSync(path.join(dir, '.git/info/exclude'), '*.log');
		const repo = await Repo.open(dir);
		await repo.ensureExcluded('mem');
		expect(fs.readFileSync(path.join(dir, '.git/info/exclude'), 'utf8')).toBe('*.log\n/mem/\n');
	});
});

describe('dirtyFiles', () => {
	it('lists modified, staged, deleted and untracked non-ignored paths', async () => {
		const dir = makeRepo({'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n', '.gitignore': 'build/\n'});
		const repo = await Repo.open(dir);
		expect(await repo.dirtyFiles()).toEqual([]);
		write(dir, {'a.txt': 'changed\n', 'new dir/x.txt': 'x\n', 'build/out.js': 'ignored\n', 'staged.txt': 's\n'});
		git(dir, 'add', 'staged.txt');
		fs.rmSync(path.join(dir, 'b.txt'));
		expect((await repo.dirtyFiles()).sort()).toEqual(['a.txt', 'b.txt', 'new dir/x.txt', 'staged.txt']);

		// Paths as given relative to the root, whatever the process's cwd: the start compares the plan file's.
		expect(await repo.dirtyFiles()).not.toContain('c.txt');
		expect(await repo.dirtyFiles()).not.toContain('build/out.js');
	});
});

describe('refs and tags', () => {
	it('sets, reads and lists our refs; refuses refs outside refs/orchestrator/', async () => {
		const dir = makeRepo();
		const repo = await Repo.open(dir);
		const head = (await repo.head())!;
		expect(await repo.readRef('refs/orchestrator/x/start')).toBeNull();
		await repo.setRef('refs/orchestrator/x/start', head);
		expect(await repo.readRef('refs/orchestrator/x/start')).toBe(head);
		await expect(repo.setRef('refs/heads/main', head)).rejects.toThrow(/refs\/orchestrator/);
		await expect(repo.snapshotToRef('refs/heads/other', 'm')).rejects.toThrow(/refs\/orchestrator/);

		await repo.tag('orchestrator/x/setup', head);
		await repo.tag('orchestrator/x/core', head, 'phase core approved');
		await repo.setRef('refs/orchestrator/xy/start', head); // another id with the same prefix
		const refs = await repo.listOrchestratorRefs('x');
		expect(refs.map((r) => r.ref).sort()).toEqual([
			'refs/orchestrator/x/start',
			'refs/tags/orchestrator/x/core',
			'refs/tags/orchestrator/x/setup',
		]);
		// An annotated tag is listed with the commit it points at, not the tag object.
		expect(refs.every((r) => r.commit === head)).toBe(true);
		expect(git(dir, 'cat-file', '-t', 'orchestrator/x/core').trim()).toBe('tag');
	});

	it('moves our own tags on a re-tag, but never someone else’s', async () => {
		const dir = makeRepo();
		const repo = await Repo.open(dir);
		const first = (await repo.head())!;
		await repo.tag('orchestrator/x/setup', first, 'approved');
		await repo.tag('v1', first);
		write(dir, {'a.txt': 'a\n'});
		const second = (await repo.commitStep('two', {}))!.commit;
		await repo.tag('orchestrator/x/setup', second, 'approved again');
		expect(await repo.readRef('refs/tags/orchestrator/x/setup')).toBe(second);
		await expect(repo.tag('v1', second)).rejects.toThrow(/already exists/);
		expect(await repo.readRef('refs/tags/v1')).toBe(first);
	});

	it('tells ancestors apart', async () => {
		const dir = makeRepo();
		const repo = await Repo.open(dir);
		const first = (await repo.head())!;
		write(dir, {'a.txt': 'a\n'});
		const second = (await repo.commitStep('two', {}))!.commit;
		expect(await repo.isAncestor(first, second)).toBe(true);
		expect(await repo.isAncestor(first, first)).toBe(true);
		expect(await repo.isAncestor(second, first)).toBe(false);
	});
});

describe('simple-git 50 ms wait', () => {
	it('does not apply to commands that print nothing', async () => {
		const dir = makeRepo();
		const repo = await Repo.open(dir);
		const times: number[] = [];
		for (let i = 0; i < 8; i++) {
			const start = performance.now();
			expect(await repo.readRef(`refs/orchestrator/none/${i}`)).toBeNull(); // silent, exit 1
			times.push(performance.now() - start);
		}
		// simple-git alone waits 50 ms after a silent command; the fastest of 8 shows whether it did.
		expect(Math.min(...times)).toBeLessThan(45);
	});
});
