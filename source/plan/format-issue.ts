import path from 'node:path';
import type {PlanIssue} from '../types.js';

/**
 * One line per issue, in the shape editors and terminals turn into links:
 * `plan.yaml:12:7: error: unknown step "T009" in depends_on of T004 — fix: use one of T001, T002`.
 * The path is shown relative to `cwd` (default: the process's) when the file is inside it.
 */
export function formatIssue(issue: PlanIssue, cwd: string = process.cwd()): string {
	let where = displayPath(issue.file, cwd);
	if (issue.line !== undefined) {
		where += `:${issue.line}`;
		if (issue.col !== undefined) where += `:${issue.col}`;
	}
	const fix = issue.fix ? ` — fix: ${issue.fix}` : '';
	return `${where}: ${issue.severity}: ${issue.message}${fix}`;
}

export function displayPath(file: string, cwd: string = process.cwd()): string {
	if (!path.isAbsolute(file)) return file;
	const rel = path.relative(cwd, file);
	if (rel === '') return path.basename(file);
	if (rel.startsWith('..') || path.isAbsolute(rel)) return file;
	return rel;
}
