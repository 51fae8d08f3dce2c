// Parallel batches that cannot be combined: two steps that declare different files but change
// the same one, a commit that does not cherry-pick onto the others (a file where the other
// step made a folder), and a rename that the other step edits. Each stops at a gate that names
// the steps, keeps every commit under refs/orchestrator/<id>/batch/<step>, and leaves the tree
// exactly as at the checkpoint before the batch.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, runCli, treeSnapshot} from '../helpers/repo.js';
import {commitSnapshot, currentPhase, ensureBuilt, events, memoryText, repoWithPlan, stepCommit} from './harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

/** S0, then A and B in one parallel batch with the given commands, then S9. */
function plan(a: {run: string; files: string}, b: {run: string; files: string}): string {
	return `id: ovl
title: Overlapping batch
phases:
  - id: work
    title: Work
    steps:
      - id: S0
        title: Prepare
        run: echo zero > zero.txt
        files: [zero.txt]
      - id: A
        title: Step A
        run: '${a.run}'
        files: [${a.files}]
        parallel: true
      - id: B
        title: Step B
        run: '${b.run}'
        files: [${b.files}]
        parallel: true
      - id: S9
        title: After the batch
        run: echo after > after.txt
        files: [after.txt]
    gate:
      checks: ["true"]
`;
}

const RUN = ['run', 'plan.yaml', '--headless', '--yes', '--max-parallel', '2'];

/** The batch stopped: HEAD and the tree are S0's checkpoint, both commits kept, nothing after ran. */
function expectStoppedBeforeBatch(repo: string): {a: string; b: string} {
	const s0 = stepCommit(repo, 'S0');
	expect(git(repo, 'rev-parse', 'HEAD')).toBe(s0);
	expect(git(repo, 'status', '--porcelain')).toBe('');
	expect(treeSnapshot(repo)).toEqual(commitSnapshot(repo, s0));
	const a = git(repo, 'rev-parse', '--verify', 'refs/orchestrator/ovl/batch/A^{commit}');
	const b = git(repo, 'rev-parse', '--verify', 'refs/orchestrator/ovl/batch/B^{commit}');
	for (const [commit, step] of [[a, 'A'], [b, 'B']]) {
		expect(git(repo, 'rev-parse', `${commit}^`), `${step}'s commit starts at the batch checkpoint`).toBe(s0);
		expect(git(repo, 'log', '-1', '--format=%(trailers:key=Orchestrator-Step,valueonly)', commit)).toBe(`ovl/${step}`);
	}
	expect(fs.existsSync(path.join(repo, 'after.txt'))).toBe(false);
	expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
	const session = currentPhase(repo).session;
	expect(session.status).toBe('stopped');
	expect(session.headCommit).toBe(s0);
	expect(session.steps.A.status).toBe('failed');
	expect(session.steps.B.status).toBe('failed');
	expect(session.steps.S9.status).toBe('pending');
	// The log closes every step it opened (tail and resume read it).
	for (const id of ['A', 'B']) expect(events(repo).filter(e => e.type === 'step_finished' && e.step === id).at(-1), id).toMatchObject({ok: false});
	// No checkpoint names a commit that is not on the branch.
	const stepCheckpoints = session.checkpoints.filter((c: any) => c.kind === 'step').map((c: any) => c.name);
	expect(stepCheckpoints).toEqual(['S0']);
	expect(memoryText(repo, 'rollback-plan.md')).not.toMatch(/orchestrator rollback (A|B) /);
	expect(memoryText(repo, 'rollback-plan.md')).toMatch(/orchestrator rollback S0 /);
	return {a, b};
}

