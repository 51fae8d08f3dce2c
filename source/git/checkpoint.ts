// Step checkpoints: the hot path of a run. A step that changed something costs two git calls
// (`add -A --verbose`, `commit`), like a bare `git add -A; git commit` loop; both print, so
// simple-git's 50 ms wait for silent commands never applies (perf-anchors.md §4).
import {literal, type RepoContext} from './context.js';
import {GitExitError} from './runner.js';
import {formatMessage, parseAddVerbose, parseCommitSummary, parseTrailers} from './parse.js';

export const STEP_TRAILER = 'Orchestrator-Step';

export interface StepCommit {
	commit: string;
	/** Paths the commit changed (a rename lists both names). */
	files: string[];
}

/** Stage everything (tracked changes, deletions, untracked non-ignored files) and commit; null when nothing changed. */
export async function commitStep(ctx: RepoContext, message: string, trailers: Record<string, string>): Promise<StepCommit | null> {
	let files = parseAddVerbose(await ctx.git.out(['add', '-A', '--verbose']));
	if (files !== null && files.length === 0) {
		// add staged nothing; something may have been staged before us (an agent's `git add`).
		files = await stagedPaths(ctx);
		if (files.length === 0) return null;
	}
	const summary = await commit(ctx, [], formatMessage(message, trailers));
	if (!summary) return null;
	// add --verbose misses paths staged earlier and splits renames in two; git's own count says
	// whether the list is complete, and only when it is not do we ask for the list.
	if (files === null || summary.filesChanged === null || summary.filesChanged !== new Set(files).size) {
		files = await commitFiles(ctx, summary.hash);
	}
	return {commit: summary.hash, files};
}

/** An empty commit (the start checkpoint on an unborn branch): ignores anything staged. */
export async function commitAllowEmpty(ctx: RepoContext, message: string, trailers: Record<string, string>): Promise<string> {
	const summary = await commit(ctx, ['--only', '--allow-empty'], formatMessage(message, trailers));
	if (!summary) throw new Error('git commit --allow-empty made no commit');
	return summary.hash;
}

/** Commit only these paths (the plan file into the start checkpoint); other staged work stays staged. */
export async function addAndCommitPaths(
	ctx: RepoContext,
	paths: string[],
	message: string,
	trailers: Record<string, string>,
): Promise<string | null> {
	if (paths.length === 0) return null;
	const specs = paths.map(literal);
	await ctx.git.out(['add', '-A', '--verbose', '--', ...specs]);
	const staged = await stagedPaths(ctx, specs);
	if (staged.length === 0) return null;
	const summary = await commit(ctx, ['--only', '--', ...specs], formatMessage(message, trailers));
	return summary?.hash ?? null;
}

/**
 * Commits reachable from HEAD after `sinceCommit` whose trailer is `Orchestrator-Step: <id>/<step>`
 * → step id → commit; the newest commit of a step wins (crash adoption on resume).
 */
export async function stepCommits(ctx: RepoContext, implementationId: string, sinceCommit: string): Promise<Map<string, string>> {
	const found = new Map<string, string>();
	const head = await ctx.git.run(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], {okCodes: [1]});
	if (head.exitCode !== 0) return found;
	// Newest first; a record is "<hash>\x1f<message>\x1e".
	const log = await ctx.git.out(['log', '--format=%H%x1f%B%x1e', `${sinceCommit}..HEAD`]);
	const prefix = `${implementationId}/`;
	for (const record of log.split('\x1e')) {
		const [hash, message] = record.replace(/^\n/, '').split('\x1f');
		if (!hash || message === undefined) continue;
		for (const [key, value] of parseTrailers(message)) {
			if (key.toLowerCase() !== STEP_TRAILER.toLowerCase() || !value.startsWith(prefix)) continue;
			const stepId = value.slice(prefix.length);
			if (stepId && !found.has(stepId)) found.set(stepId, hash.trim());
		}
	}
	return found;
}

/** Paths whose index entry differs from HEAD (or from nothing on an unborn branch). */
async function stagedPaths(ctx: RepoContext, pathspecs: string[] = []): Promise<string[]> {
	const out = await ctx.git.out(['diff', '--cached', '--no-renames', '--name-only', '-z', '--', ...pathspecs]);
	return out.split('\0').filter(Boolean);
}

/** The paths a commit changed against its parent (or against nothing for a root commit). */
export async function commitFiles(ctx: RepoContext, commit: string): Promise<string[]> {
	const out = await ctx.git.out(['diff-tree', '-r', '--root', '--no-commit-id', '--no-renames', '--name-only', '-z', commit]);
	return out.split('\0').filter(Boolean);
}

/**
 * `git commit` for a checkpoint. --no-verify: pre-commit/commit-msg hooks (lint-staged & co.) would
 * run, and could refuse, at every step; checking the work is the gates' job. core.abbrev at the
 * full hash length makes the summary line name the new commit, so no rev-parse is needed.
 * maintenance.auto=false: git's housekeeping check after each commit (a `git maintenance run
 * --auto` process) runs once when the run ends instead (Repo.autoMaintenance).
 */
async function commit(ctx: RepoContext, args: string[], message: string) {
	const [identity, emptyTree] = await Promise.all([ctx.identityArgs(), ctx.emptyTree()]);
	let out: string;
	try {
		out = await ctx.git.out([
			...identity,
			'-c',
			`core.abbrev=${emptyTree.length}`,
			'-c',
			'maintenance.auto=false',
			'commit',
			'--no-verify',
			'--cleanup=whitespace',
			'-m',
			message,
			...args,
		]);
	} catch (error) {
		// A race with nothing left to commit (exit 1, "nothing to commit") is not a failure.
		if (error instanceof GitExitError && error.exitCode === 1 && /nothing (added )?to commit|no changes added/.test(error.stdout)) {
			return null;
		}
		throw error;
	}
	const summary = parseCommitSummary(out);
	if (summary && summary.hash.length === emptyTree.length) return summary;
	const hash = (await ctx.git.out(['rev-parse', 'HEAD'])).trim();
	return {hash, filesChanged: summary?.filesChanged ?? null};
}
