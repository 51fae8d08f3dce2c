import {readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {UsageError} from '../util/errors.js';
import {findFeatureTasks} from './feature-dir.js';

/** Where `orchestrator init` writes a plan. */
export const DEFAULT_PLAN_DIR = '.specify/implementation';
const DEFAULT_PLAN_NAMES = ['plan.yaml', 'plan.yml', 'plan.json'];

async function isFile(p: string): Promise<boolean> {
	try {
		return (await stat(p)).isFile();
	} catch {
		return false;
	}
}

/**
 * The plan to use when none is given: `.specify/implementation/plan.yaml` (or .yml/.json),
 * else the feature spec-kit itself would pick (SPECIFY_FEATURE_DIRECTORY, .specify/feature.json,
 * the branch name NNN-*), else the most recently modified `specs/<feature>/tasks.md`.
 */
export async function findDefaultPlan(cwd: string): Promise<string> {
	for (const name of DEFAULT_PLAN_NAMES) {
		const p = path.join(cwd, DEFAULT_PLAN_DIR, name);
		if (await isFile(p)) return p;
	}
	const feature = await findFeatureTasks(cwd);
	if (feature) {
		if (await isFile(feature)) return feature;
		throw new UsageError(`the current spec-kit feature points at ${path.relative(cwd, feature) || feature}, which does not exist — run /speckit.tasks first, or pass a plan: orchestrator run PLAN`);
	}
	let newest: {path: string; mtime: number} | undefined;
	let features: string[] = [];
	try {
		features = await readdir(path.join(cwd, 'specs'));
	} catch {
		// no specs folder
	}
	for (const feature of features.sort()) {
		const p = path.join(cwd, 'specs', feature, 'tasks.md');
		try {
			const info = await stat(p);
			if (info.isFile() && (!newest || info.mtimeMs > newest.mtime)) newest = {path: p, mtime: info.mtimeMs};
		} catch {
			// this feature has no tasks yet
		}
	}
	if (newest) return newest.path;
	throw new UsageError(
		'no plan given and none found at .specify/implementation/plan.yaml or specs/*/tasks.md — pass a plan: orchestrator run PLAN',
	);
}
