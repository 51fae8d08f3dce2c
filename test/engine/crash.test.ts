// Crash consistency through the real binary: SIGKILL the orchestrator at moments spread over a
// 20-step run, resume, and compare with an uninterrupted run; no orphaned agents after a kill
// or Ctrl-C. The moments are fractions of the measured uninterrupted run: deterministic choices.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, memoryFile, runCli, tempDir, treeSnapshot} from '../helpers/repo.js';
import {currentPhase, ensureBuilt, events, killPidFile, pidAlive, repoWithPlan, sleep, startCli, subjects, waitFor} from './harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

const STEPS = 20;
const PHASES = 4;

/** 20 shell steps in 4 phases; each appends one line to its own file between two short sleeps (50 ms). */
function crashPlan(): string {
	const lines = ['id: crash', 'title: Twenty steps', 'test: "true"', 'phases:'];
	const perPhase = STEPS / PHASES;
	for (let p = 0; p < PHASES; p++) {
		lines.push(`  - id: phase-${p + 1}`, `    title: Phase ${p + 1}`, '    steps:');
		for (let s = 0; s < perPhase; s++) {
			const id = `T${String(p * perPhase + s + 1).padStart(3, '0')}`;
			lines.push(`      - id: ${id}`, `        title: Step ${id}`, `        run: mkdir -p out && sleep 0.02 && echo ${id} >> out/${id}.txt && sleep 0.03`, `        files: [out/${id}.txt]`);
		}
	}
	return lines.join('\n') + '\n';
}

const RUN = ['run', 'plan.yaml', '--headless', '--yes'];
const RESUME = ['resume', '--headless', '--yes'];

/** Every memory file parses; returns current-phase.json. */
function expectMemoryValid(repo: string): any {
	const cp = currentPhase(repo);
	JSON.parse(fs.readFileSync(memoryFile(repo, 'changes.json'), 'utf8'));
	for (const name of ['completed-changes.md', 'pending-changes.md', 'rollback-plan.md']) expect(fs.readFileSync(memoryFile(repo, name), 'utf8').length, name).toBeGreaterThan(0);
	expect(events(repo).length).toBeGreaterThan(0);
	return cp;
}

describe('SIGKILL at moments spread over a 20-step run', () => {
	it('resume always ends with the uninterrupted tree, no step committed twice, valid memory files', async () => {
		const plan = crashPlan();
		// Two of everything at once (a 2-core machine's worth): two uninterrupted runs give the
		// expected tree and the duration the kill moments are spread over, under the same load.
		const began = Date.now();
		const references = [repoWithPlan(plan), repoWithPlan(plan)];
		const straight = await Promise.all(references.map(cwd => runCli(RUN, {cwd})));
		const duration = Date.now() - began;
		for (const result of straight) expect(result.code, result.stderr).toBe(0);
		const expected = treeSnapshot(references[0]);
		expect(treeSnapshot(references[1])).toEqual(expected);
		expect(Object.keys(expected).filter(f => f.startsWith('out/'))).toHaveLength(STEPS);

		// 8 moments from 0.2 s to 90 % of the uninterrupted run.
		const moments = Array.from({length: 8}, (_, i) => Math.round(200 + (i * (duration * 0.9 - 200)) / 7));
		const scenario = async (at: number) => {
			const repo = repoWithPlan(plan);
			const first = startCli(RUN, repo);
			await sleep(at);
			first.child.kill('SIGKILL');
			const killed = await first.done;
			const runs: string[] = [`killed at ${at} ms (${killed.signal ?? `exit ${killed.code}`}) after ${subjects(repo).length - 1} commits`];
			let code: number | null = killed.code;
			for (let attempt = 0; attempt < 3 && code !== 0; attempt++) {
				// Killed before the session was recorded: nothing to resume, so start it again.
				const args = fs.existsSync(memoryFile(repo, 'current-phase.json')) ? RESUME : RUN;
				const next = await runCli(args, {cwd: repo});
				runs.push(`${args[0]} → ${next.code} ${next.stderr.trim()}`);
				code = next.code;
			}
			return {repo, at, code, runs};
		};
		const outcomes = [];
		for (let i = 0; i < moments.length; i += 2) outcomes.push(...(await Promise.all(moments.slice(i, i + 2).map(scenario))));

		for (const {repo, at, code, runs} of outcomes) {
			const why = `kill at ${at} ms: ${runs.join(' | ')}`;
			expect(code, why).toBe(0);
			expect(treeSnapshot(repo), why).toEqual(expected);
			const log = subjects(repo);
			for (let i = 1; i <= STEPS; i++) {
				const id = `T${String(i).padStart(3, '0')}`;
				expect(log.filter(s => s.startsWith(`orchestrator(crash): ${id} `)), `${why}: commits of ${id}`).toHaveLength(1);
			}
			const cp = expectMemoryValid(repo);
			expect(cp.session.status, why).toBe('done');
			expect(cp.phases_completed, why).toEqual(['phase-1', 'phase-2', 'phase-3', 'phase-4']);
			expect(git(repo, 'status', '--porcelain'), why).toBe('');
		}
		// The moments really fell inside the run (not all before the session existed). Usually 6
		// of 8 do; load from other test files can shift a few towards the start.
		const killedMidway = outcomes.filter(o => o.runs.length > 1 && o.runs[1].startsWith('resume'));
		expect(killedMidway.length, outcomes.map(o => o.runs.join(' | ')).join('\n')).toBeGreaterThanOrEqual(3);
	}, 120_000); // ~20 s alone on 2 cores; the margin is for a machine loaded by other test files
});

