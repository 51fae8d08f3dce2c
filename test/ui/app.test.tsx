import './force-color.js';
import {act} from 'react';
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {sanitizeLine} from '../../source/agents/sanitize.js';
import {KEYMAP} from '../../source/ui/keymap.js';
import {finishSteps, KEYS, makePlan, openGate, renderApp, samplePlan, startStep, storeFor} from './helpers.js';

afterEach(async () => {
	await act(async () => {
		cleanup();
	});
});

describe('board and header', () => {
	test('phases with done/total, steps with icons, agent, durations; header with phase n/N, ETA and badge', async () => {
		const store = storeFor(samplePlan());
		finishSteps(store, ['T001', 'T002', 'T003']);
		store.getState().patchPhase('setup', {status: 'approved'});
		store.getState().patchSession({currentPhase: 'core'});
		store.getState().patchPhase('core', {status: 'running'});
		finishSteps(store, ['T004'], 41_000);
		store.getState().patchStep('T005', {status: 'failed', durationMs: 5000, finishedAt: new Date().toISOString()});
		store.getState().patchStep('T007', {status: 'skipped'});
		store.getState().patchStep('T008', {status: 'rolled_back'});
		startStep(store, 'T006');
		const screen = await renderApp(store);
		const frame = screen.frame();
		expect(frame).toContain('orchestrator · user-export · Add user export');
		expect(frame).toContain('phase 2/4 Core Implementation');
		expect(frame).toMatch(/~\d\d:\d\d left/);
		expect(frame).toMatch(/ running\s*$/m);
		expect(frame).toMatch(/✓ Setup\s+3\/3/);
		expect(frame).toMatch(/● Core Implementation\s+1\/3/);
		expect(frame).toMatch(/○ Testing\s+1\/2/);
		expect(frame).toMatch(/✓ T004 User model\s+00:41/);
		expect(frame).toMatch(/○ T009 Docs · code-writer/);
		expect(frame).toMatch(/✗ T005 Export service/);
		expect(frame).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] T006 Export endpoint/);
		expect(frame).toMatch(/↷ T007 Contract tests/);
		expect(frame).toMatch(/↺ T008 Integration tests/);
		expect(frame).toMatch(/○ T009 Docs/);
		// The running step is shown by default and marked on the board.
		expect(frame).toMatch(/▸\s+\S T006/);
		expect(frame).toMatch(/Output · T006 code-writer \(claude\) · running 00:1\d/);
		// 120×40: the root is 39 rows high (rows − 1), every row at most 120 columns.
		const lines = frame.split('\n');
		expect(lines.length).toBe(39);
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(120);
	});

	test('a 500-step plan renders only what fits and scrolls to the last step with G', async () => {
		const steps = Array.from({length: 500}, (_, i) => ({id: `S${String(i + 1).padStart(3, '0')}`, title: `step number ${i + 1}`}));
		const plan = makePlan([
			{id: 'one', title: 'One', steps: steps.slice(0, 250)},
			{id: 'two', title: 'Two', steps: steps.slice(250)},
		]);
		const store = storeFor(plan);
		const started = performance.now();
		const screen = await renderApp(store);
		expect(screen.frame()).toContain('S001 step number 1');
		expect(screen.frame()).not.toContain('S500');
		await screen.press('G');
		const frame = screen.frame();
		expect(frame).toMatch(/▸\s+○ S500 step number 500/);
		expect(frame).not.toContain('S001 step number 1 ');
		expect(frame).toContain('502/502');
		await screen.press('g');
		expect(screen.frame()).toMatch(/▸\s+○ S001 step number 1/);
		await screen.press(KEYS.pageDown);
		expect(screen.frame()).not.toMatch(/▸\s+○ S001 /);
		// Visible rows only: a handful of frames for 500 steps stays well under a second each.
		expect(performance.now() - started).toBeLessThan(5000);
	});

	test('j/k move the cursor over steps; enter pins a step, esc follows the running one again', async () => {
		const store = storeFor(samplePlan());
		finishSteps(store, ['T001']);
		store.getState().appendOutput(new Map([['T001', ['output of one']], ['T002', ['output of two']]]));
		startStep(store, 'T002');
		const screen = await renderApp(store);
		expect(screen.frame()).toContain('output of two');
		await screen.press('k');
		expect(screen.frame()).toMatch(/▸\s+✓ T001/);
		// Moving the cursor alone does not change what is shown.
		expect(screen.frame()).toContain('output of two');
		await screen.press(KEYS.enter);
		expect(screen.frame()).toContain('Output · T001');
		expect(screen.frame()).toContain('output of one');
		expect(screen.frame()).toContain('pinned T001');
		await screen.press(KEYS.esc);
		expect(screen.frame()).toContain('Output · T002');
	});
});

