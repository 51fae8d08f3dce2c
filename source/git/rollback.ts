// Saving the working state without touching it, and going back to a checkpoint.
import fs from 'node:fs/promises';
import path from 'node:path';
import {randomBytes} from 'node:crypto';
import type {RepoContext} from './context.js';

/**
 * A commit object of the current working state (tracked changes and untracked non-ignored files),
 * parent HEAD (none on an unborn branch), stored under `ref`. The working tree, the index and HEAD
 * are untouched: the staging happens in a temporary index inside the git directory.
 *
 * The temporary index starts as a copy of the real one rather than `read-tree HEAD`: it keeps the
 * stat cache, so `add -A` hashes only the files that changed instead of every file of the
 * repository, and it keeps what the user had staged (e.g. a new file that an ignore rule matches).
 */
export async function snapshotToRef(ctx: RepoContext, ref: string, message: string): Promise<string> {
	const tmpIndex = path.join(ctx.gitDir, `orchestrator-index-${process.pid}-${randomBytes(4).toString('hex')}`);
	const env = {GIT_INDEX_FILE: tmpIndex};
	try {
		const head = await ctx.git.run(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], {okCodes: [1]});
		const parent = head.exitCode === 0 ? head.stdout.trim() : null;
		const copied = await fs.copyFile(path.join(ctx.gitDir, 'index'), tmpIndex).then(
			() => true,
			() => false,
		);
		if (!copied && parent) await ctx.git.out(['read-tree', parent], {env});
		await ctx.git.out(['add', '-A'], {env});
		const tree = (await ctx.git.out(['write-tree'], {env})).trim();
		const identity = await ctx.identityArgs();
		const commit = (
			await ctx.git.out([...identity, 'commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', message])
		).trim();
		await ctx.git.out(['update-ref', '-m', `orchestrator: ${message.split('\n')[0]}`, ref, commit]);
		return commit;
	} finally {
		await fs.rm(tmpIndex, {force: true});
		await fs.rm(`${tmpIndex}.lock`, {force: true});
	}
}

/**
 * The working tree and index exactly as at `commit`, on the current branch: tracked files reset,
 * untracked non-ignored files removed. Ignored and excluded files (the memory folder, build
 * output, node_modules) stay: `clean -fd`, never -x. Nested repositories stay too (that needs -ff).
 * The caller snapshots first (snapshotToRef), so nothing is lost.
 */
export async function restore(ctx: RepoContext, commit: string): Promise<void> {
	await ctx.git.out(['reset', '--hard', commit]);
	await ctx.git.out(['clean', '-f', '-d']);
}
