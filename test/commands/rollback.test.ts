// `orchestrator rollback` after a full run: the exact tree of a phase tag, the memory files
// recording it, the undone steps pending again, and resume running them to the same end.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, memoryFile, runCli, treeSnapshot} from '../helpers/repo.js';
import {commitSnapshot, currentPhase, ensureBuilt, events, expectOneErrorLine, repoWithPlan, subjects} from '../engine/harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

async function finishedRun(): Promise<{repo: string; final: Record<string, string>}> {
	const repo = repoWithPlan('three-phases.yaml');
	const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: repo});
	expect(result.code, result.stderr).toBe(0);
	return {repo, final: treeSnapshot(repo)};
}

describe('rollback to a phase', () => {
	for (const target of ['setup', 'orchestrator/shop/setup']) {
		it(`rollback ${target} --yes gives exactly the tree of the tag; resume runs the rest again`, async () => {
			const {repo, final} = await finishedRun();
			// An untracked file made after the run is not the run's: it must survive as a saved state.
			fs.writeFileSync(path.join(repo, 'scratch.txt'), 'mine\n');
			const tagCommit = git(repo, 'rev-parse', 'orchestrator/shop/setup^{commit}');

			const result = await runCli(['rollback', target, '--yes'], {cwd: repo});
			expect(result.code, result.stderr).toBe(0);
			expect(result.stdout).toMatch(/rolled back to setup .*before-rollback-1/);
			expect(treeSnapshot(repo)).toEqual(commitSnapshot(repo, tagCommit));
			expect(git(repo, 'rev-parse', 'HEAD')).toBe(tagCommit);
			expect(git(repo, 'status', '--porcelain')).toBe('');
			// the replaced state is kept, the scratch file with it
			expect(git(repo, 'show', 'refs/orchestrator/shop/before-rollback-1:scratch.txt')).toBe('mine');
			expect(git(repo, 'show', 'refs/orchestrator/shop/before-rollback-1:src/a.js')).toBe('export const a = 10;');

			// the memory files record it
			const cp = currentPhase(repo);
			expect(cp.phases_completed).toEqual(['setup']);
			expect(cp.phases_remaining).toEqual(['core', 'polish']);
			const steps = cp.session.steps;
			expect(steps.T001.status).toBe('done');
			expect(steps.T002.status).toBe('done');
			for (const id of ['T003', 'T004', 'T005']) expect(steps[id].status, id).toMatch(/^(pending|rolled_back)$/);
			expect(cp.session.checkpoints.at(-1)).toMatchObject({kind: 'before-rollback', ref: 'refs/orchestrator/shop/before-rollback-1'});
			expect(events(repo).at(-1)).toMatchObject({type: 'rollback', to: 'setup', commit: tagCommit});
			expect(fs.readFileSync(memoryFile(repo, 'rollback-plan.md'), 'utf8')).toContain('before-rollback-1');
			expect(fs.readFileSync(memoryFile(repo, 'pending-changes.md'), 'utf8')).toContain('T004');
			const changes = JSON.parse(fs.readFileSync(memoryFile(repo, 'changes.json'), 'utf8'));
			expect(changes.files_modified.find((f: any) => f.path === 'src/b.js').status).toBe('rolled_back');

			// resume runs the undone steps again, to the same final tree
			const resumed = await runCli(['resume', '--headless', '--yes'], {cwd: repo});
			expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
			expect(treeSnapshot(repo)).toEqual(final);
			expect(currentPhase(repo).session.status).toBe('done');
			expect(git(repo, 'rev-parse', 'orchestrator/shop/polish^{commit}')).toBe(git(repo, 'rev-parse', 'HEAD'));
			// on the branch, each step is committed once
			const log = subjects(repo);
			for (const step of ['T001', 'T003', 'T004', 'T005']) expect(log.filter(s => s.includes(` ${step} `)), step).toHaveLength(1);
		});
	}

	it('rollback to the start checkpoint removes every file the run created', async () => {
		const {repo} = await finishedRun();
		const result = await runCli(['rollback', 'start', '--yes'], {cwd: repo});
		expect(result.code, result.stderr).toBe(0);
		const start = git(repo, 'rev-parse', 'refs/orchestrator/shop/start');
		expect(treeSnapshot(repo)).toEqual(commitSnapshot(repo, start));
		expect(fs.existsSync(path.join(repo, 'src'))).toBe(false);
		expect(currentPhase(repo).phases_completed).toEqual([]);
	});

	it('rollback --list prints every checkpoint', async () => {
		const {repo} = await finishedRun();
		const result = await runCli(['rollback', '--list'], {cwd: repo});
		expect(result.code, result.stderr).toBe(0);
		for (const name of ['start', 'T001', 'setup', 'T003', 'T004', 'core', 'T005', 'polish']) expect(result.stdout).toMatch(new RegExp(`^${name} `, 'm'));
		expect(result.stdout).toContain('orchestrator/shop/core');
		const json = await runCli(['rollback', '--list', '--json'], {cwd: repo});
		expect(JSON.parse(json.stdout).map((c: any) => c.name)).toEqual(['start', 'T001', 'setup', 'T003', 'T004', 'core', 'T005', 'polish']);
	});

	it('without --yes and no terminal: exit 2, one line saying to pass --yes, nothing changed', async () => {
		const {repo, final} = await finishedRun();
		const before = fs.readFileSync(memoryFile(repo, 'current-phase.json'), 'utf8');
		const result = await runCli(['rollback', 'setup'], {cwd: repo});
		expectOneErrorLine(result, 2, /--yes/);
		expect(treeSnapshot(repo)).toEqual(final);
		expect(fs.readFileSync(memoryFile(repo, 'current-phase.json'), 'utf8')).toBe(before);
		expect(git(repo, 'for-each-ref', 'refs/orchestrator/shop/')).not.toContain('before-rollback');
	});

	it('an unknown checkpoint: exit 2 naming the choices', async () => {
		const {repo} = await finishedRun();
		expectOneErrorLine(await runCli(['rollback', 'nowhere', '--yes'], {cwd: repo}), 2, /no checkpoint "nowhere".*setup/);
	});
});
