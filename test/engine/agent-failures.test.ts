// Agents that misbehave, through the real binary: non-zero exit (stop / rollback), silent
// hangs (stall_timeout), timeouts, floods, invalid UTF-8 and terminal escape sequences.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, memoryFile, ROOT, runCli, treeSnapshot} from '../helpers/repo.js';
import {currentPhase, ensureBuilt, killPidFile, pidAlive, repoWithPlan, stepCommit} from './harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

const AGENTS = path.join(ROOT, 'test/fixtures/agents');

/** One phase: S1 succeeds, S2 runs `bad`, S3 must never run. */
function planWith(bad: string, extra = ''): string {
	return `id: bad
title: A misbehaving agent
test: "true"
phases:
  - id: one
    title: One
    steps:
      - id: S1
        title: good
        run: echo one > one.txt
      - id: S2
        title: misbehaves
        run: ${JSON.stringify(bad)}
${extra}
      - id: S3
        title: never runs
        run: echo three > three.txt
`;
}

const PARTIAL = 'echo partial > partial.txt && echo more >> one.txt && exit 3';

describe('an agent that exits non-zero', () => {
	it('headless default stop: exit 1, the step failed, its partial work left in the tree', async () => {
		const repo = repoWithPlan(planWith(PARTIAL));
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: repo});
		expect(result.code, result.stderr).toBe(1);
		expect(result.stdout).toMatch(/✗ S2 failed: .*3/);
		const steps = currentPhase(repo).session.steps;
		expect(steps.S1.status).toBe('done');
		expect(steps.S2).toMatchObject({status: 'failed', exitCode: 3});
		expect(steps.S3.status).toBe('pending');
		expect(currentPhase(repo).session.status).toBe('stopped');
		expect(fs.readFileSync(path.join(repo, 'one.txt'), 'utf8')).toBe('one\nmore\n');
		expect(fs.readFileSync(path.join(repo, 'partial.txt'), 'utf8')).toBe('partial\n');
		expect(fs.existsSync(path.join(repo, 'three.txt'))).toBe(false);
		expect(git(repo, 'log', '--format=%s')).not.toContain('S2');
	});

	it('--on-failure rollback: exit 1, the tree equals the last checkpoint, the partial work kept under a ref', async () => {
		const repo = repoWithPlan(planWith(PARTIAL));
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--on-failure', 'rollback'], {cwd: repo});
		expect(result.code, result.stderr).toBe(1);
		const s1 = stepCommit(repo, 'S1');
		expect(git(repo, 'rev-parse', 'HEAD')).toBe(s1);
		expect(git(repo, 'status', '--porcelain')).toBe('');
		expect(treeSnapshot(repo)).toEqual(snapshotOf(repo, s1));
		const saved = 'refs/orchestrator/bad/before-rollback-1';
		expect(git(repo, 'show', `${saved}:partial.txt`)).toBe('partial');
		expect(git(repo, 'show', `${saved}:one.txt`)).toBe('one\nmore');
		expect(fs.readFileSync(memoryFile(repo, 'rollback-plan.md'), 'utf8')).toContain(saved);
		const session = currentPhase(repo).session;
		expect(session.steps.S1.status).toBe('done');
		expect(session.steps.S2.status).not.toBe('done');
	});
});

/** The committed tree of a commit, as treeSnapshot sees a working tree. */
function snapshotOf(repo: string, commit: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const file of git(repo, 'ls-tree', '-r', '--name-only', commit).split('\n').filter(Boolean).sort()) {
		out[file] = git(repo, 'cat-file', 'blob', `${commit}:${file}`) + '\n';
	}
	return out;
}

describe('an agent that hangs or runs too long', () => {
	it('stall_timeout: 1 stops a silent agent within seconds, with one line, and kills its group', async () => {
		const repo = repoWithPlan(planWith('echo $$ > hang.pid; sleep 60', '        stall_timeout: 1'));
		const began = Date.now();
		try {
			const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: repo});
			expect(Date.now() - began).toBeLessThan(8000);
			expect(result.code, result.stderr).toBe(1);
			const failures = result.stdout.split('\n').filter(l => l.includes('✗ S2'));
			expect(failures).toHaveLength(1);
			expect(failures[0]).toMatch(/no output for 1s/);
			expect(currentPhase(repo).session.steps.S2.status).toBe('failed');
			const pid = Number(fs.readFileSync(path.join(repo, 'hang.pid'), 'utf8'));
			expect(pidAlive(pid)).toBe(false);
		} finally {
			killPidFile(path.join(repo, 'hang.pid'));
		}
	});

	it('timeout stops an agent that keeps printing', async () => {
		const repo = repoWithPlan(planWith('echo $$ > busy.pid; while true; do echo tick; sleep 0.1; done', '        timeout: 1'));
		const began = Date.now();
		try {
			const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: repo});
			expect(Date.now() - began).toBeLessThan(8000);
			expect(result.code, result.stderr).toBe(1);
			expect(result.stdout).toMatch(/✗ S2 failed: .*timed out after 1s/);
			expect(pidAlive(Number(fs.readFileSync(path.join(repo, 'busy.pid'), 'utf8')))).toBe(false);
		} finally {
			killPidFile(path.join(repo, 'busy.pid'));
		}
	});
});

describe('an agent that floods or prints hostile bytes', () => {
	it('200,000 lines: the step completes and the log has every line', async () => {
		const repo = repoWithPlan(planWith(`node ${path.join(AGENTS, 'flood.mjs')} 200000 && echo flooded > flood.txt`));
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: repo, timeoutMs: 60_000});
		expect(result.code, result.stderr).toBe(0);
		expect(currentPhase(repo).session.steps.S2.status).toBe('done');
		const log = fs.readFileSync(memoryFile(repo, 'logs/S2.log'), 'utf8');
		const lines = log.split(/\r?\n/).filter(l => /^line \d+$/.test(l));
		expect(lines).toHaveLength(200_000);
		expect(lines[0]).toBe('line 1');
		expect(lines.at(-1)).toBe('line 200000');
		expect(fs.readFileSync(path.join(repo, 'flood.txt'), 'utf8')).toBe('flooded\n');
	}, 60_000);

	it('invalid UTF-8 and escape sequences: the log keeps the raw bytes, the headless output has no ESC', async () => {
		const repo = repoWithPlan(planWith(`node ${path.join(AGENTS, 'hostile-output.mjs')}`));
		for (const json of [false, true]) {
			const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--fresh', ...(json ? ['--json'] : [])], {cwd: repo});
			expect(result.code, result.stderr).toBe(0);
			expect(result.stdout).not.toContain('\x1b');
			expect(result.stdout).not.toContain('\x07');
			expect(result.stdout).toContain(json ? 'cleared' : 'S2 │ cleared');
			expect(result.stdout).toContain('café 中文 ok');
			if (json) for (const line of result.stdout.split('\n').filter(Boolean)) JSON.parse(line);
		}
		const raw = fs.readFileSync(memoryFile(repo, 'logs/S2.log'));
		expect(raw.includes(Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff, 0xfe, 0x20, 0xc3, 0x28]))).toBe(true);
		expect(raw.includes(Buffer.from('\x1b]52;c;ZWNobyBoYWNrZWQ=\x07clip'))).toBe(true);
		expect(raw.includes(Buffer.from('\x1b[2J\x1b[Hcleared'))).toBe(true);
	});
});