describe('an overlapping parallel batch', () => {
	it('two steps that both write the same undeclared file stop at a gate naming the file and both steps', async () => {
		const repo = repoWithPlan(plan({run: 'echo a > a.txt; echo from-a > shared.txt', files: 'a.txt'}, {run: 'echo b > b.txt; echo from-b > shared.txt', files: 'b.txt'}));
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(1);
		const gate = events(repo).find(e => e.type === 'gate_opened' && e.kind === 'failure');
		expect(gate?.message).toMatch(/A and B both changed shared\.txt/);
		expect(result.stdout).toMatch(/parallel batch A, B not applied: A and B both changed shared\.txt/);
		const {a, b} = expectStoppedBeforeBatch(repo);
		// Nothing lost: each commit holds its own step's work.
		expect(git(repo, 'show', `${a}:shared.txt`)).toBe('from-a');
		expect(git(repo, 'show', `${b}:shared.txt`)).toBe('from-b');
		expect(git(repo, 'show', `${a}:a.txt`)).toBe('a');
		expect(git(repo, 'show', `${b}:b.txt`)).toBe('b');
		const conflict = events(repo).find(e => e.type === 'batch_conflict');
		expect(conflict?.kept).toEqual(['refs/orchestrator/ovl/batch/A', 'refs/orchestrator/ovl/batch/B']);
	});

	it('a commit that does not cherry-pick onto the other (file vs folder) stops the batch with both commits kept', async () => {
		// Disjoint paths, so the overlap check lets them through: A makes a file `out`, B a folder
		// `out/`. Only applying B on top of A finds the clash.
		const repo = repoWithPlan(plan({run: 'echo a > out', files: 'out'}, {run: 'mkdir -p out && echo b > out/b.txt', files: 'other/b.txt'}));
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(1);
		const gate = events(repo).find(e => e.type === 'gate_opened' && e.kind === 'failure');
		expect(gate?.message).toMatch(/parallel batch A, B stopped: B does not apply on top of the others: conflict in out/);
		const {a, b} = expectStoppedBeforeBatch(repo);
		expect(git(repo, 'show', `${a}:out`)).toBe('a');
		expect(git(repo, 'show', `${b}:out/b.txt`)).toBe('b');
	});

	it('a step that renames a file the other step edits is an overlap too', async () => {
		const lines = Array.from({length: 20}, (_, i) => `line ${i + 1}`).join('\n') + '\n';
		const repo = repoWithPlan(plan({run: 'git mv notes.txt renamed.txt', files: 'renamed.txt'}, {run: 'echo added >> notes.txt; echo b > b.txt', files: 'b.txt'}), {'README.md': '# test\n', 'notes.txt': lines});
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(1);
		const gate = events(repo).find(e => e.type === 'gate_opened' && e.kind === 'failure');
		expect(gate?.message).toMatch(/A and B both changed notes\.txt/);
		expectStoppedBeforeBatch(repo);
		expect(fs.readFileSync(path.join(repo, 'notes.txt'), 'utf8')).toBe(lines);
	});

	it('resume after the stop runs the batch one step at a time (not into the same overlap again), losing nothing', async () => {
		const repo = repoWithPlan(plan({run: 'echo a > a.txt', files: 'a.txt'}, {run: 'echo b > b.txt; echo b >> a.txt', files: 'b.txt'}));
		const stopped = await runCli(RUN, {cwd: repo});
		expect(stopped.code, stopped.stderr + stopped.stdout).toBe(1);
		const kept = {a: git(repo, 'rev-parse', 'refs/orchestrator/ovl/batch/A'), b: git(repo, 'rev-parse', 'refs/orchestrator/ovl/batch/B')};
		const resumed = await runCli(['resume', '--headless', '--yes', '--max-parallel', '2'], {cwd: repo});
		expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
		expect(events(repo).filter(e => e.type === 'batch_started')).toHaveLength(1);
		// One by one: B ran on top of A's checkpoint, so it appended to A's file.
		expect(fs.readFileSync(path.join(repo, 'a.txt'), 'utf8')).toBe('a\nb\n');
		expect(git(repo, 'rev-parse', `${stepCommit(repo, 'B')}^`)).toBe(stepCommit(repo, 'A'));
		expect(currentPhase(repo).session.steps.B.warnings.join(' ')).toMatch(/outside its scope: a\.txt/);
		// The commits of the stopped batch are still where the gate said they would be.
		expect(git(repo, 'rev-parse', 'refs/orchestrator/ovl/batch/A')).toBe(kept.a);
		expect(git(repo, 'rev-parse', 'refs/orchestrator/ovl/batch/B')).toBe(kept.b);
		expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
	});
});