describe('decision keys', () => {
	test('a at a gate decides approve; keys the gate does not offer do nothing', async () => {
		const store = storeFor(samplePlan());
		finishSteps(store, ['T001', 'T002', 'T003']);
		openGate(store, {options: ['approve', 'retry', 'rollback']});
		const screen = await renderApp(store);
		expect(screen.frame()).toContain('[a] approve');
		expect(screen.frame()).not.toContain('[f] fix forward');
		await screen.press('f');
		expect(store.getState().decision).toBeNull();
		await screen.press('a');
		expect(store.getState().decision?.value).toBe('approve');
	});

	test('no decisions before the gate waits (checks running)', async () => {
		const store = storeFor(samplePlan());
		openGate(store, {status: 'checking'});
		const screen = await renderApp(store);
		expect(screen.frame()).toContain('running checks…');
		await screen.press('a');
		expect(store.getState().decision).toBeNull();
	});

	test('b asks first: n and esc do nothing, y decides rollback', async () => {
		const store = storeFor(samplePlan());
		store.getState().patchSession({checkpoints: [{name: 'T003', kind: 'step', commit: 'abcdef1234567890', time: new Date().toISOString()}]});
		openGate(store);
		const screen = await renderApp(store);
		await screen.press('b');
		expect(screen.frame()).toContain('Roll back to checkpoint T003 (abcdef1234)?');
		expect(screen.frame()).toContain('[y] yes');
		await screen.press('n');
		expect(screen.frame()).not.toContain('Roll back to');
		expect(store.getState().decision).toBeNull();
		await screen.press('b');
		await screen.press(KEYS.esc);
		expect(store.getState().decision).toBeNull();
		// While the question is open other keys are ignored.
		await screen.press('b', 'a');
		expect(store.getState().decision).toBeNull();
		await screen.press('y');
		expect(store.getState().decision?.value).toBe('rollback');
		expect(screen.frame()).not.toContain('Roll back to');
	});

	test('s on a failed step asks, then decides skip', async () => {
		const store = storeFor(samplePlan());
		store.getState().patchStep('T002', {status: 'failed', error: 'exit 1', finishedAt: new Date().toISOString()});
		openGate(store, {kind: 'failure', stepId: 'T002', message: 'T002 exited 1', options: ['retry', 'fix', 'skip', 'rollback', 'quit']});
		store.getState().patchSession({status: 'failed'});
		const screen = await renderApp(store);
		expect(screen.frame()).toContain('FAILED T002 Install csv writer · T002 exited 1');
		expect(screen.frame()).toMatch(/ failed\s*$/m);
		await screen.press('s');
		expect(screen.frame()).toContain('Skip T002?');
		expect(store.getState().decision).toBeNull();
		await screen.press('y');
		expect(store.getState().decision?.value).toBe('skip');
	});

	test('r retries and f fixes forward when offered', async () => {
		const store = storeFor(samplePlan());
		openGate(store, {kind: 'failure', stepId: 'T001', options: ['retry', 'fix']});
		const screen = await renderApp(store);
		await screen.press('r');
		expect(store.getState().decision?.value).toBe('retry');
		await screen.press('f');
		expect(store.getState().decision?.value).toBe('fix');
	});

	test('p toggles the pause request', async () => {
		const store = storeFor(samplePlan());
		startStep(store, 'T001');
		const screen = await renderApp(store);
		await screen.press('p');
		expect(store.getState().session?.pauseRequested).toBe(true);
		expect(screen.frame()).toContain('pausing after this step');
		expect(screen.frame()).toContain('[p] continue');
		await screen.press('p');
		expect(store.getState().session?.pauseRequested).toBe(false);
	});
});

describe('leaving', () => {
	test('q while an agent runs asks first; n stays, y requests quit', async () => {
		const store = storeFor(samplePlan());
		startStep(store, 'T001');
		const screen = await renderApp(store);
		await screen.press('q');
		expect(screen.frame()).toContain('An agent is running. Quit now?');
		expect(store.getState().quitRequested).toBeNull();
		await screen.press('n');
		expect(store.getState().quitRequested).toBeNull();
		await screen.press('q', 'y');
		expect(store.getState().quitRequested).toBe('quit');
	});

	test('q with nothing running quits at once', async () => {
		const store = storeFor(samplePlan());
		openGate(store);
		const screen = await renderApp(store);
		await screen.press('q');
		expect(store.getState().quitRequested).toBe('quit');
	});

	test('Ctrl-C interrupts at once, even with a question open', async () => {
		const store = storeFor(samplePlan());
		startStep(store, 'T001');
		const screen = await renderApp(store);
		await screen.press('q');
		await screen.press(KEYS.ctrlC);
		expect(store.getState().quitRequested).toBe('interrupt');
	});
});

