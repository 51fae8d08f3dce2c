import {describe, expect, it} from 'vitest';
import {FileIndex} from '../../source/plan/file-overlap.js';
import {parsePlanText} from '../../source/plan/load-plan.js';
import {checkPlan} from '../../source/plan/plan-check.js';
import {effectiveDeps, executionBatches, findCycle, parallelFileConflicts, parallelGroups, phaseOrder} from '../../source/plan/schedule.js';
import type {Plan, Step} from '../../source/types.js';
import {seeded} from '../helpers/seeded.js';

// The scheduler's shortcuts (plan order when every dependency points back, no DFS for such a plan,
// one dependency map handed along, one file index emptied between batches) must give what the
// general algorithms give.

type StepInput = Partial<Step> & {id: string};

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

describe('phaseOrder', () => {
	it('keeps plan order when every dependency is an earlier step, and returns a copy', async () => {
		const plan = mkPlan([[S('A'), P('B'), P('C'), S('D'), S('E', [], {depends_on: ['A', 'A']})]]);
		const steps = plan.phases[0]!.steps;
		const order = phaseOrder(steps, effectiveDeps(plan));
		expect(order.map((s) => s.id)).toEqual(['A', 'B', 'C', 'D', 'E']);
		expect(order).not.toBe(steps);
	});

	it('moves a step after a later step it depends on, stably', async () => {
		const plan = mkPlan([[S('A', [], {depends_on: ['C']}), P('B'), S('C', [], {depends_on: ['X0']}), P('D')], [S('X0')]]);
		expect(phaseOrder(plan.phases[0]!.steps, effectiveDeps(plan)).map((s) => s.id)).toEqual(['C', 'A', 'B', 'D']); // B waits for A (its serial step), D for C
	});

	it('still lists every step once when steps form a cycle', async () => {
		const plan = mkPlan([[S('A', [], {depends_on: ['B']}), S('B', [], {depends_on: ['A']}), S('C')]]);
		expect(phaseOrder(plan.phases[0]!.steps, effectiveDeps(plan)).map((s) => s.id).sort()).toEqual(['A', 'B', 'C']);
	});
});

describe('effectiveDeps: backwards', () => {
	it('says whether every dependency on a step of the plan names a step above it', async () => {
		expect(effectiveDeps(mkPlan([[S('A'), P('B'), S('C', [], {depends_on: ['A', 'B']})], [S('D', [], {depends_on: ['C']})]])).backwards).toBe(true);
		expect(effectiveDeps(mkPlan([[S('A', [], {depends_on: ['nowhere']}), S('B')]])).backwards).toBe(true); // unknown ids are the checks' business
		expect(effectiveDeps(mkPlan([[S('A', [], {depends_on: ['B']}), S('B')]])).backwards).toBe(false);
		expect(effectiveDeps(mkPlan([[S('A'), S('B', [], {depends_on: ['B']})]])).backwards).toBe(false);
		expect(effectiveDeps(mkPlan([[S('A')], [S('C', [], {depends_on: ['A']}), S('A', [], {depends_on: ['C']})]])).backwards).toBe(true); // a repeated id: the first one counts
	});

	it('gives the same order and cycles as the general walks', async () => {
		const next = seeded(11);
		for (let round = 0; round < 300; round++) {
			const n = 2 + next(8);
			const steps: StepInput[] = [];
			for (let i = 0; i < n; i++) {
				const depends_on = next(3) === 0 ? [`s${next(n + 1)}`] : [];
				steps.push(next(2) ? P(`s${i}`, [], {depends_on}) : S(`s${i}`, [], {depends_on}));
			}
			const plan = mkPlan([steps]);
			const deps = effectiveDeps(plan);
			const plain = new Map(deps);
			expect(phaseOrder(plan.phases[0]!.steps, deps).map((s) => s.id)).toEqual(phaseOrder(plan.phases[0]!.steps, plain).map((s) => s.id));
			expect(findCycle(plan, deps)).toEqual(findCycle(plan, plain));
		}
	});
});

