import {describe, expect, it} from 'vitest';
import {effectiveDeps, executionBatches, filesOverlap, findCycle, sharedFiles} from '../../source/plan/schedule.js';
import type {Plan, Step} from '../../source/types.js';

type StepInput = Partial<Step> & {id: string};

/** A plan built in code: phases of steps, each with only what the test cares about. */
function mkPlan(phases: StepInput[][]): Plan {
	return {
		id: 'p',
		title: 'p',
		agents: {},
		strict: false,
		max_files: 25,
		source: {path: '/x/plan.yaml', format: 'yaml', hash: ''},
		phases: phases.map((steps, i) => ({
			id: `ph${i + 1}`,
			title: `Phase ${i + 1}`,
			gate: {checks: [], approve: true, tag: true},
			steps: steps.map((s) => ({title: s.id, phaseId: `ph${i + 1}`, run: 'true', files: [], depends_on: [], parallel: false, done: false, ...s})),
		})),
	};
}

const P = (id: string, files: string[] = [], extra: Partial<Step> = {}): StepInput => ({id, parallel: true, files, ...extra});
const S = (id: string, files: string[] = [], extra: Partial<Step> = {}): StepInput => ({id, files, ...extra});

describe('effectiveDeps', () => {
	it('fills the defaults: previous step, whole parallel batches, nothing across phases', () => {
		const plan = mkPlan([
			[P('A'), P('B'), S('C'), S('D'), P('E'), P('F'), S('G')],
			[S('H'), P('I')],
		]);
		expect(Object.fromEntries(effectiveDeps(plan))).toEqual({
			A: [],
			B: [],
			C: ['A', 'B'],
			D: ['C'],
			E: ['D'],
			F: ['D'],
			G: ['E', 'F'],
			H: [],
			I: ['H'],
		});
	});

	it('explicit depends_on replaces the default', () => {
		const plan = mkPlan([[S('A'), S('B'), S('C', [], {depends_on: ['A']})]]);
		expect(effectiveDeps(plan).get('C')).toEqual(['A']);
	});
});

describe('findCycle', () => {
	it('returns the cycle path with the first id repeated', () => {
		const plan = mkPlan([[S('T001'), S('T003', [], {depends_on: ['T005']}), S('T004'), S('T005', [], {depends_on: ['T003']})]]);
		expect(findCycle(plan)).toEqual(['T003', 'T005', 'T003']);
	});

	it('follows default edges too', () => {
		// B depends on C explicitly; C depends on B by default (the previous step).
		const plan = mkPlan([[S('A'), S('B', [], {depends_on: ['C']}), S('C')]]);
		expect(findCycle(plan)).toEqual(['B', 'C', 'B']);
	});

	it('is null for an acyclic plan and ignores unknown ids', () => {
		expect(findCycle(mkPlan([[S('A'), S('B', [], {depends_on: ['ZZZ']}), P('C'), P('D')]]))).toBeNull();
	});
});