/** A step that records its pid outside the repository and hangs, the first time only. */
function hangingPlan(pidFile: string): string {
	return `id: orphan
title: A step that hangs once
test: "true"
phases:
  - id: one
    title: One
    steps:
      - {id: S1, title: first, run: echo one > one.txt}
      - id: S2
        title: hangs the first time
        run: if [ -e ${pidFile} ]; then echo second > two.txt; else echo $$ > ${pidFile}; echo started; sleep 30; echo late > two.txt; fi
      - {id: S3, title: last, run: echo three > three.txt}
`;
}

describe('no orphaned agents', () => {
	it('SIGKILL while an agent runs: resume stops the leftover group, then finishes', async () => {
		const pidFile = path.join(tempDir('orch-pid-'), 'agent.pid');
		const repo = repoWithPlan(hangingPlan(pidFile));
		try {
			const first = startCli(RUN, repo);
			expect(await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').endsWith('\n'), 10_000)).toBe(true);
			const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8'), 10);
			// Kill as soon as the agent works: the pid must already be on disk for resume.
			first.child.kill('SIGKILL');
			await first.done;
			expect(pidAlive(pid), 'the agent outlives a SIGKILLed orchestrator (own process group)').toBe(true);

			const resumed = await runCli(RESUME, {cwd: repo});
			expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
			expect(pidAlive(pid)).toBe(false);
			expect(resumed.stdout).toMatch(new RegExp(`stopped the leftover agent of S2 \\(pid ${pid}\\)`));
			await sleep(100);
			const tree = treeSnapshot(repo);
			expect(tree['two.txt']).toBe('second\n');
			expect(tree['three.txt']).toBe('three\n');
			expect(currentPhase(repo).session.status).toBe('done');
		} finally {
			killPidFile(pidFile);
		}
	});

	it('SIGINT: exit 130, no agent left alive, resume finishes the plan', async () => {
		const pidFile = path.join(tempDir('orch-pid-'), 'agent.pid');
		const repo = repoWithPlan(hangingPlan(pidFile));
		try {
			const first = startCli(RUN, repo);
			expect(await waitFor(() => first.output().stdout.includes('S2 │ started'), 10_000), first.output().stdout).toBe(true);
			const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8'), 10);
			expect(pidAlive(pid)).toBe(true);
			first.child.kill('SIGINT');
			const interrupted = await first.done;
			expect(interrupted.code, interrupted.stderr).toBe(130);
			expect(pidAlive(pid)).toBe(false);
			expect(interrupted.stdout).toMatch(/interrupted/);
			expect(currentPhase(repo).session.status).toBe('interrupted');
			expect(fs.existsSync(memoryFile(repo, 'lock'))).toBe(false);

			const resumed = await runCli(RESUME, {cwd: repo});
			expect(resumed.code, resumed.stderr).toBe(0);
			expect(treeSnapshot(repo)['two.txt']).toBe('second\n');
			expect(currentPhase(repo).session.status).toBe('done');
			expect(subjects(repo).filter(s => s.includes(' S2 '))).toHaveLength(1);
		} finally {
			killPidFile(pidFile);
		}
	});
});

describe('a stale .git/index.lock left by a killed git', () => {
	it('run removes it (no git process of the repository is alive) and proceeds', async () => {
		const repo = repoWithPlan('three-phases.yaml');
		fs.writeFileSync(path.join(repo, '.git/index.lock'), '');
		const result = await runCli(RUN, {cwd: repo});
		expect(result.code, result.stderr).toBe(0);
		expect(fs.existsSync(path.join(repo, '.git/index.lock'))).toBe(false);
		expect(currentPhase(repo).session.status).toBe('done');
	});

	it('resume removes it and says so', async () => {
		const repo = repoWithPlan('three-phases.yaml');
		expect((await runCli(['run', 'plan.yaml', '--headless'], {cwd: repo})).code).toBe(4);
		fs.writeFileSync(path.join(repo, '.git/index.lock'), '');
		const result = await runCli(RESUME, {cwd: repo});
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain('removed a stale .git/index.lock');
		expect(fs.existsSync(path.join(repo, '.git/index.lock'))).toBe(false);
	});
});
