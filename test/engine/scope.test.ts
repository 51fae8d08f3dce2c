// File scope through the real binary: after every step the files it modified are compared with
// the files it declared. Out-of-scope files, files owned by a later pending step, edits of the
// plan itself and big-bang changes are warnings at the gate (a failure with `strict: true`).
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, runCli} from '../helpers/repo.js';
import {currentPhase, ensureBuilt, events, memoryText, repoWithPlan, stepCommit} from './harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

interface StepText {
	id: string;
	run: string;
	files: string[];
	parallel?: boolean;
}

/** One phase of shell steps; `extra` goes at the top level (strict, max_files). */
function plan(steps: StepText[], extra = ''): string {
	const lines = ['id: scope', 'title: File scope', extra, 'phases:', '  - id: work', '    title: Work', '    steps:'];
	for (const s of steps) {
		lines.push(`      - id: ${s.id}`, `        title: Step ${s.id}`, `        run: '${s.run}'`, `        files: [${s.files.map(f => JSON.stringify(f)).join(', ')}]`);
		if (s.parallel) lines.push('        parallel: true');
	}
	lines.push('    gate:', '      checks: ["true"]');
	return lines.filter(l => l !== '').join('\n') + '\n';
}

const RUN = ['run', 'plan.yaml', '--headless', '--yes'];

/** The warnings of the phase report, of the step, in completed-changes.md and on stdout. */
function warningsEverywhere(repo: string, stdout: string, step: string): {step: string[]; report: string[]} {
	const session = currentPhase(repo).session;
	const report: string[] = session.reports.work?.warnings ?? [];
	const stepWarnings: string[] = session.steps[step].warnings;
	const completed = memoryText(repo, 'completed-changes.md');
	for (const warning of stepWarnings) {
		expect(report, 'phase report').toContain(warning);
		expect(completed, 'completed-changes.md').toContain(warning);
		expect(stdout, 'headless gate output').toContain(`⚠ ${warning}`);
	}
	return {step: stepWarnings, report};
}

