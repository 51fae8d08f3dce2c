// Before each phase the engine confirms that the phase's agents can still be started: a CLI
// that disappeared after validation stops the session with one clear line, nothing lost.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, makeRepo, runCli, tempDir, writeFiles} from '../helpers/repo.js';
import {currentPhase, ensureBuilt, expectOneErrorLine} from './harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

describe('phase start', () => {
	it('an agent executable removed during phase one stops the run before phase two, with one line', async () => {
		const bin = tempDir();
		const tool = path.join(bin, 'tool');
		fs.writeFileSync(tool, '#!/bin/sh\necho tool ran > tool.txt\n', {mode: 0o755});
		const repo = makeRepo();
		writeFiles(repo, {
			'plan.yaml': `id: vanish
title: Vanishing tool
agents:
  tool: {command: ["${tool}", "{step}"]}
phases:
  - id: one
    title: One
    steps:
      - {id: S1, title: Remove the tool, run: "rm ${tool} && echo removed > removed.txt"}
    gate: {checks: ["true"]}
  - id: two
    title: Two
    steps:
      - {id: S2, title: Use the tool, agent: tool, prompt: use it}
    gate: {checks: ["true"]}
`,
		});
		git(repo, 'add', '-A');
		git(repo, 'commit', '-q', '-m', 'plan');
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: repo});
		const line = expectOneErrorLine(result, 2, /phase two cannot start/);
		expect(line).toContain(tool);
		const session = currentPhase(repo).session;
		expect(session.steps.S1.status).toBe('done');
		expect(session.steps.S2.status).toBe('pending');
		expect(session.phases[0].status).toBe('approved');
		expect(git(repo, 'tag', '--list')).toContain('orchestrator/vanish/one');
	});
});
