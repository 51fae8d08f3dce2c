// Pure parsers for git's machine output. Every path-carrying format is read in its -z form, so
// paths come back exactly as stored (no C-quoting of spaces, quotes or non-ASCII names).
import type {FileChange} from '../types.js';

/** A FileChange that also knows where a renamed file came from. */
export interface GitFileChange extends FileChange {
	oldPath?: string;
}

export interface NameStatusEntry {
	status: FileChange['status'];
	path: string;
	oldPath?: string;
}

export interface NumstatEntry {
	path: string;
	oldPath?: string;
	added: number;
	removed: number;
	binary: boolean;
}

/** git's letters → ours: copies count as added, type changes and unmerged paths as modified. */
function normalizeStatus(letter: string): FileChange['status'] {
	switch (letter[0]) {
		case 'A':
		case 'C':
			return 'A';
		case 'D':
			return 'D';
		case 'R':
			return 'R';
		default:
			return 'M';
	}
}

/**
 * `git diff --name-status -z` (also accepts `--raw -z` records, whose status token carries a
 * ":<modes> <hashes> " prefix). Renames and copies carry two paths: old, then new.
 */
export function parseNameStatus(text: string): NameStatusEntry[] {
	const tokens = text.split('\0');
	const entries: NameStatusEntry[] = [];
	for (let i = 0; i < tokens.length; ) {
		let token = tokens[i++];
		if (token === '' || token === '\n') continue;
		if (token.startsWith(':')) token = token.slice(token.lastIndexOf(' ') + 1);
		const letter = token[0];
		if (letter === 'R' || letter === 'C') {
			const oldPath = tokens[i++];
			const path = tokens[i++];
			if (path === undefined) break;
			entries.push(letter === 'R' ? {status: 'R', path, oldPath} : {status: 'A', path});
		} else {
			const path = tokens[i++];
			if (path === undefined) break;
			entries.push({status: normalizeStatus(letter), path});
		}
	}
	return entries;
}

/** `git diff --numstat -z`: "added\tremoved\tpath\0", renames "added\tremoved\t\0old\0new\0", binary "-\t-\t…". */
export function parseNumstat(text: string): NumstatEntry[] {
	const tokens = text.split('\0');
	const entries: NumstatEntry[] = [];
	for (let i = 0; i < tokens.length; ) {
		const token = tokens[i++].replace(/^\n/, '');
		if (token === '') continue;
		const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(token);
		if (!match) continue;
		const binary = match[1] === '-' && match[2] === '-';
		const added = binary ? 0 : Number(match[1]);
		const removed = binary ? 0 : Number(match[2]);
		if (match[3] === '') {
			const oldPath = tokens[i++];
			const path = tokens[i++];
			if (path === undefined) break;
			entries.push({path, oldPath, added, removed, binary});
		} else {
			entries.push({path: match[3], added, removed, binary});
		}
	}
	return entries;
}

/** Name-status (what happened) + numstat (how much), matched by path. */
export function mergeChanges(nameStatus: NameStatusEntry[], numstat: NumstatEntry[]): GitFileChange[] {
	const counts = new Map(numstat.map((entry) => [entry.path, entry]));
	return nameStatus.map((entry) => {
		const count = counts.get(entry.path);
		const change: GitFileChange = {
			path: entry.path,
			status: entry.status,
			added: count?.added ?? 0,
			removed: count?.removed ?? 0,
		};
		if (entry.oldPath !== undefined) change.oldPath = entry.oldPath;
		if (count?.binary) change.binary = true;
		return change;
	});
}

/**
 * The output of one `git diff --raw --numstat -z` call: the raw records (":…" tokens and their
 * paths) come first, then the numstat records.
 */
export function parseRawNumstat(text: string): GitFileChange[] {
	const tokens = text.split('\0');
	let i = 0;
	while (i < tokens.length) {
		const token = tokens[i];
		if (token === '' || !token.startsWith(':')) break;
		const letter = token.slice(token.lastIndexOf(' ') + 1)[0];
		i += letter === 'R' || letter === 'C' ? 3 : 2;
	}
	const raw = tokens.slice(0, i).join('\0');
	const numstat = tokens.slice(i).join('\0');
	return mergeChanges(parseNameStatus(raw), parseNumstat(numstat));
}

/** `git status --porcelain=v1 -z`: the paths (a rename's new path). */
export function parsePorcelainPaths(text: string): string[] {
	const tokens = text.split('\0');
	const paths: string[] = [];
	for (let i = 0; i < tokens.length; ) {
		const token = tokens[i++];
		if (token.length < 4) continue;
		const xy = token.slice(0, 2);
		paths.push(token.slice(3));
		// A rename or copy is followed by its source path.
		if (xy.includes('R') || xy.includes('C')) i++;
	}
	return paths;
}

/**
 * `git add -A --verbose`: "add 'path'" / "remove 'path'" lines. Returns null when a line does not
 * parse (add --verbose does not quote, so a newline in a name splits it): the caller then asks git.
 */
export function parseAddVerbose(text: string): string[] | null {
	const paths: string[] = [];
	for (const line of text.split('\n')) {
		if (line === '') continue;
		const match = /^(?:add|remove) '(.*)'$/.exec(line);
		if (!match) return null;
		paths.push(match[1]);
	}
	return paths;
}

export interface CommitSummary {
	/** Full hash when git printed one (core.abbrev=no), else the abbreviated one. */
	hash: string;
	/** "N files changed"; null when git printed no diffstat. */
	filesChanged: number | null;
}

/** The summary `git commit` (without -q, LC_ALL=C) prints: "[main (root-commit) 1a2b…] subject\n 2 files changed, …". */
export function parseCommitSummary(text: string): CommitSummary | null {
	const head = /^\[.*? ([0-9a-f]{7,64})\] /m.exec(text);
	if (!head) return null;
	const stat = /^ (\d+) files? changed/m.exec(text);
	return {hash: head[1], filesChanged: stat ? Number(stat[1]) : null};
}

/** The trailer block of a commit message: its last paragraph's "Key: value" lines. */
export function parseTrailers(message: string): Array<[string, string]> {
	const paragraphs = message.trim().split(/\n\s*\n/);
	if (paragraphs.length < 2) return [];
	const last = paragraphs[paragraphs.length - 1];
	const trailers: Array<[string, string]> = [];
	for (const line of last.split('\n')) {
		const match = /^([A-Za-z0-9][A-Za-z0-9-]*):\s*(.*?)\s*$/.exec(line);
		if (match) trailers.push([match[1], match[2]]);
	}
	return trailers;
}

/** "subject\n\nKey: value\nKey: value" (git interpret-trailers style); values kept to one line. */
export function formatMessage(message: string, trailers: Record<string, string>): string {
	const body = message.trim().replace(/\r\n?/g, '\n');
	const lines = Object.entries(trailers).map(([key, value]) => `${key}: ${value.replace(/\s*[\r\n]+\s*/g, ' ').trim()}`);
	return lines.length ? `${body}\n\n${lines.join('\n')}\n` : `${body}\n`;
}
