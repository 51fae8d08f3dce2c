// Parallel batches through the real binary: four sleeping shell steps really run at the same
// time (start/end timestamps in their logs overlap), their commits land in plan order, the tree
// equals the sequential run's, and no worktree is left behind; a crash in the middle of a batch
// is resumed to the same tree with no step committed twice.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, memoryFile, runCli, treeSnapshot} from '../helpers/repo.js';
import {currentPhase, ensureBuilt, events, pidAlive, repoWithPlan, startCli, stepCommit, subjects, waitFor} from './harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

const BATCH = ['P1', 'P2', 'P3', 'P4'];

/**
 * A serial step, a batch of four parallel steps that each print their start and end time
 * (ns) around a sleep and write their own file, then a serial step that lists the results.
 */
function batchPlan(sleepSeconds: number): string {
	const lines = ['id: par', 'title: Parallel batch', 'phases:', '  - id: work', '    title: Work', '    steps:'];
	lines.push('      - id: S0', '        title: Prepare', '        run: mkdir -p out && echo ready > out/S0.txt', '        files: [out/S0.txt]');
	for (const id of BATCH) {
		lines.push(
			`      - id: ${id}`,
			`        title: Sleep ${id}`,
			`        run: 'echo "start $(date +%s%N)"; sleep ${sleepSeconds}; echo ${id} > out/${id}.txt; echo "end $(date +%s%N)"'`,
			`        files: [out/${id}.txt]`,
			'        parallel: true',
		);
	}
	lines.push('      - id: S9', '        title: List', '        run: ls out > listing.txt', '        files: [listing.txt]');
	lines.push('    gate:', '      checks: ["test -f out/P4.txt"]');
	return lines.join('\n') + '\n';
}

/** The start and end times (ns) a step printed, read from its output log in the memory folder. */
function interval(repo: string, step: string): [bigint, bigint] {
	const log = fs.readFileSync(memoryFile(repo, `logs/${step}.log`), 'utf8');
	const start = /start (\d+)/.exec(log)?.[1];
	const end = /end (\d+)/.exec(log)?.[1];
	expect(start && end, `timestamps in the log of ${step}: ${log}`).toBeTruthy();
	return [BigInt(start!), BigInt(end!)];
}

function expectNoWorktree(repo: string): void {
	expect(git(repo, 'worktree', 'list').split('\n').filter(Boolean), 'git worktree list').toHaveLength(1);
	const dir = path.join(repo, '.git/orchestrator-worktrees');
	if (fs.existsSync(dir)) expect(fs.readdirSync(dir, {recursive: true}), dir).toEqual([]);
}

describe('a batch of four independent steps with --max-parallel 4', () => {
	it('runs them at the same time, commits in plan order, equals the sequential tree, leaves no worktree', async () => {
		const plan = batchPlan(1);
		const parallel = repoWithPlan(plan);
		const sequential = repoWithPlan(plan);
		const [fast, slow] = await Promise.all([
			runCli(['run', 'plan.yaml', '--headless', '--yes', '--max-parallel', '4'], {cwd: parallel}),
			runCli(['run', 'plan.yaml', '--headless', '--yes', '--max-parallel', '1'], {cwd: sequential}),
		]);
		expect(fast.code, fast.stderr + fast.stdout).toBe(0);
		expect(slow.code, slow.stderr + slow.stdout).toBe(0);

		// Overlap: every step started before any step ended.
		const times = BATCH.map(id => interval(parallel, id));
		const lastStart = times.reduce((m, [s]) => (s > m ? s : m), 0n);
		const firstEnd = times.reduce((m, [, e]) => (e < m ? e : m), times[0][1]);
		expect(lastStart < firstEnd, `intervals ${times.map(t => t.join('-')).join(', ')}`).toBe(true);
		// The sequential run is the control: there no two intervals overlap.
		const serial = BATCH.map(id => interval(sequential, id));
		for (let i = 1; i < serial.length; i++) expect(serial[i][0] >= serial[i - 1][1]).toBe(true);
		expect(events(parallel).filter(e => e.type === 'batch_started')).toHaveLength(1);
		expect(events(sequential).filter(e => e.type === 'batch_started')).toHaveLength(0);

		const tree = treeSnapshot(parallel);
		expect(tree).toEqual(treeSnapshot(sequential));
		expect(tree['listing.txt']).toBe('P1.txt\nP2.txt\nP3.txt\nP4.txt\nS0.txt\n');

		// One commit per step, in plan order, each the parent of the next.
		const titles = ['S0 Prepare', ...BATCH.map(id => `${id} Sleep ${id}`), 'S9 List'];
		expect(subjects(parallel).slice(0, 6).reverse()).toEqual(titles.map(t => `orchestrator(par): ${t}`));
		expect(subjects(parallel)).toEqual(subjects(sequential));
		for (const id of BATCH) {
			const commit = stepCommit(parallel, id);
			expect(git(parallel, 'diff-tree', '--no-commit-id', '--name-only', '-r', commit)).toBe(`out/${id}.txt`);
		}
		const steps = currentPhase(parallel).session.steps;
		for (const id of BATCH) expect(steps[id]).toMatchObject({status: 'done', warnings: []});

		expectNoWorktree(parallel);
		// Applied commits need no ref any more; only the start ref is left.
		expect(git(parallel, 'for-each-ref', '--format=%(refname)', 'refs/orchestrator/')).toBe('refs/orchestrator/par/start');
	});
});

