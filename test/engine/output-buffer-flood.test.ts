import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {OutputBuffer, droppedLinesNotice} from '../../source/engine/output-buffer.js';
import {OUTPUT_LINES_PER_STEP, createOrchestratorStore} from '../../source/store/store.js';

type Batch = Map<string, string[]>;

describe('OutputBuffer under a flood', () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('after a big flush the next window is floodFlushMs; a quiet one goes back to flushMs', () => {
		const batches: Batch[] = [];
		const buffer = new OutputBuffer({flush: (b) => batches.push(b), flushMs: 50, floodFlushMs: 250, floodLines: 100});
		for (let i = 0; i < 150; i++) buffer.push('T001', `a${i}`);
		vi.advanceTimersByTime(50);
		expect(batches).toHaveLength(1);
		buffer.push('T001', 'b');
		vi.advanceTimersByTime(249);
		expect(batches).toHaveLength(1);
		vi.advanceTimersByTime(1);
		expect(batches[1].get('T001')).toEqual(['b']);
		buffer.push('T001', 'c');
		vi.advanceTimersByTime(50);
		expect(batches[2].get('T001')).toEqual(['c']);
	});

	it('sanitizes only the lines it keeps, after the trim', () => {
		const batches: Batch[] = [];
		const buffer = new OutputBuffer({flush: (b) => batches.push(b), maxPending: 3});
		buffer.push('T001', '\x1b]52;c;ZXZpbA==\x07dropped');
		for (let i = 0; i < 3; i++) buffer.push('T001', `\x1b[2Jkept ${i}\r`);
		buffer.flushNow();
		expect(batches[0].get('T001')).toEqual([droppedLinesNotice(1), 'kept 0', 'kept 1', 'kept 2']);
	});
});

describe('store appendOutput', () => {
	it('keeps the last lines across batches of every size, and counts them all', () => {
		const store = createOrchestratorStore();
		const lines = (from: number, n: number) => Array.from({length: n}, (_, i) => `l${from + i}`);
		store.getState().appendOutput(new Map([['T001', lines(0, 10)]]));
		store.getState().appendOutput(new Map([['T001', lines(10, OUTPUT_LINES_PER_STEP + 5)]]));
		let view = store.getState().output.T001;
		expect(view.total).toBe(OUTPUT_LINES_PER_STEP + 15);
		expect(view.lines).toEqual(lines(15, OUTPUT_LINES_PER_STEP));
		store.getState().appendOutput(new Map([['T001', lines(OUTPUT_LINES_PER_STEP + 15, 3)]]));
		view = store.getState().output.T001;
		expect(view.lines).toEqual(lines(18, OUTPUT_LINES_PER_STEP));
		expect(view.lines).toHaveLength(OUTPUT_LINES_PER_STEP);
	});
});
