import type {Plan, Step} from '../types.js';
import {FileIndex, fileEntry} from './file-overlap.js';

export {filesOverlap} from './file-overlap.js';

// Dependencies and execution order.
//
// Phases run one after another (a phase starts after the previous phase's gate), so ordering
// and batching only ever happen inside a phase. Dependencies on steps of earlier phases are
// satisfied by then; validation rejects dependencies on later phases.

/**
 * What effectiveDeps returns: the dependencies by step id, and whether every one of them that names
 * a step of the plan names a step above it (the usual plan; a spec-kit import always). Then there
 * is no cycle and plan order is already a topological order: findCycle and phaseOrder need not walk
 * the plan again to find that out.
 */
export class DependencyMap extends Map<string, string[]> {
	backwards = false;
}

/**
 * Every step's dependencies. A step that gives none (empty `depends_on`) gets the default:
 * - a parallel step depends on the last non-parallel step before it in its phase;
 * - a non-parallel step depends on the previous step and on every parallel step since the last
 *   non-parallel one, so it waits for a whole parallel batch;
 * - the first step of a phase depends on nothing.
 */
export function effectiveDeps(plan: Plan): DependencyMap {
	const deps = new DependencyMap();
	// Explicit dependencies on a step not seen yet: a later step (not backwards), the step itself,
	// or an unknown id (validation reports it). Which one is known once every step has been seen.
	const ahead: string[] = [];
	for (const phase of plan.phases) {
		let lastSerial: string | undefined;
		let parallelSince: string[] = [];
		for (const step of phase.steps) {
			if (deps.has(step.id)) continue; // duplicate id: validation reports it, the first one wins
			if (step.depends_on.length > 0) {
				const list = step.depends_on;
				for (let k = 0; k < list.length; k++) if (!deps.has(list[k]!)) ahead.push(list[k]!);
				deps.set(step.id, unique(list));
			} else if (step.parallel) deps.set(step.id, lastSerial ? [lastSerial] : []);
			else if (parallelSince.length > 0) deps.set(step.id, [...parallelSince]);
			else deps.set(step.id, lastSerial ? [lastSerial] : []);

			if (step.parallel) parallelSince.push(step.id);
			else {
				lastSerial = step.id;
				parallelSince = [];
			}
		}
	}
	deps.backwards = ahead.every((d) => !deps.has(d));
	return deps;
}

/**
 * The list without repeats, first occurrence kept: the list itself when it has none (nothing
 * changes a step's depends_on, and a 10,000-step import then makes no second array per step).
 * Most lists hold one to a few ids: no Set for those.
 */
function unique(ids: string[]): string[] {
	const n = ids.length;
	if (n > 16) {
		const set = new Set(ids);
		return set.size === n ? ids : [...set];
	}
	for (let i = 1; i < n; i++) {
		for (let j = 0; j < i; j++) {
			if (ids[i] === ids[j]) return [...new Set(ids)];
		}
	}
	return ids;
}

/**
 * A dependency cycle as a path of ids, "depends on" from each to the next, the first id repeated
 * at the end (`['T003', 'T005', 'T003']`); null when there is none. Unknown ids are ignored.
 */
export function findCycle(plan: Plan, deps: Map<string, string[]> = effectiveDeps(plan)): string[] | null {
	if (deps instanceof DependencyMap ? deps.backwards : pointsBackwards(plan, deps)) return null;
	const WHITE = 0;
	const GREY = 1;
	const BLACK = 2;
	const color = new Map<string, number>();
	for (const id of deps.keys()) color.set(id, WHITE);

	for (const root of deps.keys()) {
		if (color.get(root) !== WHITE) continue;
		// Iterative DFS: the stack holds [id, index of the next dependency to visit].
		const stack: Array<[string, number]> = [[root, 0]];
		color.set(root, GREY);
		while (stack.length > 0) {
			const top = stack[stack.length - 1];
			const list = deps.get(top[0]) ?? [];
			if (top[1] >= list.length) {
				color.set(top[0], BLACK);
				stack.pop();
				continue;
			}
			const next = list[top[1]++];
			const c = color.get(next);
			if (c === undefined || c === BLACK) continue;
			if (c === GREY) {
				const from = stack.findIndex(([id]) => id === next);
				return [...stack.slice(from).map(([id]) => id), next];
			}
			color.set(next, GREY);
			stack.push([next, 0]);
		}
	}
	return null;
}

/**
 * True when every dependency between known steps points to a step earlier in the plan: then there
 * is no cycle (the usual plan; spec-kit imports always). Ids are placed by their first occurrence,
 * as in `deps`.
 */