describe('findCycle', () => {
	it('finds none in a long plan whose dependencies all point back', async () => {
		const steps: StepInput[] = [];
		for (let i = 0; i < 2000; i++) steps.push(i % 4 ? P(`T${i}`) : S(`T${i}`, [], i > 8 ? {depends_on: [`T${i - 8}`, `T${i - 1}`]} : {}));
		expect(findCycle(mkPlan([steps]))).toBeNull();
	});

	it('finds a self-dependency and a loop across phases of ids out of order', async () => {
		expect(findCycle(mkPlan([[S('A'), S('B', [], {depends_on: ['B']})]]))).toEqual(['B', 'B']);
		const plan = mkPlan([[S('A', [], {depends_on: ['D']})], [S('C'), S('D', [], {depends_on: ['A']})]]);
		expect(findCycle(plan)).toEqual(['A', 'D', 'A']);
	});

	it('checks a dependency map that names steps outside the plan', async () => {
		const plan = mkPlan([[S('A')]]);
		const deps = new Map([
			['A', ['Z']],
			['Z', ['A']],
		]);
		expect(findCycle(plan, deps)).toEqual(['A', 'Z', 'A']);
	});
});

describe('one dependency map for checks and batches', () => {
	const plan = () =>
		mkPlan([
			[S('A'), P('B', ['src/a.ts']), P('C', ['src/a.ts']), P('D', ['src']), P('E', ['lib/**']), P('F', ['lib/x/y.js']), S('G'), P('H', ['src/a.ts'])],
			[P('I', ['docs/*.md']), P('J', ['docs/a.md']), P('K', ['docs/b.txt'])],
		]);

	it('gives the same batches and conflicts with the map handed in as without', async () => {
		const p = plan();
		const deps = effectiveDeps(p);
		expect(executionBatches(p, {deps})).toEqual(executionBatches(p));
		expect(executionBatches(p, {deps, maxParallel: 2})).toEqual(executionBatches(p, {maxParallel: 2}));
		expect(parallelFileConflicts(p, deps)).toEqual(parallelFileConflicts(p));
		expect(checkPlan(p, () => ({}), {deps})).toEqual(checkPlan(p, () => ({})));
	});

	it('splits batches at shared files, folders and globs, each batch starting afresh', async () => {
		const p = plan();
		expect(executionBatches(p)).toEqual([['A'], ['B'], ['C'], ['D', 'E'], ['F'], ['G'], ['H'], ['I'], ['J', 'K']]);
		expect(parallelFileConflicts(p)).toEqual([
			{step: 'C', other: 'B', files: ['src/a.ts']},
			{step: 'D', other: 'B', files: ['src']},
			{step: 'D', other: 'C', files: ['src']},
			{step: 'F', other: 'E', files: ['lib/x/y.js']},
			{step: 'J', other: 'I', files: ['docs/a.md']},
		]);
	});
});

describe('one walk for the file check and the batches', () => {
	it('gives executionBatches without a cap when no parallel steps share a file, and no batches when some do', () => {
		const clean = mkPlan([
			[S('A'), P('B', ['src/a.ts']), P('C', ['src/b.ts']), P('D', ['lib/**']), S('E'), P('F', ['x']), P('G', ['y'], {depends_on: ['F']}), P('H', ['z'])],
			[P('I', ['docs/*.md']), P('J', ['docs/b.txt']), S('K'), S('L')],
			[P('M', ['a']), P('N', ['b'], {depends_on: ['M']}), P('O', ['c'])],
		]);
		const deps = effectiveDeps(clean);
		const walk = parallelGroups(clean, deps);
		expect(walk.conflicts).toEqual([]);
		expect(walk.batches).toEqual(executionBatches(clean, {deps}));
		expect(walk.batches).toEqual([['A'], ['B', 'C', 'D'], ['E'], ['F'], ['G', 'H'], ['I', 'J'], ['K'], ['L'], ['M'], ['N', 'O']]);

		const shared = mkPlan([[S('A'), P('B', ['src/a.ts']), P('C', ['src/a.ts'])]]);
		expect(parallelGroups(shared)).toEqual({conflicts: [{step: 'C', other: 'B', files: ['src/a.ts']}]});
	});

	it('hands the batches of the check to validate through the loaded plan', async () => {
		const text = '## Phase 1: Setup\n- [ ] T001 One\n- [ ] T002 [P] Two in src/a.ts\n- [ ] T003 [P] Three in src/b.ts\n- [ ] T004 Four\n';
		const loaded = await parsePlanText(text, '/tmp/orc-reuse/tasks.md', {cwd: '/tmp/orc-reuse'});
		expect(loaded.batches).toEqual([['T001'], ['T002', 'T003'], ['T004']]);
		expect(loaded.batches).toEqual(executionBatches(loaded.plan, {deps: loaded.deps}));
	});
});

