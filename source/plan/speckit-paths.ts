// File paths named in a spec-kit task description ("Create User model in src/models/user.py").
// They become step.files: the engine checks them against what a step changed before it ticks the
// task, so a false positive (a library name, an API route, a spec document the task only reads)
// costs more than a miss. The rules below favour precision.

const KNOWN_EXTENSIONS = new Set(
	(
		'ts tsx mts cts js jsx mjs cjs json jsonc json5 yaml yml toml ini cfg conf properties md mdx txt rst adoc ' +
		'py pyi pyx ipynb rb erb rake gemspec go mod sum rs java kt kts scala groovy gradle swift m mm h hh hpp hxx ' +
		'c cc cpp cxx cs csproj fsproj vbproj sln fs fsx vb php pl pm sh bash zsh fish ps1 psm1 bat cmd sql prisma ' +
		'graphql gql proto thrift avsc html htm css scss sass less styl vue svelte astro xml xsd xsl plist strings ' +
		'stringsdict xib storyboard entitlements xcconfig pbxproj dart lua r jl ex exs erl hrl hs elm ml mli clj cljs ' +
		'zig nim tf tfvars hcl nix csv tsv svg png jpg jpeg gif ico webp pdf lock dockerfile tmpl tpl hbs ejs pug njk ' +
		'j2 jinja twig liquid cshtml razor cmake mk make bzl bazel sol move wasm wat ipynb snap feature spec'
	).split(' '),
);

/** Types that are named as ".zip" in prose but are never source files. */
const FILE_TYPES = new Set('zip tar gz tgz bz2 xz 7z rar exe dll so dylib dmg deb rpm msi apk ipa jar war whl app bin'.split(' '));

/** Build files written without an extension. */
const BARE_FILE_NAMES = new Set([
	'Makefile',
	'Dockerfile',
	'Containerfile',
	'Gemfile',
	'Rakefile',
	'Procfile',
	'Jenkinsfile',
	'Vagrantfile',
	'Justfile',
	'Podfile',
	'Brewfile',
	'Cartfile',
	'CODEOWNERS',
]);

/** The feature's own spec-kit documents: tasks read them, they do not change them. */
const FEATURE_DOCUMENTS = new Set([
	'spec.md',
	'plan.md',
	'tasks.md',
	'data-model.md',
	'research.md',
	'quickstart.md',
	'constitution.md',
	'checklist.md',
]);

/**
 * A spec-kit document (or any bare *.md) after one of these words is a source the task reads,
 * not a file it changes: "per cli-interface.md", "from contracts/types.ts", "based on plan.md".
 */
const REFERENCE_WORDS = new Set(['per', 'from', 'see', 'using', 'following']);
const REFERENCE_PAIRS = new Set(['according to', 'based on']);
const LIST_WORDS = new Set(['and', 'or', '&', '+']);
/** A path with an extension: what may follow a reference word in a list ("per a.md and docs/b.md"). */
const PATH_LIKE = /^[\w.-]+(?:\/[\w.-]*)*\.\w+$/;

/** `dir/` → `dir/**` so the entry means "anything under it" for overlap and scope checks. */
function asDirectoryGlob(p: string): string {
	return `${p.replace(/\/+$/, '')}/**`;
}

/** [A-Za-z0-9_/]: a token that starts and ends with one of these has nothing to strip. */
function isWordOrSlash(c: number): boolean {
	return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 47;
}

function stripPunctuation(raw: string): string {
	if (raw.length > 1 && isWordOrSlash(raw.charCodeAt(0)) && isWordOrSlash(raw.charCodeAt(raw.length - 1))) return raw;
	let token = raw;
	for (let pass = 0; pass < 3; pass++) {
		const before = token;
		let start = 0;
		let end = token.length;
		// Leading "(", quotes; "[" or "{" only when nothing inside closes it ("[id]/page.tsx" keeps it).
		while (start < end) {
			const ch = token[start]!;
			if ('("\'`<'.includes(ch)) start++;
			else if ((ch === '[' && !token.includes(']', start)) || (ch === '{' && !token.includes('}', start))) start++;
			else break;
		}
		// Trailing punctuation; a closer stays when it closes an opener of the token ("app/[id]").
		while (end > start) {
			const ch = token[end - 1]!;
			if (')]}'.includes(ch)) {
				const open = ch === ')' ? '(' : ch === ']' ? '[' : '{';
				const body = token.slice(start, end - 1);
				if (count(body, open) > count(body, ch)) break;
				end--;
			} else if ('"\'`>,.;:!?'.includes(ch)) end--;
			else break;
		}
		token = token.slice(start, end);
		// Emphasis only in pairs, so "__init__.py" keeps its underscores: **src/a.ts**, _b.md_.
		while (token.length > 2 && (token[0] === '*' || token[0] === '_') && token[token.length - 1] === token[0]) {
			const ch = token[0];
			let n = 0;
			while (n < token.length && token[n] === ch && token[token.length - 1 - n] === ch) n++;
			token = token.slice(n, token.length - n);
		}
		if (token === before) break;
	}
	return token;
}

