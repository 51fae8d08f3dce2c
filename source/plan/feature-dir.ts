// Which spec-kit feature is active, found the way spec-kit's own scripts find it:
// 1. SPECIFY_FEATURE_DIRECTORY (a folder, absolute or relative to the repository),
// 2. .specify/feature.json ({"feature_directory": "specs/001-x"}, written by /speckit.specify),
// 3. SPECIFY_FEATURE (a feature name, "001-x" → specs/001-x),
// 4. the current git branch "NNN-name" (or "YYYYMMDD-HHMMSS-name") → specs/NNN-name/, or the one
//    specs/NNN-*/ folder with the same number.
// An explicit pointer (1-3) wins even when its tasks.md does not exist yet: the caller then says
// "specs/002-x/tasks.md not found" instead of silently running another feature's tasks.

import fs from 'node:fs/promises';
import path from 'node:path';

/** Field names seen for the feature folder in .specify/feature.json across spec-kit versions and forks. */
const FEATURE_JSON_FIELDS = ['feature_directory', 'featureDirectory', 'feature_dir', 'featureDir', 'directory', 'dir', 'path'];
const FEATURE_JSON_NAME_FIELDS = ['feature', 'feature_name', 'featureName', 'name', 'branch'];

/** Absolute path of the active feature's tasks.md, or null when no feature is active. */
export async function findFeatureTasks(cwd: string): Promise<string | null> {
	const fromEnv = process.env.SPECIFY_FEATURE_DIRECTORY?.trim();
	if (fromEnv) return tasksIn(cwd, fromEnv);

	const fromJson = await readFeatureJson(cwd);
	if (fromJson) return tasksIn(cwd, fromJson);

	const feature = process.env.SPECIFY_FEATURE?.trim();
	if (feature) return tasksIn(cwd, path.join('specs', feature));

	const branch = await currentBranch(cwd);
	if (!branch) return null;
	return tasksForBranch(cwd, branch);
}

function tasksIn(cwd: string, featureDir: string): string {
	return path.join(path.resolve(cwd, featureDir), 'tasks.md');
}

async function readFeatureJson(cwd: string): Promise<string | undefined> {
	let raw: string;
	try {
		raw = await fs.readFile(path.join(cwd, '.specify', 'feature.json'), 'utf8');
	} catch {
		return undefined;
	}
	let data: unknown;
	try {
		data = JSON.parse(raw);
	} catch {
		return undefined; // a broken machine-local pointer: fall back to the branch, as spec-kit does
	}
	if (typeof data === 'string' && data.trim()) return data.trim();
	if (!data || typeof data !== 'object') return undefined;
	const record = data as Record<string, unknown>;
	for (const key of FEATURE_JSON_FIELDS) {
		const value = record[key];
		if (typeof value === 'string' && value.trim()) return value.trim();
	}
	for (const key of FEATURE_JSON_NAME_FIELDS) {
		const value = record[key];
		if (typeof value === 'string' && value.trim()) return path.join('specs', value.trim());
	}
	return undefined;
}

async function currentBranch(cwd: string): Promise<string | undefined> {
	// symbolic-ref also names the branch of a repository with no commit yet (rev-parse cannot).
	// node:child_process rather than execa, and loaded here: this module is on the path of
	// `validate`, which should load neither unless it has to look up the branch.
	const {execFile} = await import('node:child_process');
	const branch = await new Promise<string>((resolve) => {
		execFile('git', ['symbolic-ref', '--quiet', '--short', 'HEAD'], {cwd, encoding: 'utf8'}, (error, stdout) => resolve(error ? '' : stdout.trim()));
	});
	return branch && branch !== 'HEAD' ? branch : undefined;
}

async function tasksForBranch(cwd: string, branch: string): Promise<string | null> {
	// Branches like "feature/001-x" carry the feature name last.
	const name = branch.slice(branch.lastIndexOf('/') + 1);
	const prefix = /^(\d{8}-\d{6}|\d{3,})-/.exec(name)?.[1];
	if (!prefix) return null;
	const specs = path.join(cwd, 'specs');
	const exact = path.join(specs, name, 'tasks.md');
	if (await isFile(exact)) return exact;
	let entries: string[];
	try {
		entries = await fs.readdir(specs);
	} catch {
		return null;
	}
	const candidates: string[] = [];
	for (const entry of entries.sort()) {
		if (!entry.startsWith(`${prefix}-`)) continue;
		const tasks = path.join(specs, entry, 'tasks.md');
		if (await isFile(tasks)) candidates.push(tasks);
	}
	// Two folders with the same number: ambiguous, let the caller fall back.
	return candidates.length === 1 ? candidates[0]! : null;
}

async function isFile(p: string): Promise<boolean> {
	try {
		return (await fs.stat(p)).isFile();
	} catch {
		return false;
	}
}
