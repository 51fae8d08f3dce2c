import './force-color.js';
import {act} from 'react';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {computeLayout} from '../../source/ui/layout.js';
import {scrollTop} from '../../source/ui/components/phase-board.js';
import {fitGateLines, type GateLine} from '../../source/ui/components/gate-panel.js';
import {clipLine, outputWindow} from '../../source/ui/components/output-pane.js';
import {renderFullScreen, restoreTerminal} from '../../source/ui/render-app.js';
import {samplePlan, storeFor} from './helpers.js';

describe('computeLayout', () => {
	const sizes = [
		{columns: 120, rows: 40},
		{columns: 120, rows: 32},
		{columns: 80, rows: 24},
		{columns: 60, rows: 15},
		{columns: 200, rows: 60},
	];
	for (const size of sizes) {
		for (const needs of [{gateLines: 0, confirm: false}, {gateLines: 9, confirm: false}, {gateLines: 40, confirm: false}, {gateLines: 9, confirm: true}]) {
			test(`${size.columns}×${size.rows} ${JSON.stringify(needs)}: regions fill rows − 1 exactly`, () => {
				const l = computeLayout(size, needs);
				expect(l.tooSmall).toBe(false);
				expect(l.height).toBe(size.rows - 1);
				expect(1 + l.bodyHeight + l.bottomHeight + l.statusHeight).toBe(l.height);
				expect(l.outputHeight + l.diffHeight + l.rightGateHeight).toBe(l.bodyHeight);
				expect(l.boardWidth + l.rightWidth).toBe(size.columns);
				expect(l.boardWidth).toBeGreaterThanOrEqual(26);
				if (needs.gateLines > 0 && !needs.confirm) expect(l.bottomHeight + l.rightGateHeight).toBeGreaterThan(0);
				// The gate never takes more than 40 % of the screen at the bottom.
				if (l.bottom === 'gate') expect(l.bottomHeight).toBeLessThanOrEqual(Math.floor((l.height - 1 - l.statusHeight) * 0.4));
			});
		}
	}

	test('below 60×15 the screen is too small', () => {
		expect(computeLayout({columns: 59, rows: 30}, {gateLines: 0, confirm: false}).tooSmall).toBe(true);
		expect(computeLayout({columns: 100, rows: 14}, {gateLines: 0, confirm: false}).tooSmall).toBe(true);
	});
});

describe('scrolling helpers', () => {
	test('scrollTop moves only as far as needed to show the cursor', () => {
		expect(scrollTop(0, 5, 10, 100)).toBe(0);
		expect(scrollTop(0, 10, 10, 100)).toBe(1);
		expect(scrollTop(50, 45, 10, 100)).toBe(45);
		expect(scrollTop(50, 55, 10, 100)).toBe(50);
		expect(scrollTop(95, 99, 10, 100)).toBe(90);
		expect(scrollTop(7, 3, 10, 5)).toBe(0);
	});

	test('outputWindow keeps an absolute position while the ring buffer moves', () => {
		expect(outputWindow({lines: ['a', 'b', 'c'], total: 3}, null, 10)).toEqual({start: 0, following: true});
		const view = {lines: Array.from({length: 100}, (_, i) => `${i}`), total: 1000};
		expect(outputWindow(view, null, 10)).toEqual({start: 90, following: true});
		expect(outputWindow(view, 950, 10)).toEqual({start: 50, following: false});
		// Older than what is kept: the first kept line.
		expect(outputWindow(view, 10, 10)).toEqual({start: 0, following: false});
	});

	test('fitGateLines keeps the most important lines in their order', () => {
		const lines: GateLine[] = [
			{text: 'title', priority: 0},
			{text: 'tail', priority: 5},
			{text: 'check', priority: 3},
			{text: 'choices', priority: 1},
		];
		expect(fitGateLines(lines, 3).map(l => l.text)).toEqual(['title', 'check', 'choices']);
		expect(fitGateLines(lines, 10)).toHaveLength(4);
	});
});

describe('renderFullScreen', () => {
	afterEach(() => {
		vi.restoreAllMocks();
	});

	function captureStdout(): string[] {
		const writes: string[] = [];
		vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, encoding?: unknown, callback?: () => void) => {
			writes.push(String(chunk));
			const done = typeof encoding === 'function' ? (encoding as () => void) : callback;
			done?.();
			return true;
		}) as typeof process.stdout.write);
		return writes;
	}

	test('enters the alternate screen, and leaves it once however often it is unmounted', async () => {
		const writes = captureStdout();
		const store = storeFor(samplePlan());
		let screen!: ReturnType<typeof renderFullScreen>;
		await act(async () => {
			screen = renderFullScreen(store);
		});
		expect(writes[0]).toContain('\x1b[?1049h');
		expect(writes.join('')).toContain('Phases');
		await act(async () => {
			screen.unmount();
			screen.unmount();
			restoreTerminal();
		});
		await screen.waitUntilExit();
		const leaves = writes.filter(w => w.includes('\x1b[?1049l'));
		expect(leaves).toHaveLength(1);
		expect(leaves[0]).toContain('\x1b[?25h');
		const enterAt = writes.findIndex(w => w.includes('\x1b[?1049h'));
		const leaveAt = writes.findIndex(w => w.includes('\x1b[?1049l'));
		expect(leaveAt).toBeGreaterThan(enterAt);
	});

	test('a render crash rejects waitUntilExit and still gives the terminal back', async () => {
		const writes = captureStdout();
		const store = storeFor(samplePlan());
		let screen!: ReturnType<typeof renderFullScreen>;
		await act(async () => {
			screen = renderFullScreen(store);
		});
		await act(async () => {
			store.getState().patchSession({phases: null as never});
		});
		await expect(screen.waitUntilExit()).rejects.toThrow();
		expect(writes.at(-1)).toContain('\x1b[?1049l');
		restoreTerminal();
		expect(writes.filter(w => w.includes('\x1b[?1049l'))).toHaveLength(1);
	});
});

describe('clipLine', () => {
	test('cuts very long lines without leaving half an escape sequence', () => {
		expect(clipLine('short', 80)).toBe('short');
		const long = 'x'.repeat(575) + '\x1b[31mred' + 'y'.repeat(10_000);
		const clipped = clipLine(long, 80);
		expect(clipped.length).toBeLessThan(700);
		expect(clipped).toMatch(/^x{575}\x1b\[0m$/);
	});
});