describe('read-only (tail)', () => {
	test('offers and handles no decision keys and no pause; q leaves at once', async () => {
		const store = storeFor(samplePlan(), {readOnly: true});
		startStep(store, 'T001');
		openGate(store);
		store.getState().patchSession({running: ['T001']});
		const screen = await renderApp(store);
		const frame = screen.frame();
		expect(frame).toContain('read-only');
		expect(frame).not.toMatch(/\[a\] approve|\[r\] retry|\[b\] roll back|\[f\] fix forward|\[p\] pause/);
		await screen.press('a', 'b', 'y', 'p');
		expect(store.getState().decision).toBeNull();
		expect(store.getState().session?.pauseRequested).toBe(false);
		await screen.press('?');
		expect(screen.frame()).not.toContain('approve the open gate');
		expect(screen.frame()).toContain('Help · read-only view');
		await screen.press('q');
		expect(store.getState().quitRequested).toBe('quit');
	});
});

describe('frames while an agent floods its output', () => {
	/** Lets `ms` pass in steps, each its own act() (one act batches every update into one frame). */
	async function pass(ms: number) {
		for (let t = 0; t < ms; t += 50) {
			await act(async () => {
				await new Promise((resolve) => setTimeout(resolve, 50));
			});
		}
	}

	test('the flood flag draws no frame of its own, and the clock ticks once a second, not four times', async () => {
		const store = storeFor(samplePlan());
		startStep(store, 'T001');
		const screen = await renderApp(store);
		const count = () => screen.frames.length;
		// Running: the spinner ticks every 250 ms.
		let before = count();
		await pass(1000);
		expect(count() - before).toBeGreaterThanOrEqual(3);
		before = count();
		await act(async () => {
			store.getState().setFlooding(true);
		});
		await pass(50);
		expect(count(), 'a frame for the flood flag').toBe(before);
		await pass(1500);
		expect(count() - before).toBeLessThanOrEqual(2);
		await act(async () => {
			store.getState().setFlooding(false);
		});
		before = count();
		await pass(1000);
		expect(count() - before).toBeGreaterThanOrEqual(3);
	});
});

describe('output safety and sizes', () => {
	test('escape sequences in output lines are inert', async () => {
		const store = storeFor(samplePlan());
		startStep(store, 'T001');
		const raw = '\x1b[2J\x1b]0;title\x07\x1b[31mdanger\x1b[0m after\x1b[H';
		store.getState().appendOutput(new Map([['T001', [sanitizeLine(raw)]]]));
		const screen = await renderApp(store);
		const rawFrame = screen.lastFrame() ?? '';
		expect(screen.frame()).toContain('danger after');
		expect(rawFrame).not.toContain('\x1b[2J');
		expect(rawFrame).not.toContain('\x1b]0;');
		expect(rawFrame).not.toContain('title');
		expect(rawFrame).not.toContain('\x1b[H');
	});

	test('follows resizes: 80×24 and 60×15 still render, 50×10 shows the too-small line', async () => {
		const store = storeFor(samplePlan());
		finishSteps(store, ['T001']);
		openGate(store, {report: {phaseId: 'setup', files: [], checks: [{command: 'npm test', ok: true, exitCode: 0, durationMs: 1000, tail: [], summary: '12 passed'}], durationMs: 60_000, steps: 3, warnings: []}});
		const screen = await renderApp(store);
		for (const size of [{columns: 80, rows: 24}, {columns: 60, rows: 15}]) {
			await screen.resize(size);
			const lines = screen.frame().split('\n');
			expect(lines.length).toBe(size.rows - 1);
			for (const line of lines) expect(line.length).toBeLessThanOrEqual(size.columns);
			expect(screen.frame()).toContain('Phases');
			expect(screen.frame()).toContain('GATE Setup');
			expect(screen.frame()).toContain('[a] approve');
		}
		await screen.resize({columns: 50, rows: 10});
		expect(screen.frame().trim()).toBe('terminal too small (50×10) — need 60×15');
		// Keys still work on the small screen.
		await screen.press('a');
		expect(store.getState().decision?.value).toBe('approve');
		await screen.resize({columns: 120, rows: 40});
		expect(screen.frame()).toContain('Phases');
	});
});

describe('help', () => {
	test('? lists every key of the key table; ? closes it', async () => {
		const store = storeFor(samplePlan());
		const screen = await renderApp(store);
		await screen.press('?');
		const frame = screen.frame();
		for (const binding of KEYMAP) {
			expect(frame).toContain(binding.label);
			expect(frame).toContain(binding.help.slice(0, 30));
		}
		await screen.press('?');
		expect(screen.frame()).not.toContain('Help ·');
	});
});
