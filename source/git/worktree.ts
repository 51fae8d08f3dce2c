// Worktrees for parallel batches: each parallel step runs in its own detached worktree made
// from the batch's starting checkpoint, commits there, and its commit is brought onto the
// checked-out branch afterwards. The worktrees live under the common git directory
// (.git/orchestrator-worktrees/<id>/), so they never show as untracked files of the repository.
import fs from 'node:fs/promises';
import path from 'node:path';
import type {RepoContext} from './context.js';
import {GitExitError} from './runner.js';

export function worktreeRoot(ctx: RepoContext, implementationId: string): string {
	return path.join(ctx.commonDir, 'orchestrator-worktrees', safe(implementationId));
}

function safe(name: string): string {
	return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** A detached worktree of `commit` for one step; an old one of the same name is replaced. */
export async function addWorktree(ctx: RepoContext, implementationId: string, name: string, commit: string): Promise<string> {
	const dir = path.join(worktreeRoot(ctx, implementationId), safe(name));
	// Batches add their worktrees concurrently: clearing an old one must not take the shared
	// parent folder away from the others.
	await removeWorktree(ctx, dir, {keepParent: true});
	await fs.mkdir(path.dirname(dir), {recursive: true});
	await ctx.git.run(['worktree', 'add', '--detach', '--force', dir, commit]);
	return dir;
}

export async function removeWorktree(ctx: RepoContext, dir: string, opts: {keepParent?: boolean} = {}): Promise<void> {
	try {
		await ctx.git.run(['worktree', 'remove', '--force', '--force', dir]);
	} catch {
		// Not registered (never made, or pruned): the folder may still be there.
	}
	await fs.rm(dir, {recursive: true, force: true});
	// The session's folder goes when its last worktree does.
	if (!opts.keepParent) await fs.rmdir(path.dirname(dir)).catch(() => {});
}

/** Every worktree of this session, after a crash too: removed, and git's records pruned. */
export async function removeAllWorktrees(ctx: RepoContext, implementationId: string): Promise<number> {
	const root = worktreeRoot(ctx, implementationId);
	let names: string[] = [];
	try {
		names = await fs.readdir(root);
	} catch {
		names = [];
	}
	for (const name of names) await removeWorktree(ctx, path.join(root, name));
	await fs.rm(root, {recursive: true, force: true});
	await ctx.git.run(['worktree', 'prune']);
	return names.length;
}

export interface PickResult {
	ok: boolean;
	/** Files in conflict when not ok. */
	conflicts: string[];
}

/**
 * Applies a commit's changes to the working tree and index of the checked-out branch without
 * committing (the caller commits, so a spec-kit tick can join the same commit). A conflict is
 * undone at once: the tree and index are left as they were.
 */
export async function applyCommit(ctx: RepoContext, commit: string): Promise<PickResult> {
	try {
		await ctx.git.run(['cherry-pick', '--no-commit', '--allow-empty', commit]);
		return {ok: true, conflicts: []};
	} catch (error) {
		if (!(error instanceof GitExitError)) throw error;
		const status = await ctx.git.out(['diff', '--name-only', '--diff-filter=U']);
		const conflicts = status.split('\n').filter(Boolean);
		try {
			await ctx.git.run(['cherry-pick', '--abort']);
		} catch {
			// --no-commit leaves no sequencer state on some versions: reset what it did instead.
			await ctx.git.run(['reset', '--merge']);
		}
		return {ok: false, conflicts: conflicts.length > 0 ? conflicts : ['(git could not apply the commit)']};
	}
}
