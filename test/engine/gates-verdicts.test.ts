// The two gate checks of the bug-fix and performance patterns, through the real binary:
// `expect: fail-then-pass` (the reproducing check must fail before the phase's steps and pass
// after them) and `measure` (a number compared with the one recorded at a baseline step).
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, runCli} from '../helpers/repo.js';
import {currentPhase, ensureBuilt, events, repoWithPlan} from './harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

const RUN = ['run', 'plan.yaml', '--headless', '--yes'];

/** Phase 1 writes the reproducing test; phase 2 fixes calc.txt; its gate is fail-then-pass. */
const BUGFIX = `id: bug
title: Bug fix
phases:
  - id: reproduce
    title: Reproduce
    steps:
      - id: B1
        title: Write the reproducing test
        run: printf "grep -qx 4 calc.txt\\n" > repro.sh
        files: [repro.sh]
    gate:
      checks: ["! bash repro.sh"]
  - id: fix
    title: Fix
    steps:
      - id: B2
        title: Fix the bug
        run: echo 4 > calc.txt
        files: [calc.txt]
    gate:
      checks:
        - name: reproducing test
          command: bash repro.sh
          expect: fail-then-pass
`;

describe('expect: fail-then-pass', () => {
	it('fails before the fix and passes after it: the gate passes', async () => {
		const repo = repoWithPlan(BUGFIX, {'README.md': '# test\n', 'calc.txt': '5\n'});
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(0);
		// The check ran before B2 (and failed there), then at the gate (and passed).
		const log = events(repo);
		const pre = log.findIndex(e => e.type === 'precheck' && e.phase === 'fix');
		const b2 = log.findIndex(e => e.type === 'step_started' && e.step === 'B2');
		expect(log[pre]).toMatchObject({command: 'bash repro.sh', ok: false});
		expect(pre).toBeGreaterThan(-1);
		expect(pre).toBeLessThan(b2);
		const session = currentPhase(repo).session;
		expect(session.reports.fix.checks[0]).toMatchObject({name: 'reproducing test', ok: true});
		expect(session.reports.fix.checks[0].note).toBeUndefined();
		expect(git(repo, 'tag', '--list')).toMatch(/orchestrator\/bug\/fix/);
	});

	it('already passes before the fix: the gate fails with "does not reproduce the bug", exit 1', async () => {
		// calc.txt is right from the start: the test catches nothing.
		const repo = repoWithPlan(BUGFIX.replace('checks: ["! bash repro.sh"]', 'checks: ["true"]'), {'README.md': '# test\n', 'calc.txt': '4\n'});
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(1);
		expect(events(repo).find(e => e.type === 'precheck')).toMatchObject({phase: 'fix', ok: true});
		const check = currentPhase(repo).session.reports.fix.checks[0];
		expect(check).toMatchObject({ok: false, exitCode: 0});
		expect(check.note).toMatch(/does not reproduce the bug/);
		expect(result.stdout).toMatch(/✗ bash repro\.sh — does not reproduce the bug/);
		expect(git(repo, 'tag', '--list')).not.toMatch(/orchestrator\/bug\/fix/);
	});

	it('fails before and still fails after: the gate fails on the check itself', async () => {
		const repo = repoWithPlan(BUGFIX.replace('run: echo 4 > calc.txt', 'run: echo 6 > calc.txt'), {'README.md': '# test\n', 'calc.txt': '5\n'});
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(1);
		const check = currentPhase(repo).session.reports.fix.checks[0];
		expect(check).toMatchObject({ok: false, exitCode: 1});
		expect(check.note ?? '').not.toMatch(/does not reproduce/);
	});
});

/**
 * P1 is the baseline step (bench.sh prints `time: <value of time.txt>`, 120 at first); P2
 * changes the value; the verify gate measures again and judges the change.
 */
function perfPlan(after: number, opts: {better?: 'lower' | 'higher'; minChange?: number} = {}): string {
	return `id: perf
title: Faster
phases:
  - id: baseline
    title: Baseline
    steps:
      - id: P1
        title: Measure the baseline
        run: bash bench.sh
  - id: optimise
    title: Optimise
    steps:
      - id: P2
        title: Optimise
        run: echo ${after} > time.txt
        files: [time.txt]
    gate:
      checks:
        - name: faster than the baseline
          command: bash bench.sh
          measure:
            command: bash bench.sh
            metric: "time:"
            baseline_step: P1
            better: ${opts.better ?? 'lower'}
            min_change: ${opts.minChange ?? 0.1}
`;
}

const BENCH = {'README.md': '# test\n', 'bench.sh': 'echo "warming up 3 runs"\necho "time: $(cat time.txt) ms"\necho "done in 1 pass"\n', 'time.txt': '120\n'};

async function runPerf(plan: string): Promise<{code: number | null; check: any; stdout: string; repo: string}> {
	const repo = repoWithPlan(plan, BENCH);
	const result = await runCli(RUN, {cwd: repo});
	const session = currentPhase(repo).session;
	// The baseline was recorded right after P1, from the metric (not the last number printed).
	expect(events(repo).find(e => e.type === 'measured')).toMatchObject({step: 'P1', value: 120});
	expect(Object.values(session.measurements)).toEqual([120]);
	return {code: result.code, check: session.reports.optimise.checks[0], stdout: result.stdout, repo};
}

describe('measure', () => {
	it('a regression (higher time with better: lower) fails the gate with "regression"', async () => {
		const {code, check, stdout} = await runPerf(perfPlan(150));
		expect(code, stdout).toBe(1);
		expect(check).toMatchObject({ok: false, exitCode: 0, value: 150});
		expect(check.note).toMatch(/^regression: 120 → 150/);
		expect(stdout).toMatch(/✗ bash bench\.sh — regression: 120 → 150/);
	});

	it('an improvement below min_change fails the gate', async () => {
		const {code, check, stdout} = await runPerf(perfPlan(115, {minChange: 0.1}));
		expect(code, stdout).toBe(1);
		expect(check).toMatchObject({ok: false, value: 115});
		expect(check.note).toMatch(/improvement 4\.2% is below the required 10\.0% \(120 → 115\)/);
	});

	it('a real improvement passes and the gate shows the change', async () => {
		const {code, check, stdout, repo} = await runPerf(perfPlan(90));
		expect(code, stdout).toBe(0);
		expect(check).toMatchObject({ok: true, value: 90, summary: 'time: 120 → 90'});
		expect(fs.readFileSync(path.join(repo, 'time.txt'), 'utf8')).toBe('90\n');
	});

	it('better: higher turns the verdicts round (a lower throughput is the regression)', async () => {
		const worse = await runPerf(perfPlan(90, {better: 'higher'}));
		expect(worse.code).toBe(1);
		expect(worse.check.note).toMatch(/^regression: 120 → 90/);
		const better = await runPerf(perfPlan(150, {better: 'higher'}));
		expect(better.code, better.stdout).toBe(0);
		expect(better.check.ok).toBe(true);
	});
});