describe('executionBatches', () => {
	it('groups consecutive parallel steps, everything else alone, phase by phase', () => {
		const plan = mkPlan([
			[S('T001'), P('T002', ['a.ts']), P('T003', ['b.ts']), P('T004', ['c.ts']), S('T005'), P('T006')],
			[P('T007'), P('T008'), S('T009', [], {done: true}), S('T010')],
		]);
		expect(executionBatches(plan)).toEqual([['T001'], ['T002', 'T003', 'T004'], ['T005'], ['T006'], ['T007', 'T008'], ['T009'], ['T010']]);
	});

	it('caps batches at maxParallel', () => {
		const plan = mkPlan([[P('A'), P('B'), P('C'), P('D'), P('E')]]);
		expect(executionBatches(plan, {maxParallel: 2})).toEqual([['A', 'B'], ['C', 'D'], ['E']]);
		expect(executionBatches(plan, {maxParallel: 1})).toEqual([['A'], ['B'], ['C'], ['D'], ['E']]);
	});

	it('splits a batch where files overlap (literal, folder, glob)', () => {
		const plan = mkPlan([[P('A', ['src/a.ts']), P('B', ['src/b.ts']), P('C', ['src/*.ts']), P('D', ['docs/x.md']), P('E', ['docs'])]]);
		expect(executionBatches(plan)).toEqual([['A', 'B'], ['C', 'D'], ['E']]);
	});

	it('splits a batch where one parallel step depends on another', () => {
		const plan = mkPlan([[S('A'), P('B'), P('C', [], {depends_on: ['B']}), P('D')]]);
		expect(executionBatches(plan)).toEqual([['A'], ['B'], ['C', 'D']]);
	});

	it('puts a step whose explicit dependency comes later after that dependency', () => {
		const plan = mkPlan([[S('A'), S('B', [], {depends_on: ['A']}), S('X', [], {depends_on: ['D']}), S('D', [], {depends_on: ['B']}), S('E')]]);
		expect(executionBatches(plan)).toEqual([['A'], ['B'], ['D'], ['X'], ['E']]);
	});

	it('schedules a 10,000-step plan correctly (and without quadratic work)', () => {
		// Per phase of 1,000: a serial step, then 9 parallel steps on disjoint files, repeated.
		const phases: StepInput[][] = [];
		let n = 0;
		for (let p = 0; p < 10; p++) {
			const steps: StepInput[] = [];
			for (let i = 0; i < 1000; i++) {
				const id = `T${String(++n).padStart(5, '0')}`;
				steps.push(i % 10 === 0 ? S(id, [`src/p${p}/serial${i}.ts`]) : P(id, [`src/p${p}/f${i}.ts`, `test/p${p}/f${i}.test.ts`]));
			}
			phases.push(steps);
		}
		const plan = mkPlan(phases);
		const started = performance.now();
		const batches = executionBatches(plan);
		const elapsed = performance.now() - started;
		expect(batches).toHaveLength(2000);
		expect(batches.flat()).toEqual(plan.phases.flatMap((ph) => ph.steps.map((s) => s.id)));
		expect(batches[0]).toEqual(['T00001']);
		expect(batches[1]).toEqual(['T00002', 'T00003', 'T00004', 'T00005', 'T00006', 'T00007', 'T00008', 'T00009', 'T00010']);
		expect(batches[1999]).toHaveLength(9);
		expect(findCycle(plan)).toBeNull();
		// Generous bound: only a quadratic regression could miss it.
		expect(elapsed).toBeLessThan(2000);
	});

	it('handles one huge parallel batch of 10,000 steps', () => {
		const plan = mkPlan([Array.from({length: 10_000}, (_, i) => P(`S${i}`, [`f/${i}.ts`]))]);
		const batches = executionBatches(plan);
		expect(batches).toHaveLength(1);
		expect(batches[0]).toHaveLength(10_000);
		expect(executionBatches(plan, {maxParallel: 4})).toHaveLength(2500);
	});
});

describe('filesOverlap', () => {
	it.each([
		[['src/a.ts'], ['src/a.ts'], ['src/a.ts']],
		[['./src/a.ts'], ['src/a.ts'], ['./src/a.ts']],
		[['src/a.ts'], ['src/b.ts'], []],
		[['src'], ['src/a.ts'], ['src']],
		[['src/api/'], ['src/api/x.ts'], ['src/api/']],
		[['src/*.ts'], ['src/a.ts'], ['src/*.ts']],
		[['src/*.ts'], ['src/sub/a.ts'], []],
		[['src/**'], ['src/api/*.ts'], ['src/**']],
		[['src/**/*.ts'], ['src/api/*.ts'], ['src/**/*.ts']],
		[['src/*.ts'], ['src/*.js'], []],
		[['src/*.ts'], ['test/*.ts'], []],
		[['**/*.md'], ['docs/a.md'], ['**/*.md']],
		[['src/{a,b}.ts'], ['src/b.ts'], ['src/{a,b}.ts']],
		[['a', 'b', 'c'], ['c', 'a'], ['a', 'c']],
		[[], ['a'], []],
	])('%j vs %j', (a, b, expected) => {
		expect(filesOverlap(a, b)).toEqual(expected);
	});
});

describe('sharedFiles', () => {
	it('lists files and globs declared by more than one step', () => {
		const plan = mkPlan([
			[S('A', ['src/a.ts', 'README.md']), S('B', ['src/a.ts']), S('C', ['lib/x.ts'])],
			[S('D', ['src/**']), S('E', ['docs/guide.md']), S('F', ['README.md'])],
		]);
		expect(sharedFiles(plan)).toEqual([
			{file: 'src/a.ts', steps: ['A', 'B']},
			{file: 'src/**', steps: ['A', 'B', 'D']},
			{file: 'README.md', steps: ['A', 'F']},
		]);
	});

	it('is empty when every step has its own files', () => {
		expect(sharedFiles(mkPlan([[S('A', ['a']), S('B', ['b']), S('C', [])]]))).toEqual([]);
	});
});