function pointsBackwards(plan: Plan, deps: Map<string, string[]>): boolean {
	const position = new Map<string, number>();
	let n = 0;
	for (const phase of plan.phases) for (const step of phase.steps) if (!position.has(step.id)) position.set(step.id, n++);
	for (const [id, list] of deps) {
		const at = position.get(id);
		if (at === undefined) return false;
		for (const d of list) {
			const j = position.get(d);
			if (j !== undefined ? j >= at : deps.has(d)) return false;
		}
	}
	return true;
}

/** A binary min-heap of numbers (plan positions), for a stable topological order. */
class MinHeap {
	private readonly a: number[] = [];
	get size(): number {
		return this.a.length;
	}
	push(v: number): void {
		const a = this.a;
		a.push(v);
		let i = a.length - 1;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (a[p] <= v) break;
			a[i] = a[p];
			i = p;
		}
		a[i] = v;
	}
	pop(): number {
		const a = this.a;
		const top = a[0];
		const last = a.pop()!;
		if (a.length > 0) {
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				if (l >= a.length) break;
				const r = l + 1;
				const c = r < a.length && a[r] < a[l] ? r : l;
				if (a[c] >= last) break;
				a[i] = a[c];
				i = c;
			}
			a[i] = last;
		}
		return top;
	}
}

/**
 * The steps of one phase in a stable topological order: a step comes after its dependencies
 * inside the phase, otherwise plan order. Steps caught in a cycle (validation rejects those)
 * are appended in plan order so the result always holds every step once.
 */
export function phaseOrder(steps: Step[], deps: Map<string, string[]>): Step[] {
	// `steps` are a phase of the plan `deps` was computed from, in plan order.
	if (deps instanceof DependencyMap && deps.backwards) return steps.slice();
	const index = new Map<string, number>();
	steps.forEach((s, i) => {
		if (!index.has(s.id)) index.set(s.id, i);
	});
	// The common case: every dependency inside the phase is an earlier step, so plan order is the
	// stable topological order (the min-heap below would pop 0, 1, 2, … as well).
	if (inPlanOrder(steps, deps, index)) return steps.slice();
	const indegree = new Array<number>(steps.length).fill(0);
	const dependents: number[][] = steps.map(() => []);
	steps.forEach((s, i) => {
		if (index.get(s.id) !== i) return; // duplicate id
		for (const d of new Set(deps.get(s.id) ?? [])) {
			const j = index.get(d);
			if (j === undefined || j === i) continue; // outside the phase, or a self-cycle
			indegree[i]++;
			dependents[j].push(i);
		}
	});
	const heap = new MinHeap();
	indegree.forEach((n, i) => {
		if (n === 0) heap.push(i);
	});
	const placed = new Array<boolean>(steps.length).fill(false);
	const out: Step[] = [];
	while (heap.size > 0) {
		const i = heap.pop();
		placed[i] = true;
		out.push(steps[i]);
		for (const j of dependents[i]) if (--indegree[j] === 0) heap.push(j);
	}
	if (out.length < steps.length) steps.forEach((s, i) => placed[i] || out.push(s));
	return out;
}

function inPlanOrder(steps: Step[], deps: Map<string, string[]>, index: Map<string, number>): boolean {
	for (let i = 0; i < steps.length; i++) {
		const list = deps.get(steps[i].id);
		if (!list) continue;
		for (const d of list) {
			const j = index.get(d);
			if (j !== undefined && j > i) return false;
		}
	}
	return true;
}

/** Does `step` depend on one of `members`? */
function dependsOnAny(deps: Map<string, string[]>, step: Step, members: Set<string>): boolean {
	if (members.size === 0) return false;
	const list = deps.get(step.id);
	if (list) for (const d of list) if (members.has(d)) return true;
	return false;
}

/**
 * Batches in execution order, phase by phase. Consecutive steps (in the phase's topological
 * order) that are all parallel, do not depend on each other and declare disjoint files share
 * a batch of at most `maxParallel` steps (default: unlimited); every other step is a batch
 * of one. Done steps are included: the engine skips them.
 */
export function executionBatches(plan: Plan, opts: {maxParallel?: number; deps?: Map<string, string[]>} = {}): string[][] {
	const max = opts.maxParallel && opts.maxParallel > 0 ? opts.maxParallel : Infinity;
	const deps = opts.deps ?? effectiveDeps(plan);
	const batches: string[][] = [];
	// One set and one index for the whole walk, emptied at each batch boundary.
	const members = new Set<string>();
	const files = new FileIndex();
	for (const phase of plan.phases) {
		let batch: string[] = [];
		const flush = () => {
			if (batch.length > 0) batches.push(batch);
			batch = [];
			members.clear();
			files.clear();
		};
		for (const step of phaseOrder(phase.steps, deps)) {
			const canJoin =
				step.parallel &&
				batch.length > 0 &&
				batch.length < max &&
				!dependsOnAny(deps, step, members) &&
				!files.overlapsAny(step.files);
			if (!canJoin) flush();
			batch.push(step.id);
			if (!step.parallel) {
				flush();
				continue;
			}
			members.add(step.id);
			files.add(step.id, step.files);
		}
		flush();
	}
	return batches;
}

