// `tail` without a terminal: the session's events as `run --headless` prints them, agent output
// included (from the events, as the UI showed it), escape sequences removed; --json as JSON lines.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, runCli} from '../helpers/repo.js';
import {ensureBuilt, repoWithPlan, startCli, waitFor} from '../engine/harness.js';
import fs from 'node:fs';
import path from 'node:path';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

const PLAN = `id: tailed
title: Tailed
phases:
  - id: one
    title: One
    steps:
      - {id: S1, title: Greet, run: "echo hello from S1; printf '\\\\033[31mred\\\\033[0m \\\\033]0;title\\\\007text\\\\n'"}
      - {id: S2, title: Write, run: "echo two > two.txt; echo wrote two"}
    gate: {checks: ["true"]}
`;

describe('tail in line mode', () => {
	it("replays a finished session: events, the agents' output, plain text", async () => {
		const repo = repoWithPlan(PLAN);
		const run = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: repo});
		expect(run.code, run.stderr).toBe(0);

		const tail = await runCli(['tail'], {cwd: repo});
		expect(tail.code, tail.stderr).toBe(0);
		const lines = tail.stdout.split('\n');
		expect(lines[0]).toMatch(/^▶ session tailed · Tailed/);
		expect(lines).toContain('    S1 │ hello from S1');
		expect(lines).toContain('    S1 │ red text');
		expect(lines).toContain('    S2 │ wrote two');
		expect(tail.stdout.indexOf('● S1')).toBeLessThan(tail.stdout.indexOf('    S1 │ hello from S1'));
		expect(tail.stdout.indexOf('    S1 │ hello from S1')).toBeLessThan(tail.stdout.indexOf('✓ S1'));
		expect(tail.stdout).not.toContain('\x1b');
		expect(tail.stdout).not.toContain('\x07');

		const json = await runCli(['tail', '--json'], {cwd: repo});
		expect(json.code, json.stderr).toBe(0);
		const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
		expect(events[0].type).toBe('session_started');
		expect(events).toContainEqual(expect.objectContaining({type: 'output', step: 'S2', line: 'wrote two'}));
		expect(events.at(-1).type).toBe('session_finished');
	});

	it('follows a running session: output written after tail started, then the end', async () => {
		const repo = repoWithPlan(`id: live
title: Live
phases:
  - id: one
    title: One
    steps:
      - {id: S1, title: Slow, run: "echo first; sleep 1.5; echo second"}
    gate: {checks: ["true"]}
`);
		const run = startCli(['run', 'plan.yaml', '--headless', '--yes'], repo);
		const events = path.join(repo, '.specify/agents/context/implementation/events.jsonl');
		expect(await waitFor(() => fs.existsSync(events) && fs.readFileSync(events, 'utf8').includes('"step_started"'), 10_000)).toBe(true);
		const tail = await runCli(['tail'], {cwd: repo});
		expect((await run.done).code).toBe(0);
		expect(tail.code, tail.stderr).toBe(0);
		const lines = tail.stdout.split('\n');
		expect(lines).toContain('    S1 │ first');
		expect(lines).toContain('    S1 │ second');
		expect(lines.at(-2)).toBe('✓ done');
	});
});
