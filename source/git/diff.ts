// What changed: per-file counts between commits, live counts of the working tree, one file's patch.
import fs from 'node:fs/promises';
import path from 'node:path';
import {literal, type RepoContext} from './context.js';
import {parseRawNumstat, type GitFileChange} from './parse.js';

// --no-ext-diff/--no-textconv: counts and patches of the content itself, whatever the user's
// diff drivers are. -M: renames show as renames.
const DIFF_FLAGS = ['--no-color', '--no-ext-diff', '--no-textconv', '-M'];

/** Files changed from `from` (null: from nothing) to `to`: status, +/− lines, renames, binary. */
export async function changedFiles(ctx: RepoContext, from: string | null, to: string): Promise<GitFileChange[]> {
	const base = from ?? (await ctx.emptyTree());
	const out = await ctx.git.out(['diff', ...DIFF_FLAGS, '--raw', '--numstat', '-z', base, to, '--']);
	return parseRawNumstat(out);
}

/** What one commit changed against its first parent, and that parent. */
export interface CommitChanges {
	parent: string | null;
	files: GitFileChange[];
}

/**
 * What each of `commits` changed against its first parent, in one git call (a `changedFiles` per
 * commit would start one git per step). Commits not found, and merges, are left out of the map.
 */
export async function commitsChanges(ctx: RepoContext, commits: string[]): Promise<Map<string, CommitChanges>> {
	const found = new Map<string, CommitChanges>();
	if (commits.length === 0) return found;
	// A record: \x01<hash> <parents>\0, a newline, then what `diff --raw --numstat -z` prints.
	const out = await ctx.git.out(['log', '--no-walk=unsorted', '--format=%x01%H %P', '-z', ...DIFF_FLAGS, '--raw', '--numstat', ...commits, '--']);
	for (const record of out.split('\x01')) {
		const end = record.indexOf('\0');
		if (end === -1) continue;
		const [hash, ...parents] = record.slice(0, end).trim().split(' ').filter(Boolean);
		if (!hash || parents.length > 1) continue;
		found.set(hash, {parent: parents[0] ?? null, files: parseRawNumstat(record.slice(end + 1).replace(/^\n/, ''))});
	}
	return found;
}

/** Biggest untracked file whose lines we count; larger ones show as binary (no counts). */
export const MAX_COUNTED_BYTES = 8 * 1024 * 1024;

/**
 * The working tree against `from`, live: tracked changes (index ignored, what is on disk counts)
 * plus untracked non-ignored files, each counted as all-added lines. Read-only: takes no lock, so
 * polling it beside an agent's own git commands is safe.
 */
export async function workingChanges(ctx: RepoContext, from: string, cache: UntrackedCountCache = new Map()): Promise<GitFileChange[]> {
	const [tracked, untracked] = await Promise.all([
		ctx.git.out(['--no-optional-locks', 'diff', ...DIFF_FLAGS, '--raw', '--numstat', '-z', from, '--']),
		untrackedFiles(ctx),
	]);
	const changes = parseRawNumstat(tracked);
	const seen = new Set(changes.map((change) => change.path));
	const fresh = untracked.filter((file) => !seen.has(file));
	const added = await Promise.all(fresh.map((file) => countUntracked(ctx.root, file, cache)));
	// Forget files that are no longer untracked, so the cache stays as small as the listing.
	if (cache.size > fresh.length) {
		const keep = new Set(fresh);
		for (const key of cache.keys()) if (!keep.has(key)) cache.delete(key);
	}
	return [...changes, ...added].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function untrackedFiles(ctx: RepoContext): Promise<string[]> {
	const out = await ctx.git.out(['ls-files', '--others', '--exclude-standard', '-z']);
	return out.split('\0').filter(Boolean);
}

/** Counts of untracked files by path, valid while size and mtime match: a poll re-reads only what changed. */
export type UntrackedCountCache = Map<string, {size: number; mtimeMs: number; change: GitFileChange}>;

async function countUntracked(root: string, file: string, cache: UntrackedCountCache): Promise<GitFileChange> {
	const change: GitFileChange = {path: file, status: 'A', added: 0, removed: 0};
	try {
		const stat = await fs.lstat(path.join(root, file));
		if (!stat.isFile()) return change; // a nested repository, a symlink: no lines to count
		const cached = cache.get(file);
		if (cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) return {...cached.change};
		if (stat.size > MAX_COUNTED_BYTES) {
			change.binary = true;
		} else {
			const bytes = await fs.readFile(path.join(root, file));
			if (isBinary(bytes)) change.binary = true;
			else change.added = countLines(bytes);
		}
		cache.set(file, {size: stat.size, mtimeMs: stat.mtimeMs, change: {...change}});
	} catch {
		// Deleted between the listing and the read: report it without counts.
	}
	return change;
}

/** git's own test: a NUL byte in the first 8000 bytes. */
export function isBinary(bytes: Uint8Array): boolean {
	const end = Math.min(bytes.length, 8000);
	for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
	return false;
}

/** Lines as git counts them: a last line without a newline still counts. */
export function countLines(bytes: Uint8Array): number {
	let lines = 0;
	for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lines++;
	if (bytes.length > 0 && bytes[bytes.length - 1] !== 10) lines++;
	return lines;
}

/**
 * The unified diff of one file from `from` (null: nothing) to `to` (null: the working tree, where
 * an untracked file shows as all added). Empty when the file did not change.
 */
export async function patch(ctx: RepoContext, from: string | null, to: string | null, file: string): Promise<string> {
	const base = from ?? (await ctx.emptyTree());
	const spec = literal(file);
	if (to !== null) {
		return ctx.git.out(['diff', ...DIFF_FLAGS, base, to, '--', spec]);
	}
	const tracked = await ctx.git.out(['--no-optional-locks', 'diff', ...DIFF_FLAGS, base, '--', spec]);
	if (tracked !== '') return tracked;
	const untracked = await ctx.git.out(['ls-files', '--others', '--exclude-standard', '-z', '--', spec]);
	if (!untracked.split('\0').includes(file)) return '';
	// --no-index exits 1 when the files differ, which they always do here.
	const result = await ctx.git.run(['diff', '--no-index', '--no-color', '--no-ext-diff', '--no-textconv', '--', '/dev/null', file], {okCodes: [1]});
	return result.stdout;
}