/** Two parallel steps that would share a batch but declare overlapping files. */
export interface FileConflict {
	step: string;
	other: string;
	files: string[];
}

/**
 * Pairs of parallel steps that would share a batch (consecutive in order, parallel, no
 * dependency between them) but declare overlapping files. The scheduler runs them one after
 * the other; validation reports them because the plan says they may run together.
 */
export function parallelFileConflicts(plan: Plan, deps: Map<string, string[]> = effectiveDeps(plan)): FileConflict[] {
	return parallelGroups(plan, deps).conflicts;
}

/**
 * One walk for the plan check and the schedule: the conflicts parallelFileConflicts reports and,
 * when there are none, the batches executionBatches(plan, {deps}) gives without a cap (the groups
 * of the walk are exactly those batches then). A 10,000-step plan is walked once instead of twice.
 */
export function parallelGroups(plan: Plan, deps: Map<string, string[]> = effectiveDeps(plan)): {conflicts: FileConflict[]; batches?: string[][]} {
	const out: FileConflict[] = [];
	const batches: string[][] = [];
	let group: string[] = [];
	const members = new Set<string>();
	const files = new FileIndex();
	const flush = () => {
		if (group.length > 0) batches.push(group);
		group = [];
		members.clear();
		files.clear();
	};
	for (const phase of plan.phases) {
		flush();
		for (const step of phaseOrder(phase.steps, deps)) {
			if (!step.parallel || dependsOnAny(deps, step, members)) flush();
			if (!step.parallel) {
				batches.push([step.id]);
				continue;
			}
			// Most steps share nothing with their group: a look-up by path answers that without collecting hits.
			if (files.overlapsAny(step.files)) {
				const byOther = new Map<string, string[]>();
				for (const f of step.files) {
					for (const hit of files.hits(f)) {
						if (hit.owner === step.id) continue;
						const list = byOther.get(hit.owner) ?? [];
						if (!list.includes(f)) list.push(f);
						byOther.set(hit.owner, list);
					}
				}
				for (const [other, shared] of byOther) out.push({step: step.id, other, files: shared});
			}
			group.push(step.id);
			members.add(step.id);
			files.add(step.id, step.files);
		}
	}
	flush();
	return out.length === 0 ? {conflicts: out, batches} : {conflicts: out};
}

/**
 * Files (or globs) declared by more than one step, in the order the sharing is found (plan
 * order), each with the steps (plan order) whose declarations overlap it. Where a glob or a
 * folder overlaps a file, the entry named is the glob or the folder.
 */
export function sharedFiles(plan: Plan): Array<{file: string; steps: string[]}> {
	const steps = plan.phases.flatMap((p) => p.steps);
	const order = new Map<string, number>();
	steps.forEach((s, i) => order.has(s.id) || order.set(s.id, i));

	const index = new FileIndex();
	const groups = new Map<string, Set<string>>(); // normalised entry → steps
	const firstRaw = new Map<string, string>();
	for (const step of steps) {
		for (const raw of step.files) {
			const norm = fileEntry(raw).norm;
			if (!firstRaw.has(norm)) firstRaw.set(norm, raw);
			// Everything declared so far that overlaps this entry joins both groups.
			if (!index.overlaps(raw)) continue;
			for (const hit of index.hits(raw)) {
				if (hit.owner === step.id) continue;
				const key = overlapKey(fileEntry(hit.file).norm, norm);
				let set = groups.get(key);
				if (!set) groups.set(key, (set = new Set()));
				set.add(hit.owner).add(step.id);
			}
		}
		index.add(step.id, step.files);
	}
	const out: Array<{file: string; steps: string[]}> = [];
	for (const [key, set] of groups) {
		out.push({file: firstRaw.get(key) ?? key, steps: [...set].sort((a, b) => order.get(a)! - order.get(b)!)});
	}
	return out;
}

/** Which of two overlapping entries names the shared thing: the glob or the enclosing folder. */
function overlapKey(a: string, b: string): string {
	if (a === b) return a;
	const ea = fileEntry(a);
	const eb = fileEntry(b);
	if (ea.isGlob !== eb.isGlob) return ea.isGlob ? a : b;
	if (!ea.isGlob) return a.length <= b.length ? a : b; // the folder
	return a;
}
