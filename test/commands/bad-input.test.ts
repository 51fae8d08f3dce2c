// Bad input gets one clear line and loses nothing: each case checks the exit code, the single
// `orchestrator: …` line on stderr, and that the repository (files, HEAD, refs) did not change.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, memoryFile, runCli, tempDir} from '../helpers/repo.js';
import {allFiles, currentPhase, ensureBuilt, expectOneErrorLine, PLANS, repoWithPlan, startCli, waitFor} from '../engine/harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

/** Files, HEAD and every ref: what "nothing lost" means. */
function state(repo: string) {
	return {files: allFiles(repo), head: git(repo, 'rev-parse', 'HEAD'), refs: git(repo, 'for-each-ref', '--format=%(refname) %(objectname)'), status: git(repo, 'status', '--porcelain')};
}

async function expectRefused(repo: string, args: string[], code: number, pattern: RegExp, env?: Record<string, string>) {
	const before = state(repo);
	const result = await runCli(args, {cwd: repo, env});
	const line = expectOneErrorLine(result, code, pattern);
	expect(state(repo)).toEqual(before);
	return line;
}

describe('refused before anything runs', () => {
	it('not a git repository', async () => {
		const dir = tempDir();
		fs.copyFileSync(path.join(PLANS, 'three-phases.yaml'), path.join(dir, 'plan.yaml'));
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir, env: {GIT_CEILING_DIRECTORIES: path.dirname(dir)}});
		expectOneErrorLine(result, 2, /not a git repository/);
		expect(fs.readdirSync(dir)).toEqual(['plan.yaml']);
	});

	it('a dirty tree without --allow-dirty (exit 2)', async () => {
		const repo = repoWithPlan('three-phases.yaml');
		fs.appendFileSync(path.join(repo, 'README.md'), 'my unsaved work\n');
		fs.writeFileSync(path.join(repo, 'notes.txt'), 'untracked work\n');
		const line = await expectRefused(repo, ['run', 'plan.yaml', '--headless', '--yes'], 2, /uncommitted changes/);
		expect(line).toContain('--allow-dirty');
		expect(line).toContain('README.md');
	});

	it('a dirty tree with --allow-dirty is saved under the backup ref first', async () => {
		const repo = repoWithPlan('three-phases.yaml');
		fs.appendFileSync(path.join(repo, 'README.md'), 'my unsaved work\n');
		fs.writeFileSync(path.join(repo, 'notes.txt'), 'untracked work\n');
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--allow-dirty'], {cwd: repo});
		expect(result.code, result.stderr).toBe(0);
		const backup = 'refs/orchestrator/shop/backup';
		expect(git(repo, 'show', `${backup}:README.md`)).toBe('# test\nmy unsaved work');
		expect(git(repo, 'show', `${backup}:notes.txt`)).toBe('untracked work');
		expect(fs.readFileSync(memoryFile(repo, 'rollback-plan.md'), 'utf8')).toContain(backup);
		// and the work is still in the tree
		expect(fs.readFileSync(path.join(repo, 'notes.txt'), 'utf8')).toBe('untracked work\n');
	});

	it('a missing plan', async () => {
		const repo = repoWithPlan('three-phases.yaml');
		await expectRefused(repo, ['run', 'nope.yaml', '--headless', '--yes'], 2, /nope\.yaml.*not found/);
	});

	it('a plan path that is a directory', async () => {
		const repo = repoWithPlan('three-phases.yaml');
		fs.mkdirSync(path.join(repo, 'plans'));
		await expectRefused(repo, ['run', 'plans', '--headless', '--yes'], 2, /plans.*folder/);
	});

	it('malformed YAML names file, line and column', async () => {
		const repo = repoWithPlan('malformed.yaml');
		await expectRefused(repo, ['run', 'plan.yaml', '--headless', '--yes'], 2, /plan\.yaml:\d+:\d+: .*YAML/);
	});

	it('a plan of the wrong shape', async () => {
		const repo = repoWithPlan('wrong-shape.yaml');
		await expectRefused(repo, ['run', 'plan.yaml', '--headless', '--yes'], 2, /plan\.yaml:3:\d+: .*phases.*list/);
	});

	it('a dependency cycle prints the cycle', async () => {
		const repo = repoWithPlan('cycle.yaml');
		await expectRefused(repo, ['run', 'plan.yaml', '--headless', '--yes'], 2, /cycle: A1 → A2 → A1/);
	});

	it('an unknown agent', async () => {
		const repo = repoWithPlan('unknown-agent.yaml');
		await expectRefused(repo, ['run', 'plan.yaml', '--headless', '--yes'], 2, /plan\.yaml:7:39: error: .*"nobody-knows-me"/);
	});

	it('a preset CLI missing from PATH', async () => {
		const bin = tempDir('orch-bin-');
		for (const name of ['git', 'bash', 'node']) {
			const found = spawnSync('bash', ['-c', `command -v ${name}`], {encoding: 'utf8'}).stdout.trim();
			fs.symlinkSync(name === 'node' ? process.execPath : found, path.join(bin, name));
		}
		const repo = repoWithPlan('missing-preset.yaml');
		await expectRefused(repo, ['run', 'plan.yaml', '--headless', '--yes'], 2, /claude.*not found on PATH/, {PATH: bin});
	});

	it('an unknown option or command', async () => {
		const repo = repoWithPlan('three-phases.yaml');
		await expectRefused(repo, ['run', 'plan.yaml', '--bogus'], 2, /--bogus/);
		await expectRefused(repo, ['frobnicate'], 2, /unknown command/);
		await expectRefused(repo, ['run', 'plan.yaml', '--on-failure', 'explode'], 2, /--on-failure/);
	});
});