describe('file scope', () => {
	it('a step that writes outside its files: a warning at the gate, the run goes on', async () => {
		const repo = repoWithPlan(plan([
			{id: 'T1', run: 'mkdir -p src && echo a > src/a.ts && echo x > stray.txt', files: ['src/**']},
			{id: 'T2', run: 'echo b > b.txt', files: ['b.txt']},
		]));
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(0);
		const {step} = warningsEverywhere(repo, result.stdout, 'T1');
		expect(step).toEqual(['T1 modified files outside its scope: stray.txt']);
		expect(currentPhase(repo).session.steps.T2.warnings).toEqual([]);
		// A warning does not lose the work: the file is in T1's commit.
		expect(git(repo, 'show', `${stepCommit(repo, 'T1')}:stray.txt`)).toBe('x');
		expect(events(repo).find(e => e.type === 'step_finished' && e.step === 'T1')?.warnings).toEqual(step);
	});

	it('with strict: true the same step fails, exit 1, and the next step never runs', async () => {
		const repo = repoWithPlan(plan([
			{id: 'T1', run: 'mkdir -p src && echo a > src/a.ts && echo x > stray.txt', files: ['src/**']},
			{id: 'T2', run: 'echo b > b.txt', files: ['b.txt']},
		], 'strict: true'));
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(1);
		const session = currentPhase(repo).session;
		expect(session.steps.T1.status).toBe('failed');
		expect(session.steps.T1.error).toBe('file scope (strict): T1 modified files outside its scope: stray.txt');
		expect(session.steps.T2.status).toBe('pending');
		expect(fs.existsSync(path.join(repo, 'b.txt'))).toBe(false);
		expect(result.stdout).toMatch(/✗ T1 failed: T1 modified files outside its scope: stray\.txt/);
		expect(session.status).toBe('stopped');
	});

	it('a strict failure is no checkpoint: resume runs the step again and it fails again (no "no changes" pass)', async () => {
		const repo = repoWithPlan(plan([
			{id: 'T1', run: 'mkdir -p src && echo a > src/a.ts && echo x > stray.txt', files: ['src/**']},
			{id: 'T2', run: 'echo b > b.txt', files: ['b.txt']},
		], 'strict: true'));
		const start = async () => {
			const session = currentPhase(repo).session;
			expect(session.checkpoints.map((c: any) => c.name)).not.toContain('T1');
			expect(session.headCommit).toBe(git(repo, 'rev-parse', 'refs/orchestrator/scope/start'));
			expect(git(repo, 'rev-parse', 'HEAD')).toBe(session.headCommit);
			expect(git(repo, 'log', '--format=%s').split('\n')).not.toContain('orchestrator(scope): T1 Step T1');
		};
		const first = await runCli(RUN, {cwd: repo});
		expect(first.code, first.stderr + first.stdout).toBe(1);
		await start();
		const second = await runCli(['resume', '--headless', '--yes'], {cwd: repo});
		expect(second.code, second.stderr + second.stdout).toBe(1);
		await start();
		const session = currentPhase(repo).session;
		expect(session.steps.T1).toMatchObject({status: 'failed', attempts: 2});
		expect(session.steps.T2.status).toBe('pending');
	});

	it('a strict failure in a parallel batch: the other step is applied, the failing one is not, its commit kept', async () => {
		const repo = repoWithPlan(plan([
			{id: 'P1', run: 'echo 1 > p1.txt && echo stray > stray.txt', files: ['p1.txt'], parallel: true},
			{id: 'P2', run: 'echo 2 > p2.txt', files: ['p2.txt'], parallel: true},
			{id: 'T3', run: 'echo 3 > t3.txt', files: ['t3.txt']},
		], 'strict: true'));
		const result = await runCli([...RUN, '--max-parallel', '2'], {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(1);
		const session = currentPhase(repo).session;
		expect(session.steps.P1).toMatchObject({status: 'failed', error: 'file scope (strict): P1 modified files outside its scope: stray.txt'});
		expect(session.steps.P2.status).toBe('done');
		expect(session.steps.T3.status).toBe('pending');
		expect(git(repo, 'rev-parse', 'HEAD')).toBe(stepCommit(repo, 'P2'));
		expect(git(repo, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n')).not.toContain('stray.txt');
		expect(git(repo, 'status', '--porcelain')).toBe('');
		expect(git(repo, 'show', 'refs/orchestrator/scope/batch/P1:stray.txt')).toBe('stray');
	});

	it('a step that modifies more than max_files files is a "big bang change"', async () => {
		const repo = repoWithPlan(plan([
			{id: 'T1', run: 'mkdir -p gen && for i in 1 2 3 4 5 6; do echo $i > gen/f$i.txt; done', files: ['gen/**']},
			{id: 'T2', run: 'mkdir -p small && echo 1 > small/a.txt && echo 2 > small/b.txt && echo 3 > small/c.txt', files: ['small/**']},
		], 'max_files: 3'));
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(0);
		const {step} = warningsEverywhere(repo, result.stdout, 'T1');
		expect(step).toEqual(['T1 modified 6 files (more than 3): big bang change']);
		// Exactly max_files is not a big bang.
		expect(currentPhase(repo).session.steps.T2.warnings).toEqual([]);
	});

	it('the default max_files is 25', async () => {
		const repo = repoWithPlan(plan([
			{id: 'T1', run: 'mkdir -p gen && for i in $(seq 1 25); do echo $i > gen/f$i.txt; done', files: ['gen/**']},
			{id: 'T2', run: 'mkdir -p big && for i in $(seq 1 26); do echo $i > big/f$i.txt; done', files: ['big/**']},
		]));
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(0);
		const steps = currentPhase(repo).session.steps;
		expect(steps.T1.warnings).toEqual([]);
		expect(steps.T2.warnings).toEqual(['T2 modified 26 files (more than 25): big bang change']);
	});

	it('a step that writes a file owned by a later pending step: a warning naming that step', async () => {
		const repo = repoWithPlan(plan([
			{id: 'T1', run: 'echo a > a.txt && echo early > later.txt', files: ['a.txt']},
			{id: 'T2', run: 'echo b > b.txt', files: ['b.txt']},
			{id: 'T3', run: 'echo late >> later.txt', files: ['later.txt']},
		]));
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(0);
		const {step} = warningsEverywhere(repo, result.stdout, 'T1');
		expect(step).toEqual(['T1 modified files outside its scope: later.txt', 'T1 modified files owned by later steps: later.txt (T3)']);
		// The owner itself, run later, is in scope.
		expect(currentPhase(repo).session.steps.T3.warnings).toEqual([]);
	});

	it('a step that edits the plan file: a warning that it belongs to the orchestrator', async () => {
		const repo = repoWithPlan(plan([{id: 'T1', run: 'echo a > a.txt && echo "# touched" >> plan.yaml', files: ['a.txt']}]));
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(0);
		const {step} = warningsEverywhere(repo, result.stdout, 'T1');
		expect(step).toEqual(['T1 modified plan.yaml, which belongs to the orchestrator']);
	});

	it('steps of a parallel batch are checked too', async () => {
		const repo = repoWithPlan(plan([
			{id: 'P1', run: 'echo 1 > p1.txt && echo stray > stray1.txt', files: ['p1.txt'], parallel: true},
			{id: 'P2', run: 'echo 2 > p2.txt', files: ['p2.txt'], parallel: true},
		]));
		const result = await runCli([...RUN, '--max-parallel', '2'], {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(0);
		expect(events(repo).filter(e => e.type === 'batch_started')).toHaveLength(1);
		const {step} = warningsEverywhere(repo, result.stdout, 'P1');
		expect(step).toEqual(['P1 modified files outside its scope: stray1.txt']);
		expect(currentPhase(repo).session.steps.P2.warnings).toEqual([]);
	});
});
