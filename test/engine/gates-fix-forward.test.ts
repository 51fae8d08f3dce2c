// Fix forward headless (`--on-failure fix`) through the real binary, with the plan's `fixer:` a
// command agent: after a failing step and after a failing gate check. The fix runs as its own
// step (`<id>-fix-<n>`) with a prompt that holds the failure; at most two attempts per gate.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, runCli} from '../helpers/repo.js';
import {currentPhase, ensureBuilt, events, repoWithPlan, stepCommit, subjects} from './harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

const RUN = ['run', 'plan.yaml', '--headless', '--yes', '--on-failure', 'fix'];

/**
 * The fixer keeps the prompt it was given in .git/ (outside the tree) and runs `mode`:
 * `fix` repairs input.txt and value.txt, `fail` exits 1, `idle` succeeds without fixing.
 */
const FIXER = `#!/bin/bash
printf '%s' "$1" > ".git/prompt-$ORCHESTRATOR_STEP.txt"
echo tried >> .git/fix-attempts
case "$(cat .git/fixer-mode)" in
  fix) echo ok > input.txt; echo fixed > value.txt; echo "fixer: repaired" ;;
  fail) echo "fixer: cannot repair"; exit 1 ;;
  *) echo "fixer: looked, changed nothing" ;;
esac
`;

function repoFor(plan: string, mode: 'fix' | 'fail' | 'idle'): string {
	const repo = repoWithPlan(plan, {'README.md': '# test\n', 'fixer.sh': FIXER, 'input.txt': 'broken\n'});
	fs.writeFileSync(path.join(repo, '.git/fixer-mode'), mode);
	return repo;
}

const header = `id: ff
title: Fix forward
agents:
  mender:
    command: [bash, fixer.sh, "{prompt}"]
fixer: mender
phases:
`;

/** S1 fails while input.txt is not "ok" (and prints why); the gate checks out.txt. */
const FAILING_STEP = `${header}  - id: build
    title: Build
    steps:
      - id: S1
        title: Copy the input
        run: 'echo "checking input.txt"; grep -qx ok input.txt || { echo "input.txt is not ok"; exit 3; }; cp input.txt out.txt'
        files: [out.txt]
      - id: S2
        title: After S1
        run: echo after > after.txt
        files: [after.txt]
    gate:
      checks: ["true"]
`;

/** G1 writes a broken value; the gate wants it fixed. */
const FAILING_CHECK = `${header}  - id: build
    title: Build
    steps:
      - id: G1
        title: Write the value
        run: echo broken > value.txt
        files: [value.txt]
    gate:
      checks: ["echo value is $(cat value.txt); grep -qx fixed value.txt"]
  - id: later
    title: Later
    steps:
      - id: L1
        title: After the gate
        run: echo later > later.txt
        files: [later.txt]
    gate:
      checks: ["true"]
`;

function prompt(repo: string, step: string): string {
	return fs.readFileSync(path.join(repo, `.git/prompt-${step}.txt`), 'utf8');
}