describe('loaded plans carry their dependency map', () => {
	it.each([
		['plan.yaml', 'id: d\nphases:\n  - id: a\n    steps:\n      - {id: T1, run: x}\n      - {id: T2, run: x, parallel: true, files: [a.ts]}\n      - {id: T3, run: x, parallel: true, files: [b.ts]}\n      - {id: T4, run: x, depends_on: [T1, T1]}\n'],
		['tasks.md', '## Phase 1: Setup\n- [ ] T001 One\n- [ ] T002 [P] Two in src/a.ts\n- [ ] T003 [P] Three in src/a.ts\n- [ ] T004 Four after T001\n'],
	])('%s: the map is effectiveDeps, its lists the steps\' depends_on, and gives the same batches', async (name, text) => {
		const {plan, deps} = await parsePlanText(text, `/tmp/orc-reuse/${name}`, {cwd: '/tmp/orc-reuse'});
		expect(deps).toEqual(effectiveDeps(plan));
		for (const step of plan.phases.flatMap((p) => p.steps)) expect(deps.get(step.id)).toBe(step.depends_on);
		expect(executionBatches(plan, {deps})).toEqual(executionBatches(plan));
	});
});

describe('FileIndex', () => {
	it('answers the same with a few plain paths as once it has grown into maps', async () => {
		const declared = ['src/a.ts', 'src/sub/b.ts', 'lib/x.js', 'docs', 'a'];
		const probes = ['src/a.ts', 'src', 'src/sub', 'src/sub/b.ts/c', 'lib', 'lib/x.jsx', 'docs/readme.md', 'doc', 'a/b', 'ab', 'src/a.t', 'x'];
		const few = new FileIndex();
		declared.forEach((f, i) => few.add(`S${i}`, [f]));
		const answers = probes.map((p) => few.overlaps(p));
		expect(answers).toEqual([true, true, true, true, true, false, true, false, true, false, false, false]);
		const grown = new FileIndex();
		declared.forEach((f, i) => grown.add(`S${i}`, [f]));
		grown.hits('x'); // builds the maps
		expect(probes.map((p) => grown.overlaps(p))).toEqual(answers);
		// Past sixteen paths, or a path that needs normalising, the maps take over with the same answers.
		const many = new FileIndex();
		for (let i = 0; i < 20; i++) many.add(`M${i}`, [`m/${i}.ts`]);
		many.add('N', ['./src/a.ts']);
		expect(['m/3.ts', 'm', 'm/30.ts', 'src/a.ts', 'src'].map((p) => many.overlaps(p))).toEqual([true, true, false, true, true]);
	});

	it('forgets everything on clear', async () => {
		const index = new FileIndex();
		index.add('A', ['src/a.ts', 'lib/**', './x/y.ts']);
		expect(index.overlaps('src/a.ts')).toBe(true);
		expect(index.overlaps('src')).toBe(true);
		expect(index.overlaps('lib/q.js')).toBe(true);
		expect(index.overlaps('x/y.ts')).toBe(true);
		expect(index.overlaps('other.ts')).toBe(false);
		index.clear();
		for (const f of ['src/a.ts', 'src', 'lib/q.js', 'x/y.ts']) expect(index.overlaps(f)).toBe(false);
		index.add('B', ['src']);
		expect(index.hits('src/a.ts')).toEqual([{owner: 'B', file: 'src'}]);
	});
});