describe('a crash in the middle of a batch', () => {
	it('SIGKILL while the steps sleep, then resume: same tree as an uninterrupted run, no step twice, no worktree', async () => {
		const plan = batchPlan(2);
		const reference = repoWithPlan(plan);
		const repo = repoWithPlan(plan);
		const args = ['--headless', '--yes', '--max-parallel', '4'];
		const straight = runCli(['run', 'plan.yaml', ...args], {cwd: reference});

		const first = startCli(['run', 'plan.yaml', ...args], repo);
		const pids = (): number[] => {
			try {
				const steps = currentPhase(repo).session.steps;
				return BATCH.map(id => steps[id]?.pid).filter((pid): pid is number => typeof pid === 'number');
			} catch {
				return [];
			}
		};
		// All four agents run (their pids are recorded) and sleep: kill the orchestrator now.
		expect(await waitFor(() => pids().length === BATCH.length, 15_000), first.output().stdout).toBe(true);
		const agents = pids();
		expect(fs.readdirSync(path.join(repo, '.git/orchestrator-worktrees/par')).sort()).toEqual(BATCH);
		first.child.kill('SIGKILL');
		expect((await first.done).signal).toBe('SIGKILL');

		const resumed = await runCli(['resume', ...args], {cwd: repo});
		expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
		expect(resumed.stdout).toMatch(/removed 4 worktree\(s\) of an interrupted parallel batch/);
		for (const pid of agents) expect(pidAlive(pid), `agent ${pid} of the killed run`).toBe(false);

		const done = await straight;
		expect(done.code, done.stderr).toBe(0);
		expect(treeSnapshot(repo)).toEqual(treeSnapshot(reference));
		expect(subjects(repo)).toEqual(subjects(reference));
		for (const id of ['S0', ...BATCH, 'S9']) stepCommit(repo, id);
		expectNoWorktree(repo);
		const steps = currentPhase(repo).session.steps;
		for (const id of BATCH) expect(steps[id]).toMatchObject({status: 'done', attempts: 2});
	});
});

describe('other exits from a batch', () => {
	it('Ctrl-C (SIGINT) while the steps sleep: exit 130, agents stopped, no worktree; resume finishes', async () => {
		const repo = repoWithPlan(batchPlan(3));
		const args = ['--headless', '--yes', '--max-parallel', '4'];
		const first = startCli(['run', 'plan.yaml', ...args], repo);
		const pids = (): number[] => {
			try {
				const steps = currentPhase(repo).session.steps;
				return BATCH.map(id => steps[id]?.pid).filter((pid): pid is number => typeof pid === 'number');
			} catch {
				return [];
			}
		};
		expect(await waitFor(() => pids().length === BATCH.length, 15_000), first.output().stdout).toBe(true);
		const agents = pids();
		first.child.kill('SIGINT');
		const stopped = await first.done;
		expect(stopped.code, stopped.stderr + stopped.stdout).toBe(130);
		for (const pid of agents) expect(pidAlive(pid), `agent ${pid}`).toBe(false);
		expectNoWorktree(repo);
		expect(git(repo, 'status', '--porcelain')).toBe('');
		expect(git(repo, 'rev-parse', 'HEAD')).toBe(stepCommit(repo, 'S0'));

		const resumed = await runCli(['resume', ...args], {cwd: repo});
		expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
		for (const id of ['S0', ...BATCH, 'S9']) stepCommit(repo, id);
		expect(treeSnapshot(repo)['listing.txt']).toBe('P1.txt\nP2.txt\nP3.txt\nP4.txt\nS0.txt\n');
		expectNoWorktree(repo);
	});

	it('one step of the batch fails: the others are applied in plan order, the failed one stops the run (exit 1)', async () => {
		const plan = batchPlan(0).replace("echo P2 > out/P2.txt;", 'echo partial > out/P2.txt; exit 5;');
		expect(plan).not.toBe(batchPlan(0));
		const repo = repoWithPlan(plan);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--max-parallel', '4'], {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(1);
		const session = currentPhase(repo).session;
		expect(session.steps.P2).toMatchObject({status: 'failed', exitCode: 5});
		for (const id of ['P1', 'P3', 'P4']) expect(session.steps[id].status, id).toBe('done');
		expect(session.steps.S9.status).toBe('pending');
		expect(subjects(repo).slice(0, 4).reverse()).toEqual(['S0 Prepare', 'P1 Sleep P1', 'P3 Sleep P3', 'P4 Sleep P4'].map(t => `orchestrator(par): ${t}`));
		expect(git(repo, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n')).not.toContain('out/P2.txt');
		expectNoWorktree(repo);
	});
});