describe('a corrupt memory file on resume', () => {
	let paused: string;

	beforeAll(async () => {
		// Headless without --yes: the first gate pauses the session (exit 4).
		paused = repoWithPlan('three-phases.yaml');
		const result = await runCli(['run', 'plan.yaml', '--headless'], {cwd: paused});
		expect(result.code, result.stderr).toBe(4);
	});

	const cases: Array<[string, (text: string) => string]> = [
		['truncated', text => text.slice(0, Math.floor(text.length / 2))],
		['corrupt in the middle', text => text.replace('"phases_completed"', '"phases_completed" oops,')],
		['garbage', () => 'garbage\n\nmore garbage\n'],
		['valid JSON of another shape', () => '{"implementation_id": "shop"}\n'],
	];
	for (const [name, damage] of cases) {
		it(`${name}: exit 2, the file named and kept byte for byte`, async () => {
			const file = memoryFile(paused, 'current-phase.json');
			const good = fs.readFileSync(file, 'utf8');
			const bad = damage(good);
			fs.writeFileSync(file, bad);
			try {
				const before = state(paused);
				const result = await runCli(['resume', '--headless', '--yes'], {cwd: paused});
				expectOneErrorLine(result, 2, /current-phase\.json is corrupt/);
				expect(fs.readFileSync(file, 'utf8')).toBe(bad);
				expect(state(paused)).toEqual(before);
			} finally {
				fs.writeFileSync(file, good);
			}
		});
	}

	it('resume with a missing session says how to start one', async () => {
		const repo = repoWithPlan('three-phases.yaml');
		await expectRefused(repo, ['resume', '--headless', '--yes'], 2, /no session here.*orchestrator run/);
	});
});

describe('the session lock', () => {
	it('a second runner exits 3 while the first runs', async () => {
		const repo = repoWithPlan(`id: slow
title: A slow step
test: "true"
phases:
  - id: one
    title: One
    steps:
      - id: S1
        title: Sleep
        run: sleep 2 && echo done > slept.txt
`);
		const first = startCli(['run', 'plan.yaml', '--headless', '--yes'], repo);
		try {
			const started = await waitFor(() => first.output().stdout.includes('● S1'), 10_000);
			expect(started, first.output().stdout + first.output().stderr).toBe(true);
			const lockPid = Number.parseInt(fs.readFileSync(memoryFile(repo, 'lock'), 'utf8'), 10);
			expect(lockPid).toBe(first.child.pid);
			for (const args of [['run', 'plan.yaml', '--headless', '--yes'], ['resume', '--headless', '--yes']]) {
				const second = await runCli(args, {cwd: repo});
				expectOneErrorLine(second, 3, new RegExp(`another orchestrator \\(pid ${first.child.pid}\\)`));
			}
			const result = await first.done;
			expect(result.code, result.stderr).toBe(0);
			expect(fs.readFileSync(path.join(repo, 'slept.txt'), 'utf8')).toBe('done\n');
			expect(fs.existsSync(memoryFile(repo, 'lock'))).toBe(false);
		} finally {
			first.child.kill('SIGKILL');
		}
	});

	it('a stale lock from a dead pid is taken over', async () => {
		const repo = repoWithPlan('three-phases.yaml');
		const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'});
		const deadPid = Number(dead.stdout);
		fs.mkdirSync(path.dirname(memoryFile(repo, 'lock')), {recursive: true});
		fs.writeFileSync(memoryFile(repo, 'lock'), `${deadPid}\n`);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: repo});
		expect(result.code, result.stderr).toBe(0);
		expect(currentPhase(repo).session.status).toBe('done');
		expect(fs.existsSync(memoryFile(repo, 'lock'))).toBe(false);
	});
});
