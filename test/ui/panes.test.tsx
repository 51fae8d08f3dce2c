import './force-color.js';
import {act} from 'react';
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {patchKey} from '../../source/store/store.js';
import {finishSteps, KEYS, openGate, renderApp, samplePlan, startStep, storeFor} from './helpers.js';

afterEach(async () => {
	await act(async () => {
		cleanup();
	});
});

const lines = (n: number, prefix = 'line') => Array.from({length: n}, (_, i) => `${prefix} ${i + 1}`);

describe('output pane', () => {
	test('asks the view service once for output it does not have, and shows loading… until it comes', async () => {
		const store = storeFor(samplePlan());
		finishSteps(store, ['T001']);
		const screen = await renderApp(store);
		expect(screen.frame()).toContain('Output · T001 code-writer (claude) · done 00:20');
		expect(screen.frame()).toContain('loading…');
		expect(store.getState().outputRequest?.stepId).toBe('T001');
		const seq = store.getState().outputRequest?.seq;
		// Unrelated store changes do not repeat the request.
		await screen.update(() => store.getState().setNotice('hello'));
		expect(store.getState().outputRequest?.seq).toBe(seq);
		await screen.update(() => store.getState().resetOutput('T001', ['from the log'], 1));
		expect(screen.frame()).toContain('from the log');
		expect(screen.frame()).not.toContain('loading…');
	});

	test('follows the end of the output unless scrolled up; G follows again', async () => {
		const store = storeFor(samplePlan());
		startStep(store, 'T001');
		store.getState().appendOutput(new Map([['T001', lines(100)]]));
		const screen = await renderApp(store);
		expect(screen.frame()).toMatch(/line 100\b/);
		await screen.press(KEYS.tab);
		await screen.press('k', 'k', KEYS.pageUp);
		let frame = screen.frame();
		expect(frame).not.toMatch(/line 100\b/);
		expect(frame).toMatch(/lines \d+–\d+ of 100/);
		const firstShown = frame.match(/lines (\d+)–/)![1];
		// New lines arrive: the view stays where the person put it.
		await screen.update(() => store.getState().appendOutput(new Map([['T001', lines(5, 'new')]])));
		frame = screen.frame();
		expect(frame).toContain(`lines ${firstShown}–`);
		expect(frame).not.toContain('new 5');
		await screen.press('G');
		expect(screen.frame()).toContain('new 5');
		await screen.update(() => store.getState().appendOutput(new Map([['T001', ['newest']]])));
		expect(screen.frame()).toContain('newest');
		await screen.press('g');
		expect(screen.frame()).toMatch(/│line 1 +│/);
	});
});

