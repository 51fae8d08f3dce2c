import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {OutputBuffer, RingLines, droppedLinesNotice} from '../../source/engine/output-buffer.js';

type Batch = Map<string, string[]>;

function recorder() {
	const batches: Batch[] = [];
	return {batches, flush: (batch: Batch) => batches.push(batch)};
}

describe('OutputBuffer', () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('10,000 pushes within 1 s become a handful of flushes, every line once and in order', () => {
		const {batches, flush} = recorder();
		const buffer = new OutputBuffer({flush, flushMs: 50});
		for (let i = 0; i < 10_000; i++) {
			buffer.push('T001', `line ${i}`);
			if (i % 100 === 99) vi.advanceTimersByTime(10); // 10,000 lines over 1 s
		}
		vi.advanceTimersByTime(50);
		expect(batches.length).toBeGreaterThanOrEqual(19);
		expect(batches.length).toBeLessThanOrEqual(21);
		const all = batches.flatMap((batch) => batch.get('T001')!);
		expect(all).toHaveLength(10_000);
		expect(all.every((line, i) => line === `line ${i}`)).toBe(true);
	});

	it('does not flush before the window ends, nor when nothing is queued', () => {
		const {batches, flush} = recorder();
		const buffer = new OutputBuffer({flush});
		vi.advanceTimersByTime(500);
		expect(batches).toHaveLength(0);
		buffer.push('T001', 'a');
		vi.advanceTimersByTime(49);
		expect(batches).toHaveLength(0);
		vi.advanceTimersByTime(1);
		expect(batches).toHaveLength(1);
		vi.advanceTimersByTime(500);
		expect(batches).toHaveLength(1);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('keeps steps apart and each step in order', () => {
		const {batches, flush} = recorder();
		const buffer = new OutputBuffer({flush});
		buffer.push('T002', 'b1');
		buffer.push('T003', 'c1');
		buffer.push('T002', 'b2');
		buffer.flushNow();
		expect(batches).toHaveLength(1);
		expect([...batches[0].entries()]).toEqual([
			['T002', ['b1', 'b2']],
			['T003', ['c1']],
		]);
		buffer.push('T003', 'c2');
		vi.advanceTimersByTime(50);
		expect([...batches[1].entries()]).toEqual([['T003', ['c2']]]);
	});

	it('sanitizes what it queues', () => {
		const {batches, flush} = recorder();
		const buffer = new OutputBuffer({flush});
		buffer.push('T001', '\x1b[2J\x1b]0;title\x07\x1b[31mred');
		buffer.push('T001', '10%\r100%');
		buffer.flushNow();
		expect(batches[0].get('T001')).toEqual(['\x1b[31mred\x1b[0m', '100%']);
	});

	it('keeps only the last maxPending lines of a step and says how many were dropped', () => {
		const {batches, flush} = recorder();
		const buffer = new OutputBuffer({flush, maxPending: 100});
		for (let i = 0; i < 1234; i++) buffer.push('T001', `x${i}`);
		for (let i = 0; i < 10; i++) buffer.push('T002', `y${i}`);
		vi.advanceTimersByTime(50);
		const lines = batches[0].get('T001')!;
		expect(lines).toHaveLength(101);
		expect(lines[0]).toBe('… 1134 lines not shown (full output in the log)');
		expect(lines[1]).toBe('x1134');
		expect(lines.at(-1)).toBe('x1233');
		expect(batches[0].get('T002')).toHaveLength(10);
		// The count starts over with the next window.
		buffer.push('T001', 'after');
		buffer.flushNow();
		expect(batches[1].get('T001')).toEqual(['after']);
	});

	it('uses the default cap of 5,000', () => {
		const {batches, flush} = recorder();
		const buffer = new OutputBuffer({flush});
		for (let i = 0; i < 12_000; i++) buffer.push('T001', String(i));
		buffer.flushNow();
		const lines = batches[0].get('T001')!;
		expect(lines[0]).toBe(droppedLinesNotice(7000));
		expect(lines.slice(1)).toEqual(Array.from({length: 5000}, (_, i) => String(7000 + i)));
	});

	it('dispose flushes what is queued, stops the timer, ignores later pushes', () => {
		const {batches, flush} = recorder();
		const buffer = new OutputBuffer({flush});
		buffer.push('T001', 'last words');
		buffer.dispose();
		expect(batches).toHaveLength(1);
		expect(batches[0].get('T001')).toEqual(['last words']);
		expect(vi.getTimerCount()).toBe(0);
		buffer.push('T001', 'too late');
		vi.advanceTimersByTime(1000);
		buffer.flushNow();
		expect(batches).toHaveLength(1);
	});

	it('the notice reads well for one line', () => {
		expect(droppedLinesNotice(1)).toBe('… 1 line not shown (full output in the log)');
	});
});

describe('OutputBuffer.pushMany', () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('gives the batches push gives, line for line, small batches and ones above the cap alike', () => {
		const sizes = [1, 3, 120, 7, 9_000, 2, 15_000, 40];
		const run = (many: boolean) => {
			const {batches, flush} = recorder();
			const floods: boolean[] = [];
			const buffer = new OutputBuffer({flush, flushMs: 50, floodLines: 25, floodFlushMs: 1000, maxPending: 5000, onFloodChange: (f) => floods.push(f)});
			let n = 0;
			for (const size of sizes) {
				const lines = Array.from({length: size}, () => `line ${n++}`);
				if (many) buffer.pushMany('T001', lines);
				else for (const line of lines) buffer.push('T001', line);
				vi.advanceTimersByTime(30);
			}
			buffer.dispose();
			return {batches: batches.map((b) => b.get('T001')), floods};
		};
		const one = run(false);
		const many = run(true);
		expect(many).toEqual(one);
		expect(many.floods[0]).toBe(true);
		const shown = many.batches.flat();
		expect(shown.at(-1)).toBe(`line ${sizes.reduce((a, b) => a + b) - 1}`);
		expect(shown.some((line) => line?.startsWith('… '))).toBe(true);
	});
});

