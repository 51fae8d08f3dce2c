// The start of a step reaches the store once, when its agent exists: every store change is a
// frame of the full-screen UI, so "running" and the pid arrive together. A step whose agent
// cannot start still shows as started, then failed.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, tempDir} from '../helpers/repo.js';
import {headlessEngine, inProcessSession} from './in-process.js';

afterAll(() => cleanupTempDirs());

async function engineFor(planText: string) {
	const session = await inProcessSession(planText);
	return {store: session.store, engine: headlessEngine(session)};
}

describe('the start of a step in the store', () => {
	it('running, agent and pid arrive in one change; the step is never shown running without its agent process', async () => {
		const {store, engine} = await engineFor(`id: start
title: Start
phases:
  - id: one
    title: One
    steps:
      - {id: S1, title: First, run: "echo one > one.txt"}
      - {id: S2, title: Second, run: "echo two > two.txt"}
    gate: {approve: false}
`);
		const seen: Array<{step: string; pid: number | undefined; agent: string | undefined}> = [];
		const before = new Map<string, string>();
		store.subscribe(state => {
			for (const [id, step] of Object.entries(state.session?.steps ?? {})) {
				if (step.status === 'running' && before.get(id) !== 'running') seen.push({step: id, pid: step.pid, agent: step.preset});
				before.set(id, step.status);
			}
		});
		expect(await engine.run()).toBe(0);
		expect(seen.map(s => s.step)).toEqual(['S1', 'S2']);
		for (const s of seen) {
			expect(s.pid, `${s.step} shown running without a pid`).toEqual(expect.any(Number));
			expect(s.agent).toBe('shell');
		}
	});

	it('an agent that cannot start: the step shows its attempt and fails with one line', async () => {
		// On PATH and executable, so the phase starts; its interpreter is missing, so the spawn fails.
		const bin = tempDir('orch-ghost-');
		fs.writeFileSync(path.join(bin, 'ghost-agent'), '#!/nonexistent/interpreter\n', {mode: 0o755});
		const {store, engine} = await engineFor(`id: nostart
title: No start
agents:
  ghost: {command: ["${path.join(bin, 'ghost-agent')}", "{prompt}"]}
phases:
  - id: one
    title: One
    steps:
      - {id: S1, title: Ghost, agent: ghost, prompt: do it}
    gate: {approve: false}
`);
		expect(await engine.run()).toBe(1);
		const step = store.getState().session!.steps.S1;
		expect(step.status).toBe('failed');
		expect(step.attempts).toBe(1);
		expect(step.preset).toBe('command');
		expect(step.error).toMatch(/not found|ENOENT|cannot|no such/i);
		expect(store.getState().session!.running).toEqual([]);
	});
});