describe('diff pane', () => {
	test('lists the files with counts, requests the patch of the selected one and colours it', async () => {
		const store = storeFor(samplePlan());
		finishSteps(store, ['T001']);
		store.getState().patchStep('T001', {
			files: [
				{path: 'src/api/export.ts', status: 'M', added: 52, removed: 0},
				{path: 'src/api/index.ts', status: 'M', added: 2, removed: 1},
				{path: 'test/api/export.test.ts', status: 'A', added: 30, removed: 5},
			],
		});
		store.getState().resetOutput('T001', ['done']);
		const screen = await renderApp(store);
		let frame = screen.frame();
		expect(frame).toContain('Diff · T001 · 3 files +84 −6');
		expect(frame).toMatch(/▸ M src\/api\/export\.ts\s+\+52 −0/);
		expect(frame).toMatch(/A test\/api\/export\.test\.ts\s+\+30 −5/);
		expect(store.getState().patchRequest).toMatchObject({stepId: 'T001', file: 'src/api/export.ts'});
		const patch = ['diff --git a/src/api/export.ts b/src/api/export.ts', '@@ -1,4 +1,9 @@', "+import {exportUsers} from '../services/export.js';", '-old line', ' context \x1b[2J'].join('\n');
		await screen.update(() => store.getState().setPatch('T001', 'src/api/export.ts', patch));
		frame = screen.frame();
		expect(frame).toContain('@@ -1,4 +1,9 @@');
		expect(frame).toContain("+import {exportUsers} from '../services/export.js';");
		// Control bytes from file contents are shown, not executed.
		expect(screen.lastFrame()).not.toContain('\x1b[2J');
		expect(frame).toContain('context ␛[2J');
		const raw = screen.lastFrame()!;
		expect(raw).toMatch(/\x1b\[32m\+import/); // green
		expect(raw).toMatch(/\x1b\[31m-old line/); // red
		expect(raw).toMatch(/\x1b\[36m@@ -1,4/); // cyan
		// Focus the diff (tab twice) and select the next file: its patch is requested.
		await screen.press(KEYS.tab, KEYS.tab, 'j');
		expect(screen.frame()).toMatch(/▸ M src\/api\/index\.ts/);
		expect(store.getState().patchRequest).toMatchObject({stepId: 'T001', file: 'src/api/index.ts'});
		expect(screen.frame()).toContain('loading…');
		expect(store.getState().patches[patchKey('T001', 'src/api/export.ts')]).toBe(patch);
	});

	test('a running step shows its live file list', async () => {
		const store = storeFor(samplePlan());
		startStep(store, 'T002');
		store.getState().setLiveFiles('T002', [{path: 'package.json', status: 'M', added: 1, removed: 0}]);
		const screen = await renderApp(store);
		expect(screen.frame()).toContain('Diff · T002 (live) · 1 file +1 −0');
		expect(screen.frame()).toMatch(/M package\.json\s+\+1 −0/);
	});

	test('PgDn scrolls a long patch', async () => {
		const store = storeFor(samplePlan());
		finishSteps(store, ['T001']);
		store.getState().patchStep('T001', {files: [{path: 'big.txt', status: 'A', added: 200, removed: 0}]});
		store.getState().resetOutput('T001', []);
		store.getState().setPatch('T001', 'big.txt', ['@@ -0,0 +1,200 @@', ...lines(200, '+added')].join('\n'));
		const screen = await renderApp(store);
		expect(screen.frame()).toContain('+added 1');
		await screen.press(KEYS.shiftTab, KEYS.pageDown);
		expect(screen.frame()).not.toMatch(/\+added 1\b/);
		await screen.press(KEYS.pageUp);
		expect(screen.frame()).toMatch(/\+added 1\b/);
	});
});

describe('gate panel and summary', () => {
	test('shows the phase report: checks with summaries, the failed one with its tail, files and times', async () => {
		const store = storeFor(samplePlan());
		finishSteps(store, ['T001', 'T002', 'T003']);
		openGate(store, {
			message: 'checks failed: npm run lint',
			options: ['retry', 'rollback', 'fix', 'quit'],
			report: {
				phaseId: 'setup',
				files: [{path: 'src/export/index.ts', status: 'A', added: 3, removed: 0}],
				checks: [
					{command: 'npm test', ok: true, exitCode: 0, durationMs: 4000, tail: [], summary: '12 passed'},
					{command: 'npm run lint', ok: false, exitCode: 1, durationMs: 2000, tail: ['src/a.ts:1:1 error no-unused-vars', '1 problem']},
				],
				durationMs: 98_000,
				remainingMs: 390_000,
				steps: 3,
				warnings: [],
			},
		});
		const screen = await renderApp(store);
		const frame = screen.frame();
		expect(frame).toContain('GATE Setup · checks failed: npm run lint');
		expect(frame).toContain('✓ npm test · 12 passed (00:04)');
		expect(frame).toContain('✗ npm run lint · exit 1 (00:02)');
		expect(frame).toContain('│ src/a.ts:1:1 error no-unused-vars');
		expect(frame).toContain('3 steps · 1 file +3 −0 · 01:38 · ~06:30 left');
		expect(frame).toMatch(/A src\/export\/index\.ts\s+\+3 −0/);
		expect(frame).toContain('[r] retry   [b] roll back   [f] fix forward');
		expect(frame).not.toContain('[a] approve');
		expect(frame).toMatch(/waiting at gate\s*$/m);
	});

	test('when the plan is done the right column is a summary until q', async () => {
		const store = storeFor(samplePlan());
		const all = store.getState().session!.order;
		finishSteps(store, all, 30_000);
		store.getState().patchSession({
			status: 'done',
			finishedAt: new Date().toISOString(),
			checkpoints: [
				{name: 'start', kind: 'start', commit: '1111111111aaaa', time: new Date().toISOString()},
				{name: 'setup', kind: 'phase', commit: '2222222222bbbb', tag: 'orchestrator/user-export/setup', time: new Date().toISOString()},
			],
			reports: {setup: {phaseId: 'setup', files: [], checks: [{command: 'npm test', ok: true, exitCode: 0, durationMs: 1, tail: [], summary: '12 passed'}], durationMs: 1, steps: 3, warnings: []}},
		});
		const screen = await renderApp(store);
		const frame = screen.frame();
		expect(frame).toContain('Summary');
		expect(frame).toContain('DONE · 10 done');
		expect(frame).toContain('✓ T001 Create directory structure · 00:30');
		expect(frame).toContain('Setup: ✓ npm test 12 passed');
		expect(frame).toContain('setup 2222222222 (orchestrator/user-export/setup)');
		expect(frame).toContain('press q to quit');
		expect(frame).toMatch(/ done\s*$/m);
		// enter shows a step's output instead; esc returns to the summary.
		await screen.press(KEYS.enter);
		expect(screen.frame()).toContain('Output · ');
		await screen.press(KEYS.esc);
		expect(screen.frame()).toContain('press q to quit');
		await screen.press('q');
		expect(store.getState().quitRequested).toBe('quit');
	});

	test('tab moves the focus between board, output and diff', async () => {
		const store = storeFor(samplePlan());
		finishSteps(store, ['T001']);
		store.getState().resetOutput('T001', lines(3));
		const screen = await renderApp(store);
		// Focused pane: its border is cyan. Compare which title rule is coloured.
		const focusedTitle = () => {
			const raw = screen.lastFrame()!;
			const match = raw.match(/\x1b\[36m┌ (?:\x1b\[[0-9;]*m)*(\w+)/);
			return match?.[1];
		};
		expect(focusedTitle()).toBe('Phases');
		await screen.press(KEYS.tab);
		expect(focusedTitle()).toBe('Output');
		await screen.press(KEYS.tab);
		expect(focusedTitle()).toBe('Diff');
		await screen.press(KEYS.tab);
		expect(focusedTitle()).toBe('Phases');
		await screen.press(KEYS.shiftTab);
		expect(focusedTitle()).toBe('Diff');
	});
});