describe('RingLines', () => {
	it('keeps the last cap lines in order and counts every line pushed', () => {
		const ring = new RingLines(3);
		expect(ring.toArray()).toEqual([]);
		ring.push(['a', 'b']);
		expect(ring.toArray()).toEqual(['a', 'b']);
		expect(ring.length).toBe(2);
		ring.push(['c', 'd']);
		expect(ring.toArray()).toEqual(['b', 'c', 'd']);
		ring.push(['e']);
		expect(ring.toArray()).toEqual(['c', 'd', 'e']);
		expect(ring.total).toBe(5);
		expect(ring.length).toBe(3);
	});

	it('a batch larger than the cap keeps its tail', () => {
		const ring = new RingLines(4);
		ring.push(['x']);
		ring.push(Array.from({length: 10}, (_, i) => String(i)));
		expect(ring.toArray()).toEqual(['6', '7', '8', '9']);
		expect(ring.total).toBe(11);
	});

	it('toArray returns a fresh array; clear empties but keeps the total', () => {
		const ring = new RingLines(2);
		ring.push(['a']);
		const first = ring.toArray();
		ring.push(['b']);
		expect(first).toEqual(['a']);
		ring.clear();
		expect(ring.length).toBe(0);
		expect(ring.toArray()).toEqual([]);
		expect(ring.total).toBe(2);
		ring.push(['c']);
		expect(ring.toArray()).toEqual(['c']);
	});

	it('rejects a capacity below 1', () => {
		expect(() => new RingLines(0)).toThrow(RangeError);
	});

	it('a million lines through a 2,000-line ring stay fast and bounded', () => {
		const ring = new RingLines(2000);
		const t0 = Date.now();
		for (let i = 0; i < 10_000; i++) ring.push(Array.from({length: 100}, (_, j) => `l${i * 100 + j}`));
		expect(Date.now() - t0).toBeLessThan(3000);
		expect(ring.length).toBe(2000);
		expect(ring.total).toBe(1_000_000);
		expect(ring.toArray().at(-1)).toBe('l999999');
		expect(ring.toArray()[0]).toBe('l998000');
	});
});
