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
	// Fast path for the common case, a plain relative path: no parsing needed.
	if (isPlain(raw)) return {raw, norm: raw, isGlob: false, base: raw};
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
	remember(raw, entry);
	return entry;
}

/**
 * What a plain relative path never holds: glob or escape characters, white space or control
 * characters, a "." or "/" at the start or after a "/" (`./`, `//`, `/.`), a trailing "/".
 */
const NOT_PLAIN = /[*?[\]{}()!+@\\\x00-\x20]|(?:^|\/)[./]|\/$/;

/**
 * A plain relative path needs no normalising or glob parsing. A native expression: this runs a
 * few times per declared file, 20,000 files for a large tasks.md, mostly before the JIT compiles
 * a hand-written scan.
 */
export function isPlain(raw: string): boolean {
	return raw.length > 0 && !NOT_PLAIN.test(raw);
}

function remember(raw: string, entry: FileEntry): void {
	if (entryCache.size >= 100_000) entryCache.clear();
	entryCache.set(raw, entry);
}

function isInside(child: string, parent: string): boolean {
	if (parent === '' || child === parent) return true;
	return child.length > parent.length && child.charCodeAt(parent.length) === 47 && child.startsWith(parent);
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

/** Calls `fn` with each folder above `p`, nearest first (`a/b/c` → `a/b`, `a`). */
function eachAncestor(p: string, fn: (dir: string) => void): void {
	let i = p.lastIndexOf('/');
	while (i > 0) {
		fn(p.slice(0, i));
		i = p.lastIndexOf('/', i - 1);
	}
}

/**
 * The files declared by a growing set of steps, answering "which of them does this entry overlap?"
 * without comparing against every entry in the common case (plain paths): literals are found by
 * exact path and by their folders. Only a declared folder that holds other declarations, or a glob,
 * falls back to scanning the literals, and globs are compared with the (usually few) other globs.
 */
/** Up to this many plain paths a FileIndex compares them one by one instead of indexing them. */
const FEW = 16;

export class FileIndex {
	/**
	 * While only a few plain paths are declared (a typical parallel batch): the paths and their owners,
	 * in order. null once the index below is in use; it is built from these, so answers do not change.
	 */
	private few: string[] | null = [];
	private fewOwners: string[] = [];
	/** literal → its owners (one owner is stored as the string itself: it is by far the common case). */
	private readonly literals = new Map<string, string | string[]>();
	/** Every folder above a declared literal. */
	private readonly dirs = new Set<string>();
	private readonly globs: Array<{entry: FileEntry; owner: string}> = [];

	add(owner: string, files: string[]): void {
		if (this.few) {
			if (this.few.length + files.length <= FEW && files.every(isPlain)) {
				for (const raw of files) {
					this.few.push(raw);
					this.fewOwners.push(owner);
				}
				return;
			}
			this.grow();
		}
		this.index(owner, files);
	}

	/** From the few-paths form to the maps, adding the paths in the order they came. */
	private grow(): void {
		const few = this.few;
		if (!few) return;
		const owners = this.fewOwners;
		this.few = null;
		this.fewOwners = [];
		for (let i = 0; i < few.length; i++) this.index(owners[i]!, [few[i]!]);
	}

	private index(owner: string, files: string[]): void {
		for (const raw of files) {
			let norm = raw; // a plain path is its own normal form (fileEntry's fast path)
			if (!isPlain(raw)) {
				const e = fileEntry(raw);
				if (e.isGlob) {
					this.globs.push({entry: e, owner});
					continue;
				}
				norm = e.norm;
			}
			const owners = this.literals.get(norm);
			if (owners === undefined) {
				this.literals.set(norm, owner);
				// Folders above it; stop at the first one already known (its parents are too).
				let i = norm.lastIndexOf('/');
				while (i > 0) {
					const dir = norm.slice(0, i);
					if (this.dirs.has(dir)) break;
					this.dirs.add(dir);
					i = norm.lastIndexOf('/', i - 1);
				}
			} else if (typeof owners === 'string') {
				if (owners !== owner) this.literals.set(norm, [owners, owner]);
			} else if (!owners.includes(owner)) owners.push(owner);
		}
	}

	/** Owners whose files overlap `raw`, each with the declared entry it overlaps. */
	hits(raw: string): Array<{owner: string; file: string}> {
		this.grow();
		const e = fileEntry(raw);
		const out: Array<{owner: string; file: string}> = [];
		const addLiteral = (lit: string) => {
			const owners = this.literals.get(lit);
			if (owners === undefined) return;
			if (typeof owners === 'string') out.push({owner: owners, file: lit});
			else for (const owner of owners) out.push({owner, file: lit});
		};
		if (!e.isGlob) {
			addLiteral(e.norm);
			eachAncestor(e.norm, addLiteral);
			// A declared folder: every literal inside it.
			if (this.dirs.has(e.norm)) for (const lit of this.literals.keys()) if (isInside(lit, e.norm) && lit !== e.norm) addLiteral(lit);
		} else {
			if (e.base === '' || this.dirs.has(e.base)) for (const lit of this.literals.keys()) if (e.match!(lit)) addLiteral(lit);
			// A literal folder that holds the glob's prefix (`src` vs `src/api/*.ts`).
			if (e.base !== '') {
				addLiteral(e.base);
				eachAncestor(e.base, addLiteral);
			}
		}
		for (const g of this.globs) if (entriesOverlap(e, g.entry)) out.push({owner: g.owner, file: g.entry.raw});
		return out;
	}

	/** Does `raw` overlap anything declared? Same answer as `hits(raw).length > 0`. */
	overlaps(raw: string): boolean {
		if (this.few) {
			if (this.few.length === 0) return false;
			if (isPlain(raw)) {
				// The same answer as below: the path itself, a folder above it or a path inside it.
				for (const lit of this.few) if (isInside(raw, lit) || isInside(lit, raw)) return true;
				return false;
			}
			this.grow();
		}
		if (this.literals.size === 0 && this.globs.length === 0) return false;
		if (isPlain(raw) && this.globs.length === 0 && !this.dirs.has(raw)) {
			// The common case without allocations: the path itself or a folder above it.
			if (this.literals.has(raw)) return true;
			let i = raw.lastIndexOf('/');
			while (i > 0) {
				if (this.literals.has(raw.slice(0, i))) return true;
				i = raw.lastIndexOf('/', i - 1);
			}
			return false;
		}
		return this.hits(raw).length > 0;
	}

	overlapsAny(files: string[]): boolean {
		for (const raw of files) if (this.overlaps(raw)) return true;
		return false;
	}

	/** Forget every declaration (reuse the index for the next batch). */
	clear(): void {
		this.few = [];
		this.fewOwners = [];
		this.literals.clear();
		this.dirs.clear();
		this.globs.length = 0;
	}
}
