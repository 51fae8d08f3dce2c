// Phase gates through the real binary: failing checks, fix forward with the plan's fixer,
// pausing headless at a gate that waits for a person, and gates that need no approval.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, runCli, treeSnapshot} from '../helpers/repo.js';
import {currentPhase, ensureBuilt, events, repoWithPlan, subjects} from './harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

/** A step writes a broken value; the gate wants it fixed; the fixer agent really fixes it. */
const FIXABLE = `id: gate
title: A gate that fails
agents:
  mender:
    command: [bash, -c, "sed -i s/broken/fixed/ value.txt && echo mended"]
fixer: mender
phases:
  - id: build
    title: Build
    steps:
      - id: B1
        title: Write the value
        run: echo broken > value.txt
    gate:
      checks: ["grep -q fixed value.txt"]
  - id: after
    title: After
    steps:
      - id: A1
        title: Runs after the gate
        run: echo after > after.txt
    gate:
      checks: ["true"]
`;

describe('a failing gate check', () => {
	it('headless stops with exit 1 and tags nothing', async () => {
		const repo = repoWithPlan(FIXABLE);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: repo});
		expect(result.code, result.stderr).toBe(1);
		expect(result.stdout).toMatch(/✗ grep -q fixed value\.txt/);
		expect(git(repo, 'tag', '--list')).toBe('');
		expect(fs.existsSync(path.join(repo, 'after.txt'))).toBe(false);
		const session = currentPhase(repo).session;
		expect(session.status).toBe('stopped');
		expect(session.reports.build.checks[0]).toMatchObject({ok: false, exitCode: 1});
	});

	it('--on-failure fix runs the fixer, the check passes, the fix step is recorded, exit 0', async () => {
		const repo = repoWithPlan(FIXABLE);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--on-failure', 'fix'], {cwd: repo});
		expect(result.code, result.stderr + result.stdout).toBe(0);
		expect(fs.readFileSync(path.join(repo, 'value.txt'), 'utf8')).toBe('fixed\n');
		expect(fs.readFileSync(path.join(repo, 'after.txt'), 'utf8')).toBe('after\n');
		const cp = currentPhase(repo);
		const fixes = Object.values(cp.session.steps as Record<string, any>).filter(s => s.fixFor === 'build');
		expect(fixes).toHaveLength(1);
		expect(fixes[0]).toMatchObject({status: 'done', agent: 'mender', phaseId: 'build'});
		expect(cp.session.phases.find((p: any) => p.id === 'build').stepIds).toContain(fixes[0].id);
		expect(cp.session.reports.build.checks[0].ok).toBe(true);
		expect(subjects(repo)[1]).toBe(`orchestrator(gate): ${fixes[0].id} ${fixes[0].title}`);
		expect(git(repo, 'rev-parse', 'orchestrator/gate/build^{commit}')).toBe(git(repo, 'rev-parse', 'HEAD~1'));
		expect(events(repo).filter(e => e.type === 'fix_forward')).toHaveLength(1);
	});

	it('--on-failure fix gives up after two attempts when the fixer cannot fix it', async () => {
		const repo = repoWithPlan(FIXABLE.replace('sed -i s/broken/fixed/ value.txt && echo mended', 'echo tried >> tries.txt'));
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--on-failure', 'fix'], {cwd: repo});
		expect(result.code, result.stderr).toBe(1);
		expect(events(repo).filter(e => e.type === 'fix_forward')).toHaveLength(2);
		expect(fs.readFileSync(path.join(repo, 'tries.txt'), 'utf8')).toBe('tried\ntried\n');
	});
});

describe('a gate that waits for a person', () => {
	it('headless without --yes pauses with exit 4 and one line; resume --yes runs the rest', async () => {
		const repo = repoWithPlan('three-phases.yaml');
		const paused = await runCli(['run', 'plan.yaml', '--headless'], {cwd: repo});
		expect(paused.code, paused.stderr).toBe(4);
		expect(paused.stderr).toBe('');
		const hints = paused.stdout.split('\n').filter(l => l.includes('orchestrator resume'));
		expect(hints).toHaveLength(1);
		expect(hints[0]).toMatch(/gate of setup/);
		let session = currentPhase(repo).session;
		expect(session.status).toBe('gate');
		expect(session.gate).toMatchObject({kind: 'phase', phaseId: 'setup', status: 'waiting'});
		expect(session.steps.T003.status).toBe('pending');
		expect(git(repo, 'tag', '--list')).toBe('');

		// status is readable while paused
		const status = await runCli(['status', '--json'], {cwd: repo});
		expect(status.code).toBe(0);
		expect(JSON.parse(status.stdout)).toBeTruthy();

		const resumed = await runCli(['resume', '--headless', '--yes'], {cwd: repo});
		expect(resumed.code, resumed.stderr).toBe(0);
		session = currentPhase(repo).session;
		expect(session.status).toBe('done');
		expect(Object.values(session.steps).every((s: any) => s.status === 'done')).toBe(true);
		expect(git(repo, 'tag', '--list').split('\n').sort()).toEqual(['orchestrator/shop/core', 'orchestrator/shop/polish', 'orchestrator/shop/setup']);
		// every step ran once: one commit each
		const log = subjects(repo);
		for (const step of ['T001', 'T003', 'T004', 'T005']) expect(log.filter(s => s.includes(` ${step} `))).toHaveLength(1);

		// the same tree as a run that never paused
		const straight = repoWithPlan('three-phases.yaml');
		expect((await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: straight})).code).toBe(0);
		expect(treeSnapshot(repo)).toEqual(treeSnapshot(straight));
	});

	it('approve: false gates pass without --yes', async () => {
		const repo = repoWithPlan(`id: auto
title: Gates that need no person
phases:
  - id: one
    title: One
    steps:
      - {id: O1, title: one, run: echo 1 > one.txt}
    gate: {checks: ["test -f one.txt"], approve: false}
  - id: two
    title: Two
    steps:
      - {id: W1, title: two, run: echo 2 > two.txt}
    gate: {checks: ["test -f two.txt"], approve: false, tag: false}
`);
		const result = await runCli(['run', 'plan.yaml', '--headless'], {cwd: repo});
		expect(result.code, result.stderr).toBe(0);
		expect(currentPhase(repo).phases_completed).toEqual(['one', 'two']);
		expect(git(repo, 'tag', '--list')).toBe('orchestrator/auto/one');
	});
});
