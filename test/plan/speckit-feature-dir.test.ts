import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {findFeatureTasks} from '../../source/plan/feature-dir.js';
import {cleanupTempDirs, git, makeRepo, tempDir} from '../helpers/repo.js';

const saved = {dir: process.env.SPECIFY_FEATURE_DIRECTORY, feature: process.env.SPECIFY_FEATURE};
beforeEach(() => {
	delete process.env.SPECIFY_FEATURE_DIRECTORY;
	delete process.env.SPECIFY_FEATURE;
});
afterEach(() => {
	for (const [key, value] of [['SPECIFY_FEATURE_DIRECTORY', saved.dir], ['SPECIFY_FEATURE', saved.feature]] as const) {
		if (value === undefined) delete process.env[key];
		else process.env[key] = value;
	}
	cleanupTempDirs();
});

async function put(root: string, rel: string, text = '- [ ] T001 x\n'): Promise<string> {
	const p = path.join(root, rel);
	await mkdir(path.dirname(p), {recursive: true});
	await writeFile(p, text);
	return p;
}

describe('findFeatureTasks', () => {
	it('uses SPECIFY_FEATURE_DIRECTORY first, relative or absolute', async () => {
		const repo = makeRepo();
		await put(repo, '.specify/feature.json', JSON.stringify({feature_directory: 'specs/001-a'}));
		const tasks = await put(repo, 'specs/002-b/tasks.md');
		process.env.SPECIFY_FEATURE_DIRECTORY = 'specs/002-b';
		expect(await findFeatureTasks(repo)).toBe(tasks);
		process.env.SPECIFY_FEATURE_DIRECTORY = path.join(repo, 'specs', '002-b');
		expect(await findFeatureTasks(repo)).toBe(tasks);
	});

	it('then .specify/feature.json, even before its tasks.md exists', async () => {
		const repo = makeRepo();
		git(repo, 'checkout', '-q', '-b', '001-a');
		await put(repo, 'specs/001-a/tasks.md');
		await put(repo, '.specify/feature.json', JSON.stringify({feature_directory: 'specs/003-c'}));
		expect(await findFeatureTasks(repo)).toBe(path.join(repo, 'specs', '003-c', 'tasks.md'));
		await put(repo, '.specify/feature.json', JSON.stringify({featureDirectory: 'specs/004-d'}));
		expect(await findFeatureTasks(repo)).toBe(path.join(repo, 'specs', '004-d', 'tasks.md'));
	});

	it('ignores a broken feature.json and falls back to the branch', async () => {
		const repo = makeRepo();
		git(repo, 'checkout', '-q', '-b', '001-a');
		const tasks = await put(repo, 'specs/001-a/tasks.md');
		await put(repo, '.specify/feature.json', '{not json');
		expect(await findFeatureTasks(repo)).toBe(tasks);
	});

	it('maps a branch NNN-name to specs/NNN-name/tasks.md, or to the one folder with that number', async () => {
		const repo = makeRepo();
		git(repo, 'checkout', '-q', '-b', '005-export');
		const exact = await put(repo, 'specs/005-export/tasks.md');
		expect(await findFeatureTasks(repo)).toBe(exact);

		git(repo, 'checkout', '-q', '-b', 'feature/007-rename-me');
		const byNumber = await put(repo, 'specs/007-renamed/tasks.md');
		expect(await findFeatureTasks(repo)).toBe(byNumber);

		// Two folders with the number: ambiguous.
		await put(repo, 'specs/007-other/tasks.md');
		expect(await findFeatureTasks(repo)).toBeNull();
	});

	it('uses SPECIFY_FEATURE as a feature name', async () => {
		const repo = makeRepo();
		process.env.SPECIFY_FEATURE = '009-x';
		expect(await findFeatureTasks(repo)).toBe(path.join(repo, 'specs', '009-x', 'tasks.md'));
	});

	it('returns null on a branch that names no feature, and outside git', async () => {
		const repo = makeRepo();
		await put(repo, 'specs/001-a/tasks.md');
		expect(await findFeatureTasks(repo)).toBeNull();
		git(repo, 'checkout', '-q', '-b', '002-missing');
		expect(await findFeatureTasks(repo)).toBeNull();
		expect(await findFeatureTasks(tempDir())).toBeNull();
	});
});
