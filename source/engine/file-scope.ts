// After every step: did it touch only what it declared? Out-of-scope files, files owned by a
// later pending step, changes to .git / the memory folder / the plan, and big-bang changes
// become warnings at the gate (failures with `strict: true`).
import path from 'node:path';
import picomatch from 'picomatch';
import type {FileChange, Plan, Step} from '../types.js';
import {MEMORY_DIR} from '../util/paths.js';

export function matcherFor(globs: string[]): (file: string) => boolean {
	if (globs.length === 0) return () => false;
	const matchers = globs.map(g => picomatch(g.replace(/^\.\//, ''), {dot: true}));
	return file => matchers.some(m => m(file)) || globs.some(g => file.startsWith(g.replace(/\/?$/, '/')));
}

export function scopeWarnings(input: {
	step: Step;
	files: FileChange[];
	plan: Plan;
	cwd: string;
	/** Steps that have not run yet. */
	pending: Step[];
}): string[] {
	const {step, files, plan, cwd, pending} = input;
	const warnings: string[] = [];
	const planRel = path.relative(cwd, plan.source.path).split(path.sep).join('/');
	const protectedHits = files.filter(f => f.path.startsWith('.git/') || f.path.startsWith(MEMORY_DIR + '/') || f.path === planRel);
	for (const hit of protectedHits) warnings.push(`${step.id} modified ${hit.path}, which belongs to the orchestrator`);
	// spec-kit tasks.md is ticked by the orchestrator itself; never flag that.
	const candidates = files.filter(f => !protectedHits.includes(f) && f.path !== planRel);
	if (step.files.length > 0) {
		const inScope = matcherFor(step.files);
		const outside = candidates.filter(f => !inScope(f.path)).map(f => f.path);
		if (outside.length > 0) warnings.push(`${step.id} modified files outside its scope: ${summarize(outside)}`);
	}
	const owned: string[] = [];
	for (const other of pending) {
		if (other.id === step.id || other.files.length === 0) continue;
		const theirs = matcherFor(other.files);
		for (const f of candidates) if (theirs(f.path) && !matcherFor(step.files)(f.path)) owned.push(`${f.path} (${other.id})`);
	}
	if (owned.length > 0) warnings.push(`${step.id} modified files owned by later steps: ${summarize(owned)}`);
	if (files.length > plan.max_files) warnings.push(`${step.id} modified ${files.length} files (more than ${plan.max_files}): big bang change`);
	return warnings;
}

function summarize(items: string[]): string {
	const unique = [...new Set(items)];
	return unique.length > 5 ? `${unique.slice(0, 5).join(', ')} and ${unique.length - 5} more` : unique.join(', ');
}
