import path from 'node:path';
import picomatch from 'picomatch';

// Do two steps' declared files (literal paths or globs) touch the same file?
//
// The rule is deliberately simple and errs towards "overlap" only where real overlap is likely:
// - two literals overlap when they are equal or one is a folder holding the other (`src/api` ⊃ `src/api/x.ts`);
// - a literal and a glob overlap when the glob matches the literal;
// - two globs overlap when either glob matches the other's text taken literally
//   (`src/**/*.ts` matches the text `src/api/*.ts`) or the other's literal prefix
//   (`src/**` matches `src`, the prefix of `src/a/*.js`).
// So `src/*.ts` and `src/*.js` do not overlap, `src/**` and `src/api/*.ts` do.

const MATCH_OPTIONS = {dot: true};

export interface FileEntry {
	/** As declared (for messages). */
	raw: string;
	/** Normalised: posix, no leading ./, no trailing /. */
	norm: string;
	isGlob: boolean;
	/** Literal folder prefix of a glob ('' when the glob starts with a wildcard); the path itself for a literal. */
	base: string;
	match?: (p: string) => boolean;
}

const entryCache = new Map<string, FileEntry>();

export function fileEntry(raw: string): FileEntry {
	const cached = entryCache.get(raw);
	if (cached) return cached;
	let norm = raw.trim().replace(/\\/g, '/');
	if (norm !== '') norm = path.posix.normalize(norm);
	norm = norm.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
	if (norm === '.') norm = '';
	const scan = picomatch.scan(norm);
	const entry: FileEntry = scan.isGlob
		? {raw, norm, isGlob: true, base: scan.base, match: picomatch(norm, MATCH_OPTIONS)}
		: {raw, norm, isGlob: false, base: norm};
	if (entryCache.size > 50_000) entryCache.clear();
	entryCache.set(raw, entry);
	return entry;
}

function isInside(child: string, parent: string): boolean {
	return parent === '' || child === parent || child.startsWith(parent + '/');
}

export function entriesOverlap(a: FileEntry, b: FileEntry): boolean {
	if (!a.isGlob && !b.isGlob) return isInside(a.norm, b.norm) || isInside(b.norm, a.norm);
	if (a.isGlob && !b.isGlob) return a.match!(b.norm) || isInside(a.base, b.norm);
	if (!a.isGlob && b.isGlob) return b.match!(a.norm) || isInside(b.base, a.norm);
	return a.match!(b.norm) || b.match!(a.norm) || a.match!(b.base) || b.match!(a.base);
}

/** The entries of `a` that overlap some entry of `b` (as declared in `a`, without duplicates). */
export function filesOverlap(a: string[], b: string[]): string[] {
	if (a.length === 0 || b.length === 0) return [];
	const bs = b.map(fileEntry);
	const out: string[] = [];
	for (const raw of a) {
		const ea = fileEntry(raw);
		if (bs.some((eb) => entriesOverlap(ea, eb)) && !out.includes(raw)) out.push(raw);
	}
	return out;
}

function ancestors(p: string): string[] {
	const out: string[] = [];
	let i = p.lastIndexOf('/');
	while (i > 0) {
		out.push(p.slice(0, i));
		i = p.lastIndexOf('/', i - 1);
	}
	return out;
}

/**
 * The files declared by a growing set of steps, answering "which of them does this entry overlap?"
 * without comparing against every entry: literals are found by exact path and folder, globs
 * are compared against the literals under their prefix and against the (usually few) other globs.
 */
export class FileIndex {
	private readonly literals = new Map<string, Set<string>>();
	/** folder → literals declared inside it (any depth). */
	private readonly under = new Map<string, Set<string>>();
	private readonly globs: Array<{entry: FileEntry; owner: string}> = [];

	add(owner: string, files: string[]): void {
		for (const raw of files) {
			const e = fileEntry(raw);
			if (e.isGlob) {
				this.globs.push({entry: e, owner});
				continue;
			}
			let owners = this.literals.get(e.norm);
			if (!owners) {
				owners = new Set();
				this.literals.set(e.norm, owners);
				for (const dir of ancestors(e.norm)) {
					let set = this.under.get(dir);
					if (!set) this.under.set(dir, (set = new Set()));
					set.add(e.norm);
				}
			}
			owners.add(owner);
		}
	}

	/** Owners whose files overlap `raw`, each with the declared entry it overlaps. */
	hits(raw: string): Array<{owner: string; file: string}> {
		const e = fileEntry(raw);
		const out: Array<{owner: string; file: string}> = [];
		const addLiteral = (lit: string) => {
			for (const owner of this.literals.get(lit) ?? []) out.push({owner, file: lit});
		};
		if (!e.isGlob) {
			addLiteral(e.norm);
			for (const dir of ancestors(e.norm)) addLiteral(dir);
			for (const lit of this.under.get(e.norm) ?? []) addLiteral(lit);
		} else {
			const candidates = e.base === '' ? this.literals.keys() : (this.under.get(e.base) ?? []);
			for (const lit of candidates) if (e.match!(lit)) addLiteral(lit);
			// A literal folder that holds the glob's prefix (`src` vs `src/api/*.ts`).
			if (e.base !== '') {
				addLiteral(e.base);
				for (const dir of ancestors(e.base)) addLiteral(dir);
			}
		}
		for (const g of this.globs) if (entriesOverlap(e, g.entry)) out.push({owner: g.owner, file: g.entry.raw});
		return out;
	}

	overlapsAny(files: string[]): boolean {
		return files.some((f) => this.hits(f).length > 0);
	}
}
