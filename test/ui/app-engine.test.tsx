// The app against a real store fed by a real engine run: a real repository, real shell
// steps, keys through stdin, frames through lastFrame. Approve, retry, skip and roll back
// with their confirmations, and quit.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import {act} from 'react';
import {Engine} from '../../source/engine/engine.js';
import {startViewService} from '../../source/engine/view-service.js';
import {cleanupTempDirs, git, tempDir} from '../helpers/repo.js';
import {inProcessSession} from '../engine/in-process.js';
import {renderApp, tick} from './helpers.js';

// The engine updates the store on its own schedule (real processes), like in the product;
// act() cannot wrap that, so React's act environment warnings are off for this file.
(globalThis as {IS_REACT_ACT_ENVIRONMENT?: boolean}).IS_REACT_ACT_ENVIRONMENT = false;

afterAll(() => cleanupTempDirs());

async function until(screen: {frame(): string}, predicate: (frame: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
	const end = Date.now() + timeoutMs;
	while (Date.now() < end) {
		const frame = screen.frame();
		if (predicate(frame)) return frame;
		await act(async () => {
			await tick(50);
		});
	}
	throw new Error(`timed out waiting for ${what}:\n${screen.frame()}`);
}

describe('App driven by a real engine', () => {
	test('approve, retry a failed step, skip with y/n, roll back with y/n, quit', async () => {
		const mark = path.join(tempDir(), 'attempted');
		const {repo, gitRepo, paths, plan, store, events} = await inProcessSession(`id: live
title: Live engine
phases:
  - id: one
    title: Phase one
    steps:
      - {id: S1, title: Write a, run: "echo writing a; echo a > a.txt", files: [a.txt]}
    gate: {checks: ["test -f a.txt"]}
  - id: two
    title: Phase two
    steps:
      - {id: S2, title: Flaky step, run: "if [ ! -f ${mark} ]; then touch ${mark}; echo first try fails; exit 3; fi; echo b > b.txt", files: [b.txt]}
      - {id: S3, title: Broken step, run: "echo cannot do it; exit 4"}
    gate: {checks: ["test -f b.txt"]}
`);
		const stopViews = startViewService(store, gitRepo, paths);
		const engine = new Engine({repo: gitRepo, plan, store, events, paths, interactive: true, yes: false, onFailure: 'stop', maxParallel: 1, liveDiffMs: 200});
		const screen = await renderApp(store, {columns: 120, rows: 40});
		const done = engine.run();

		// Phase one's gate waits; a approves and tags it.
		let frame = await until(screen, f => f.includes('[a] approve'), 'the first gate');
		expect(frame).toContain('Phase one');
		expect(frame).toContain('writing a');
		await screen.press('a');
		frame = await until(screen, f => f.includes('first try fails') && f.includes('[r] retry'), 'the failure of S2');
		expect(git(repo, 'tag', '--list')).toContain('orchestrator/live/one');
		expect(frame).toMatch(/S2 failed/);

		// r retries S2, which now succeeds; S3 fails for good.
		await screen.press('r');
		frame = await until(screen, f => f.includes('cannot do it') && f.includes('[s] skip'), 'the failure of S3');
		expect(store.getState().session!.steps.S2.status).toBe('done');

		// s asks; n keeps the gate; s then y skips.
		await screen.press('s');
		await until(screen, f => f.includes('[y] yes'), 'the skip question');
		await screen.press('n');
		await until(screen, f => !f.includes('[y] yes') && f.includes('[s] skip'), 'the failure gate again');
		expect(store.getState().session!.steps.S3.status).toBe('failed');
		await screen.press('s');
		await until(screen, f => f.includes('[y] yes'), 'the skip question');
		await screen.press('y');

		// Phase two's gate: b then y rolls back to the phase's start (phase one's tag).
		frame = await until(screen, f => f.includes('Phase two') && f.includes('[a] approve'), 'the second gate');
		expect(store.getState().session!.steps.S3.status).toBe('skipped');
		await screen.press('b');
		frame = await until(screen, f => f.includes('[y] yes'), 'the rollback question');
		expect(frame).toContain('one');
		await screen.press('y');
		const tagged = git(repo, 'rev-parse', 'orchestrator/live/one^{commit}');
		const end = Date.now() + 10_000;
		while (git(repo, 'rev-parse', 'HEAD') !== tagged && Date.now() < end) {
			await act(async () => {
				await tick(50);
			});
		}
		expect(git(repo, 'rev-parse', 'HEAD')).toBe(tagged);
		expect(fs.existsSync(path.join(repo, 'b.txt'))).toBe(false);
		await until(screen, f => f.includes('↺'), 'rolled-back steps on the board');
		expect(store.getState().session!.steps.S2.status).toBe('rolled_back');

		// q leaves; the engine saves and ends.
		await screen.press('q');
		const code = await done;
		expect([4, 130]).toContain(code);
		expect(store.getState().quitRequested).toBe('quit');
		stopViews();
		screen.unmount();
		const saved = JSON.parse(fs.readFileSync(paths.currentPhase, 'utf8'));
		expect(saved.phases_completed).toEqual(['one']);
	}, 60_000);
});