function attempts(repo: string): number {
	const file = path.join(repo, '.git/fix-attempts');
	return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

describe('fix forward after a failing step', () => {
	it('runs the fixer as S1-fix-1 with the failure in its prompt; the step counts as done, exit 0', async () => {
		const repo = repoFor(FAILING_STEP, 'fix');
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(0);
		const session = currentPhase(repo).session;
		expect(session.steps['S1-fix-1']).toMatchObject({status: 'done', fixFor: 'S1', agent: 'mender', phaseId: 'build'});
		expect(session.steps.S1.status).toBe('done');
		expect(session.steps.S2.status).toBe('done');
		expect(session.phases.find((p: any) => p.id === 'build').stepIds).toEqual(['S1', 'S2', 'S1-fix-1']);
		expect(session.extraSteps).toEqual(['S1-fix-1']);
		// The handoff: the failing step, why, and the tail of its output.
		const text = prompt(repo, 'S1-fix-1');
		expect(text).toMatch(/step S1 "Copy the input" failed: exited with code 3/);
		expect(text).toMatch(/Last output of the failed step:\n(.*\n)*checking input\.txt\ninput\.txt is not ok/);
		// The fix is its own checkpoint, then S2 on top of it.
		const fix = stepCommit(repo, 'S1-fix-1');
		expect(git(repo, 'show', `${fix}:input.txt`)).toBe('ok');
		expect(git(repo, 'rev-parse', `${stepCommit(repo, 'S2')}^`)).toBe(fix);
		expect(subjects(repo)).toContain('orchestrator(ff): S1-fix-1 Fix forward: S1');
		expect(attempts(repo)).toBe(1);
	});

	it('a fixer that fails too: two attempts (S1-fix-1, S1-fix-2), then exit 1 and nothing after', async () => {
		const repo = repoFor(FAILING_STEP, 'fail');
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(1);
		expect(attempts(repo)).toBe(2);
		const session = currentPhase(repo).session;
		expect(session.extraSteps).toEqual(['S1-fix-1', 'S1-fix-2']);
		expect(session.steps['S1-fix-1']).toMatchObject({status: 'failed', fixFor: 'S1'});
		expect(session.steps['S1-fix-2']).toMatchObject({status: 'failed', fixFor: 'S1'});
		expect(session.steps.S1.status).toBe('failed');
		expect(session.steps.S2.status).toBe('pending');
		expect(events(repo).filter(e => e.type === 'fix_forward').map(e => e.step)).toEqual(['S1-fix-1', 'S1-fix-2']);
		expect(fs.existsSync(path.join(repo, 'after.txt'))).toBe(false);
	});
});

describe('fix forward after a failing gate check', () => {
	it('runs the fixer as build-fix-1 with the failing check in its prompt; the gate passes, exit 0', async () => {
		const repo = repoFor(FAILING_CHECK, 'fix');
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(0);
		const session = currentPhase(repo).session;
		expect(session.steps['build-fix-1']).toMatchObject({status: 'done', fixFor: 'build', phaseId: 'build'});
		expect(session.phases.find((p: any) => p.id === 'build').stepIds).toEqual(['G1', 'build-fix-1']);
		expect(session.reports.build.checks[0].ok).toBe(true);
		const text = prompt(repo, 'build-fix-1');
		expect(text).toMatch(/the checks of phase "Build" failed/);
		expect(text).toMatch(/Failing check `echo value is \$\(cat value.txt\); grep -qx fixed value.txt` \(exit 1\):\nvalue is broken/);
		// The phase is tagged at the fix's checkpoint; the next phase ran.
		expect(git(repo, 'rev-parse', 'orchestrator/ff/build^{commit}')).toBe(stepCommit(repo, 'build-fix-1'));
		expect(fs.readFileSync(path.join(repo, 'later.txt'), 'utf8')).toBe('later\n');
	});

	it('a fixer that does not fix it: two attempts, then exit 1 with the phase untagged', async () => {
		const repo = repoFor(FAILING_CHECK, 'idle');
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(1);
		expect(attempts(repo)).toBe(2);
		const session = currentPhase(repo).session;
		expect(session.extraSteps).toEqual(['build-fix-1', 'build-fix-2']);
		expect(session.steps['build-fix-2']).toMatchObject({status: 'done', noChanges: true});
		expect(session.reports.build.checks[0].ok).toBe(false);
		expect(git(repo, 'tag', '--list')).toBe('');
		expect(fs.existsSync(path.join(repo, 'later.txt'))).toBe(false);
	});
});

describe('fix numbering', () => {
	it('each failure gets its own -fix-1 (the count is per failing step or phase)', async () => {
		const plan = FAILING_STEP.replace(
			"      - id: S2\n        title: After S1\n        run: echo after > after.txt",
			"      - id: S2\n        title: After S1\n        run: 'test -f .git/fixed-twice || { touch .git/fixed-twice; exit 1; }; echo after > after.txt'",
		);
		expect(plan).not.toBe(FAILING_STEP);
		const repo = repoFor(plan, 'fix');
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(0);
		expect(currentPhase(repo).session.extraSteps).toEqual(['S1-fix-1', 'S2-fix-1']);
	});
});