function count(s: string, ch: string): number {
	let n = 0;
	for (let i = 0; i < s.length; i++) if (s[i] === ch) n++;
	return n;
}

function extensionOf(name: string): string | undefined {
	const dot = name.lastIndexOf('.');
	if (dot <= 0 || dot === name.length - 1) return undefined;
	return lowerCase(name.slice(dot + 1));
}

/**
 * What no path contains or starts with: "://", "www.", "@", "=", "::", "$", "~", "/", "\\", "-",
 * white space, ":|<>\"'`,;", and "." or ".." alone. One expression: native code beats a scan in JS
 * that runs once per token of 10,000 tasks, mostly before the JIT has compiled it.
 */
const REJECTED_TOKEN = /^(?:www\.|[$~/-]|\.\.?$)|[@=\\:|<>"'`,;\s]/;

/**
 * Decide whether one token (punctuation already stripped) is a repository path.
 * Returns the normalised path, or undefined.
 */
export function pathFromToken(token: string, quoted: boolean): string | undefined {
	if (token.length < 2 || token.length > 300) return undefined;
	// URLs, e-mail, npm scopes/versions, env assignments, Rust paths, shell variables, absolute paths
	// (an API route like "/api/users" or a machine path like "/Users/x" is not a repository file).
	if (REJECTED_TOKEN.test(token)) return undefined;
	let p = token.charCodeAt(0) === 46 && token.charCodeAt(1) === 47 ? token.slice(2) : token; // ./
	const slash = p.indexOf('/');
	const base = slash === -1 ? p : p.slice(p.lastIndexOf('/') + 1);
	if (slash !== -1) {
		// A host name as the first segment: github.com/x/y
		const dot = p.indexOf('.');
		if (dot !== -1 && dot < slash && /^[\w-]+(\.[\w-]+)*\.(com|org|net|io|dev|app|gov|edu|co|ai)$/i.test(p.slice(0, slash))) return undefined;
		if (base === '') return p.length > 1 ? asDirectoryGlob(p) : undefined;
	}
	// The feature's documents (bare "plan.md", or under specs/) are read, not changed.
	if (base.endsWith('.md') && FEATURE_DOCUMENTS.has(base) && (slash === -1 || p.startsWith('specs/'))) return undefined;
	if (isBareFileName(base)) return p;
	// Dotfiles: .gitignore, .env.example, .eslintrc.json (".NET" is not one).
	if (base.charCodeAt(0) === 46 && /^\.[a-z][\w.-]*$/.test(base)) {
		// ".sh files", ".zip archives": a file type, not a file.
		const type = base.slice(1).toLowerCase();
		return slash === -1 && (KNOWN_EXTENSIONS.has(type) || FILE_TYPES.has(type)) ? undefined : p;
	}
	const ext = extensionOf(base);
	if (ext && KNOWN_EXTENSIONS.has(ext)) {
		// "Node.js", "Next.js", "Dexie.js": library names, not files (a component would be .jsx/.tsx or have a folder).
		if (slash === -1 && ext === 'js' && /^[A-Z][A-Za-z0-9]*\.js$/.test(base)) return undefined;
		if (!/^[\w.*?{}\[\]+-]+$/.test(base)) return undefined;
		return p;
	}
	// A quoted path without an extension ("`cmd/autospec`") is still a path when it has a folder
	// and every segment looks like a file name; unquoted "Folder/File" or "start/stop" is prose.
	if (quoted && slash !== -1 && p.split('/').every((s) => /^[\w.*{}\[\]-]+$/.test(s))) return p;
	return undefined;
}

/**
 * Paths named in a task description, in order of appearance, without duplicates.
 * A bare file name that continues a comma list after a path with a folder inherits that folder:
 * "src/models/Folder.ts, Project.ts" → src/models/Folder.ts, src/models/Project.ts.
 */
export function extractPaths(text: string): string[] {
	if (SIMPLE_TEXT.test(text)) return simpleTextPaths(text);
	const found = new FoundPaths();
	let prevDir: string | undefined;
	let prevEndsList = false;
	let prevWord = '';
	// After "per", "from", … until a word other than a path or "and"/"or": "per a.md and b.md".
	let referring = false;
	const consider = (raw: string, token: string, quoted: boolean) => {
		const word = referenceWord(token);
		const fileish = token.includes('.') || token.includes('/') || isBareFileName(token);
		let p = fileish ? pathFromToken(token, quoted) : undefined;
		if (p && referring && isReadDocument(p)) {
			p = undefined;
		} else if (p) {
			if (!p.includes('/') && prevEndsList && prevDir) p = prevDir + p;
			found.add(p);
			prevDir = folderOf(p) ?? prevDir;
		} else {
			prevDir = undefined;
		}
		if (isReferenceWord(word, prevWord)) referring = true;
		else if (referring && !keepsReferring(word, token)) referring = false;
		prevEndsList = raw.endsWith(',');
		prevWord = word;
	};
	// One left-to-right scan over code spans and runs of printable ASCII (so CJK text around a
	// path, "在src/db/schema.ts中", splits cleanly). A code span with spaces is a command, not a path.
	const n = text.length;
	let i = 0;
	while (i < n) {
		const c = text.charCodeAt(i);
		if (c < 0x21 || c > 0x7e) {
			i++;
			continue;
		}
		if (c === 0x60) {
			const close = text.indexOf('`', i + 1);
			const newline = text.indexOf('\n', i + 1);
			if (close !== -1 && (newline === -1 || close < newline)) {
				const inner = text.slice(i + 1, close).trim();
				if (inner === '' || /\s/.test(inner)) {
					prevDir = undefined;
					prevEndsList = false;
					referring = false;
					prevWord = '';
				} else {
					consider(text[close + 1] === ',' ? `${inner},` : inner, inner, true);
				}
				i = close + 1;
				continue;
			}
		}
		let j = i;
		let fileish = false;
		for (; j < n; j++) {
			const d = text.charCodeAt(j);
			if (d < 0x21 || d > 0x7e) break;
			if (d === 0x2e || d === 0x2f || d === 0x60) fileish = true;
		}
		const start = i;
		i = j;
		if (!fileish && j - start > 10 && !(j - start <= 12 && c >= 65 && c <= 90)) {
			// A long plain word is neither a path, a build file name nor a reference word.
			prevDir = undefined;
			referring = false;
			prevEndsList = false;
			prevWord = '';
			continue;
		}
		const raw = text.slice(start, j);
		consider(raw, stripPunctuation(raw), false);
	}
	return withoutBareDuplicates(found.list);
}

/** Printable ASCII and spaces only, no backtick. */
const SIMPLE_TEXT = /^[\x20-\x5f\x61-\x7e]*$/;

/**
 * extractPaths for printable ASCII and spaces without code spans (most task text), with the same
 * result as the scan: the tokens are what lies between spaces, and only those that can name a file
 * (a "." or "/", or a build file's name) are read. The words between them matter only for how a
 * path is read: "per plan.md" (a document the task reads) is looked up backwards from the path,
 * and a folder carries over only from the token just before ("src/a.ts, b.ts").
 */
function simpleTextPaths(text: string): string[] {
	const raws = text.split(' ');
	const found = new FoundPaths();
	// The folder a bare name after "dir/a.ts," inherits, as of the last token that could be a path.
	let prevDir: string | undefined;
	let lastCandidate = -1;
	let previous = -1; // the last non-empty token before the current one
	for (let k = 0; k < raws.length; k++) {
		const raw = raws[k]!;
		if (raw === '') continue;
		const before = previous;
		previous = k;
		if (!mayNamePath(raw)) continue;
		// A word in between ends any folder carried over.
		if (before !== lastCandidate) prevDir = undefined;
		lastCandidate = k;
		let p = pathFromToken(stripPunctuation(raw), false);
		if (p === undefined) {
			prevDir = undefined;
			continue;
		}
		if (isReadDocument(p) && referringBefore(raws, k)) continue;
		if (!p.includes('/') && prevDir && raws[before]!.endsWith(',')) p = prevDir + p;
		found.add(p);
		prevDir = folderOf(p) ?? prevDir;
	}
	return withoutBareDuplicates(found.list);
}

/** Paths in order of appearance, without repeats. A task names a few: a look through them is cheaper than a Set until there are many. */
class FoundPaths {
	readonly list: string[] = [];
	private seen: Set<string> | undefined;

	add(p: string): void {
		if (this.seen ? this.seen.has(p) : this.list.includes(p)) return;
		this.list.push(p);
		if (this.seen) this.seen.add(p);
		else if (this.list.length > 16) this.seen = new Set(this.list);
	}
}

/** The folder a following bare name inherits from a path ("src/a.ts" → "src/"); none for a folder glob or a bare name. */
function folderOf(p: string): string | undefined {
	const slash = p.lastIndexOf('/');
	return slash !== -1 && !p.endsWith('/**') ? p.slice(0, slash + 1) : undefined;
}

/** "per", "from", … or the second word of "according to", "based on": what follows is read, not changed. */
function isReferenceWord(word: string, prevWord: string): boolean {
	return REFERENCE_WORDS.has(word) || ((word === 'to' || word === 'on') && REFERENCE_PAIRS.has(`${prevWord} ${word}`));
}

/** After a reference word, a list word or another path keeps the reading: "per a.md and docs/b.md". */
function keepsReferring(word: string, token: string): boolean {
	return LIST_WORDS.has(word) || (token.length <= 300 && PATH_LIKE.test(token));
}

/**
 * Whether a token (as split, punctuation still on) can be a path at all: it has a "." or "/", or
 * it may be a build file's name ("Makefile", "CODEOWNERS") and is not a long plain word.
 */
function mayNamePath(raw: string): boolean {
	if (raw.includes('.') || raw.includes('/')) return true;
	return BARE_NAME_INSIDE.test(raw) && !isLongPlainWord(raw);
}

/** Any of BARE_FILE_NAMES anywhere in a token ("(Makefile)," still holds one). */
const BARE_NAME_INSIDE = new RegExp([...BARE_FILE_NAMES].join('|'));

/** A long word without "." or "/": neither a path, a build file's name nor a reference word. */
function isLongPlainWord(raw: string): boolean {
	const c = raw.charCodeAt(0);
	return raw.length > 10 && !(raw.length <= 12 && c >= 65 && c <= 90) && !raw.includes('.') && !raw.includes('/');
}

/** A path a task usually reads rather than changes, when a reference word comes before it. */
function isReadDocument(p: string): boolean {
	if (p.startsWith('contracts/')) return true;
	// Every other case is a *.md file (the feature's documents are all lower-case .md).
	const n = p.length;
	if (n < 4 || p.charCodeAt(n - 3) !== 46 || (p.charCodeAt(n - 2) | 32) !== 109 || (p.charCodeAt(n - 1) | 32) !== 100) return false; // .md
	return !p.includes('/') || FEATURE_DOCUMENTS.has(basename(p));
}

/** The word a token (punctuation stripped) counts as for reference words: lower case, at most nine characters, else ''. */
function referenceWord(token: string): string {
	return token.length <= 9 ? lowerCase(token) : '';
}

/** referenceWord of a token as split; '' for a long plain word, as the scan skips those. */
function wordOf(raw: string): string {
	return isLongPlainWord(raw) ? '' : referenceWord(stripPunctuation(raw));
}

/**
 * Whether the token at `k` follows a reference word ("per", "from", "based on", …) with only
 * paths and list words ("and", "or", …) in between: "per a.md and b.md".
 */
function referringBefore(raws: string[], k: number): boolean {
	for (let j = previousToken(raws, k); j !== -1; j = previousToken(raws, j)) {
		const raw = raws[j]!;
		// A long plain word is neither a reference word, a list word nor a path: the reading ends.
		if (isLongPlainWord(raw)) return false;
		const token = stripPunctuation(raw);
		const word = referenceWord(token);
		const w = previousToken(raws, j);
		if (isReferenceWord(word, w === -1 ? '' : wordOf(raws[w]!))) return true;
		if (!keepsReferring(word, token)) return false;
	}
	return false;
}

function previousToken(raws: string[], k: number): number {
	let j = k - 1;
	while (j >= 0 && raws[j] === '') j--;
	return j;
}

/** "Enhance browser.py in EXPERIMENTAL/corelib/browser.py": the bare name is the same file. */
function withoutBareDuplicates(found: string[]): string[] {
	if (found.every((p) => p.includes('/'))) return found;
	const withFolder = new Set(found.filter((p) => p.includes('/')).map(basename));
	return found.filter((p) => p.includes('/') || !withFolder.has(p));
}

/** BARE_FILE_NAMES.has, without hashing the many words that do not start with a capital. */
function isBareFileName(name: string): boolean {
	const c = name.charCodeAt(0);
	return c >= 65 && c <= 90 && BARE_FILE_NAMES.has(name);
}

/** toLowerCase without a new string for the usual already-lower-case ASCII word. */
function lowerCase(token: string): string {
	for (let i = 0; i < token.length; i++) {
		const c = token.charCodeAt(i);
		if ((c >= 65 && c <= 90) || c > 127) return token.toLowerCase();
	}
	return token;
}

function basename(p: string): string {
	return p.slice(p.lastIndexOf('/') + 1);
}
