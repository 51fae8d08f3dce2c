import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {Repo, STEP_TRAILER} from '../../source/git/repo.js';
import {cleanup, git, initRepo, makeRepo, treeOf, write} from './helpers.js';

afterEach(cleanup);

const trailer = (step: string) => ({[STEP_TRAILER]: `user-export/${step}`});

describe('commitStep', () => {
	it('commits everything with the trailer and lists the files', async () => {
		const dir = makeRepo({'a.txt': 'a\n', 'b.txt': 'b\n', '.gitignore': '*.log\n'});
		const repo = await Repo.open(dir);
		const before = (await repo.head())!;
		write(dir, {'a.txt': 'changed\n', 'src/new file.ts': 'export {};\n', 'debug.log': 'ignored\n'});
		fs.rmSync(path.join(dir, 'b.txt'));

		const result = await repo.commitStep('orchestrator(user-export): T001 Create files', trailer('T001'));
		expect(result).not.toBeNull();
		expect(result!.commit).toMatch(/^[0-9a-f]{40}$/);
		expect(result!.commit).toBe(git(dir, 'rev-parse', 'HEAD').trim());
		expect(result!.files.sort()).toEqual(['a.txt', 'b.txt', 'src/new file.ts']);

		expect(git(dir, 'log', '-1', '--format=%s').trim()).toBe('orchestrator(user-export): T001 Create files');
		// git's own trailer parser finds it.
		expect(git(dir, 'log', '-1', '--format=%(trailers:key=Orchestrator-Step,valueonly)').trim()).toBe('user-export/T001');
		expect(git(dir, 'rev-parse', 'HEAD^').trim()).toBe(before);
		expect(git(dir, 'status', '--porcelain')).toBe('');
		expect(Object.keys(treeOf(dir, 'HEAD'))).not.toContain('debug.log');
	});

	it('returns null when nothing changed (a touched file is no change)', async () => {
		const dir = makeRepo({'a.txt': 'a\n'});
		const repo = await Repo.open(dir);
		const head = await repo.head();
		expect(await repo.commitStep('nothing', trailer('T002'))).toBeNull();
		const later = new Date(Date.now() + 5000);
		fs.utimesSync(path.join(dir, 'a.txt'), later, later);
		expect(await repo.commitStep('nothing', trailer('T002'))).toBeNull();
		// Staged, then changed back on disk: add restores the index to HEAD, nothing to commit.
		write(dir, {'a.txt': 'b\n'});
		git(dir, 'add', 'a.txt');
		write(dir, {'a.txt': 'a\n'});
		expect(await repo.commitStep('nothing', trailer('T002'))).toBeNull();
		expect(await repo.head()).toBe(head);
	});

	it('includes what was staged before (an agent ran git add) and lists it', async () => {
		const dir = makeRepo({'a.txt': 'a\n'});
		const repo = await Repo.open(dir);
		write(dir, {'staged.txt': 's\n'});
		git(dir, 'add', 'staged.txt');
		const only = await repo.commitStep('staged only', trailer('T003'));
		expect(only!.files).toEqual(['staged.txt']);

		write(dir, {'pre.txt': 'p\n', 'a.txt': 'b\n'});
		git(dir, 'add', 'pre.txt');
		const mixed = await repo.commitStep('mixed', trailer('T004'));
		expect(mixed!.files.sort()).toEqual(['a.txt', 'pre.txt']);
	});

	it('lists both names of a renamed file', async () => {
		const dir = makeRepo({'old.txt': 'some content\nthat stays\n'});
		const repo = await Repo.open(dir);
		fs.renameSync(path.join(dir, 'old.txt'), path.join(dir, 'new.txt'));
		const result = await repo.commitStep('rename', trailer('T005'));
		expect(result!.files.sort()).toEqual(['new.txt', 'old.txt']);
	});

	it('works on an unborn branch', async () => {
		const dir = initRepo();
		const repo = await Repo.open(dir);
		write(dir, {'a.txt': 'a\n'});
		const result = await repo.commitStep('first', trailer('T001'));
		expect(result!.files).toEqual(['a.txt']);
		expect(await repo.head()).toBe(result!.commit);
	});

	it('commits when git has no identity configured', async () => {
		const dir = makeRepo({'a.txt': 'a\n'});
		git(dir, 'config', 'user.useConfigOnly', 'true');
		const saved = {...process.env};
		for (const key of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'EMAIL']) {
			delete process.env[key];
		}
		process.env.GIT_CONFIG_GLOBAL = '/dev/null';
		process.env.GIT_CONFIG_NOSYSTEM = '1';
		try {
			const repo = await Repo.open(dir);
			write(dir, {'a.txt': 'b\n'});
			const result = await repo.commitStep('no identity', trailer('T001'));
			expect(result).not.toBeNull();
			expect(git(dir, 'log', '-1', '--format=%an <%ae>').trim()).toBe('orchestrator <orchestrator@localhost>');
		} finally {
			for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
			Object.assign(process.env, saved);
		}
	});

	it('uses the configured identity when there is one', async () => {
		const dir = makeRepo({'a.txt': 'a\n'});
		const repo = await Repo.open(dir);
		write(dir, {'a.txt': 'b\n'});
		await repo.commitStep('with identity', {});
		expect(git(dir, 'log', '-1', '--format=%an').trim()).not.toBe('orchestrator');
	});
});

