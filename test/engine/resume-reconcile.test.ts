// Resume reconciles the recorded session with git: changes made by hand are refused unless
// adopted; the orchestrator's own leftovers (a failed step's partial work) are not "by hand".
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, memoryFile, runCli, tempDir, treeSnapshot} from '../helpers/repo.js';
import {currentPhase, ensureBuilt, expectOneErrorLine, repoWithPlan, subjects} from './harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

async function pausedAtFirstGate(): Promise<string> {
	const repo = repoWithPlan('three-phases.yaml');
	const result = await runCli(['run', 'plan.yaml', '--headless'], {cwd: repo});
	expect(result.code, result.stderr).toBe(4);
	return repo;
}

describe('resume after changes by hand', () => {
	it('a hand-edited tracked file: exit 2 naming --adopt and rollback; --adopt keeps it and finishes', async () => {
		const repo = await pausedAtFirstGate();
		fs.appendFileSync(path.join(repo, 'README.md'), 'edited by hand\n');
		const memory = fs.readFileSync(memoryFile(repo, 'current-phase.json'), 'utf8');

		const refused = await runCli(['resume', '--headless', '--yes'], {cwd: repo});
		const line = expectOneErrorLine(refused, 2, /README\.md/);
		expect(line).toContain('orchestrator resume --adopt');
		expect(line).toMatch(/orchestrator rollback \S+/);
		expect(fs.readFileSync(path.join(repo, 'README.md'), 'utf8')).toBe('# test\nedited by hand\n');
		expect(fs.readFileSync(memoryFile(repo, 'current-phase.json'), 'utf8')).toBe(memory);

		const adopted = await runCli(['resume', '--adopt', '--yes', '--headless'], {cwd: repo});
		expect(adopted.code, adopted.stderr + adopted.stdout).toBe(0);
		expect(fs.readFileSync(path.join(repo, 'README.md'), 'utf8')).toBe('# test\nedited by hand\n');
		const session = currentPhase(repo).session;
		expect(session.status).toBe('done');
		expect(session.checkpoints.some((c: any) => c.name === 'adopted-1')).toBe(true);
		expect(subjects(repo)).toContain('orchestrator(shop): adopt changes made by hand');
		expect(git(repo, 'status', '--porcelain')).toBe('');
	});

	it('a commit made by hand: refused, then adopted as the new checkpoint', async () => {
		const repo = await pausedAtFirstGate();
		fs.writeFileSync(path.join(repo, 'hand.txt'), 'hand\n');
		git(repo, 'add', 'hand.txt');
		git(repo, 'commit', '-q', '-m', 'my own commit');
		const hand = git(repo, 'rev-parse', 'HEAD');

		expectOneErrorLine(await runCli(['resume', '--headless', '--yes'], {cwd: repo}), 2, /HEAD moved.*--adopt/);
		const adopted = await runCli(['resume', '--adopt', '--yes', '--headless'], {cwd: repo});
		expect(adopted.code, adopted.stderr).toBe(0);
		expect(git(repo, 'merge-base', '--is-ancestor', hand, 'HEAD')).toBe('');
		expect(treeSnapshot(repo)['hand.txt']).toBe('hand\n');
		expect(currentPhase(repo).session.status).toBe('done');
	});

	it('rollback, the other way out, restores the last checkpoint and keeps the edit under a ref', async () => {
		const repo = await pausedAtFirstGate();
		const checkpoint = git(repo, 'rev-parse', 'HEAD');
		fs.appendFileSync(path.join(repo, 'README.md'), 'edited by hand\n');
		const rolled = await runCli(['rollback', 'T001', '--yes'], {cwd: repo});
		expect(rolled.code, rolled.stderr).toBe(0);
		expect(git(repo, 'status', '--porcelain')).toBe('');
		expect(git(repo, 'rev-parse', 'HEAD')).toBe(checkpoint);
		expect(git(repo, 'show', 'refs/orchestrator/shop/before-rollback-1:README.md')).toBe('# test\nedited by hand');
		const resumed = await runCli(['resume', '--headless', '--yes'], {cwd: repo});
		expect(resumed.code, resumed.stderr).toBe(0);
		expect(currentPhase(repo).session.status).toBe('done');
	});
});

describe('resume after a headless stop at a failed step', () => {
	it('runs the failed step again from its checkpoint, not on top of its partial work', async () => {
		// S2 appends to one.txt, then fails the first time only (the marker lives outside the repo).
		const marker = path.join(tempDir('orch-marker-'), 'failed-once');
		const repo = repoWithPlan(`id: again
title: A step that fails once
test: "true"
phases:
  - id: one
    title: One
    steps:
      - {id: S1, title: first, run: echo one > one.txt}
      - id: S2
        title: flaky
        run: echo more >> one.txt && echo partial > partial.txt && if [ ! -e ${marker} ]; then touch ${marker}; exit 3; fi
      - {id: S3, title: last, run: echo three > three.txt}
`);
		const first = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: repo});
		expect(first.code, first.stderr).toBe(1);
		expect(fs.readFileSync(path.join(repo, 'one.txt'), 'utf8')).toBe('one\nmore\n');

		const resumed = await runCli(['resume', '--headless', '--yes'], {cwd: repo});
		expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
		expect(fs.readFileSync(path.join(repo, 'one.txt'), 'utf8')).toBe('one\nmore\n');
		expect(treeSnapshot(repo)['three.txt']).toBe('three\n');
		const session = currentPhase(repo).session;
		expect(session.status).toBe('done');
		expect(session.steps.S2.attempts).toBe(2);
		// the first attempt's partial work is kept, not lost
		const saved = session.checkpoints.filter((c: any) => c.kind === 'before-rollback');
		expect(saved).toHaveLength(1);
		expect(git(repo, 'show', `${saved[0].ref}:one.txt`)).toBe('one\nmore');
	});
});

describe('resume after the plan was edited', () => {
	it('commits the edited plan as its own checkpoint and runs the new step', async () => {
		const repo = await pausedAtFirstGate();
		const planFile = path.join(repo, 'plan.yaml');
		const text = fs.readFileSync(planFile, 'utf8');
		// A new last step in the last phase.
		const edited = text.trimEnd() + '\n';
		const added = edited.replace(/(\n  - id: [^\n]+\n(?:(?!\n  - id: )[\s\S])*?    steps:\n)(?![\s\S]*\n  - id: )/, `$1      - {id: NEW1, title: Added later, run: "echo new > added-later.txt", files: [added-later.txt]}\n`);
		expect(added).not.toBe(edited);
		fs.writeFileSync(planFile, added);

		const resumed = await runCli(['resume', '--headless', '--yes'], {cwd: repo});
		expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
		expect(fs.readFileSync(path.join(repo, 'added-later.txt'), 'utf8')).toBe('new\n');
		expect(subjects(repo)).toContain('orchestrator(shop): plan edited');
		const session = currentPhase(repo).session;
		expect(session.checkpoints.some((c: any) => c.name === 'plan-edit-1')).toBe(true);
		expect(session.steps.NEW1.status).toBe('done');
		expect(git(repo, 'status', '--porcelain')).toBe('');
	});
});