describe('start checkpoint', () => {
	it('on an unborn branch: an empty commit, then the plan file alone', async () => {
		const dir = initRepo();
		const repo = await Repo.open(dir);
		expect(await repo.head()).toBeNull();
		write(dir, {'plan.yaml': 'id: x\n', 'other.txt': 'not part of the start\n'});
		git(dir, 'add', 'other.txt'); // staged by the user: must stay out of the start commits

		const empty = await repo.commitAllowEmpty('orchestrator(x): start', {[STEP_TRAILER]: 'x/start'});
		expect(await repo.head()).toBe(empty);
		expect(treeOf(dir, empty)).toEqual({});
		expect(git(dir, 'rev-list', '--parents', '-n1', empty).trim()).toBe(empty); // no parent

		expect(await repo.dirtyFiles()).toContain('plan.yaml');
		const start = await repo.addAndCommitPaths(['plan.yaml'], 'orchestrator(x): start', {});
		expect(Object.keys(treeOf(dir, start!))).toEqual(['plan.yaml']);
		expect(await repo.dirtyFiles()).not.toContain('plan.yaml');
		// The user's staged file is still staged, not committed.
		expect(git(dir, 'status', '--porcelain')).toBe('A  other.txt\n');
		// Nothing new in the plan: no commit.
		expect(await repo.addAndCommitPaths(['plan.yaml'], 'again', {})).toBeNull();
	});

	it('commits a modified plan file with a glob-like name literally', async () => {
		const dir = makeRepo({'plan[1].yaml': 'id: x\n', 'plan1.yaml': 'other\n'});
		const repo = await Repo.open(dir);
		write(dir, {'plan[1].yaml': 'id: y\n', 'plan1.yaml': 'changed too\n'});
		const commit = await repo.addAndCommitPaths([path.join(dir, 'plan[1].yaml')], 'start', {});
		expect(git(dir, 'show', '--name-only', '--format=', commit!).trim()).toBe('plan[1].yaml');
		expect(git(dir, 'status', '--porcelain')).toBe(' M plan1.yaml\n');
	});
});

describe('stepCommits', () => {
	it('maps step ids to their newest commit after the start, for this implementation only', async () => {
		const dir = makeRepo({'a.txt': '0\n'});
		const repo = await Repo.open(dir);
		write(dir, {'a.txt': 'before start\n'});
		await repo.commitStep('before', trailer('T000'));
		const start = (await repo.head())!;

		const commits: string[] = [];
		for (const [step, content] of [
			['T001', '1\n'],
			['T002', '2\n'],
			['T001', '3\n'],
		]) {
			write(dir, {'a.txt': content});
			commits.push((await repo.commitStep(`orchestrator(user-export): ${step}`, trailer(step)))!.commit);
		}
		write(dir, {'a.txt': 'other\n'});
		await repo.commitStep('someone else', {[STEP_TRAILER]: 'other-plan/T009'});
		write(dir, {'a.txt': 'mention\n'});
		git(dir, 'commit', '-qam', 'Orchestrator-Step: user-export/T008 in the subject is no trailer');

		const found = await repo.stepCommits('user-export', start);
		expect(Object.fromEntries(found)).toEqual({T001: commits[2], T002: commits[1]});
		expect((await repo.stepCommits('user-export', (await repo.head())!)).size).toBe(0);
	});

	it('is empty on an unborn branch', async () => {
		const dir = initRepo();
		const repo = await Repo.open(dir);
		expect((await repo.stepCommits('x', 'HEAD')).size).toBe(0);
	});
});
