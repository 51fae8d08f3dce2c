// Build-time patch of Ink 6.8's build/output.js (an esbuild plugin): its per-frame caches live on
// from one frame to the next.
//
// Ink builds every frame from scratch: each line written goes through ansi-tokenize (one object
// per character), string-width, and slice-ansi when a box clips it (every pane here does). Its
// caches for that (OutputCaches) belong to one Output, i.e. one frame, although most lines of a
// frame (borders, board rows, unchanged output) are the same as in the frame before. Profiled on
// the app at 120×40, those three took ~35% of a frame.
//
// Here one set of caches serves every frame, each cache in two generations of at most LIMIT
// characters of keys (see GenerationalMap), so memory stays bounded whatever the agents print.
// The cached values are pure functions of their keys (widths, styled-character arrays that Ink
// only reads, slices), so a frame is the same with or without the patch
// (test/ui/ink-frame-cache.test.ts renders both and compares).
//
// The edits are exact-text replacements: if an Ink upgrade changes the file, the build fails
// here instead of shipping an unpatched or half-patched Ink.

/**
 * Characters of keys per generation and cache. A 120×40 frame has 4,800 cells, so a generation
 * holds about three screens (the board and the help, say). A styled character costs ~310 bytes
 * (measured: 37 KB for a coloured line of 120), so the styled-character cache, the big one,
 * stays under 2 × 16,000 × 310 B ≈ 10 MB.
 */
const LIMIT = 16_000;

/** The three edits, each [what Ink 6.8.0 has, what replaces it]. */
const EDITS = [
	['    caches = new OutputCaches();', '    caches = frameCaches();'],
	['                            return sliceAnsi(line, from, to);', '                            return this.caches.getSlice(line, from, to);'],
	['class OutputCaches {', 'class OutputCaches {\n    slices = new Map();\n    getSlice(line, from, to) {\n        const key = `${from}:${to}:${line}`;\n        let cached = this.slices.get(key);\n        if (cached === undefined) {\n            cached = sliceAnsi(line, from, to);\n            this.slices.set(key, cached);\n        }\n        return cached;\n    }'],
];

const TAIL = `
/**
 * A map with string keys in two generations (orchestrator build patch): entries go into the
 * current one; once its keys hold ${LIMIT} characters the previous one is dropped and the current
 * one takes its place. A look-up that finds an entry in the previous generation copies it into
 * the current one, so what the frames on screen keep using stays, and at most two generations'
 * worth is kept.
 */
class GenerationalMap {
    constructor(limit) {
        this.limit = limit;
        this.weight = 0;
        this.current = new Map();
        this.previous = new Map();
    }
    get(key) {
        let value = this.current.get(key);
        if (value === undefined) {
            value = this.previous.get(key);
            if (value !== undefined) this.set(key, value);
        }
        return value;
    }
    set(key, value) {
        if (this.weight >= this.limit) {
            this.previous = this.current;
            this.current = new Map();
            this.weight = 0;
        }
        this.current.set(key, value);
        this.weight += key.length;
        return this;
    }
}
let sharedCaches;
function frameCaches() {
    if (sharedCaches === undefined) {
        sharedCaches = new OutputCaches();
        for (const name of ['widths', 'blockWidths', 'styledChars', 'slices']) sharedCaches[name] = new GenerationalMap(${LIMIT});
    }
    return sharedCaches;
}
`;

/** Ink's output.js with the frame caches; throws when the text is not the one the edits expect. */
export function patchInkOutput(source) {
	let out = source;
	for (const [from, to] of EDITS) {
		const at = out.indexOf(from);
		if (at === -1 || out.indexOf(from, at + 1) !== -1) {
			throw new Error(`ink-frame-cache: ink/build/output.js no longer contains exactly one ${JSON.stringify(from.trim())}; check the patch against the installed Ink (scripts/ink-frame-cache.mjs)`);
		}
		out = out.slice(0, at) + to + out.slice(at + from.length);
	}
	return out + TAIL;
}

/** The esbuild plugin: Ink's build/output.js is loaded patched. */
export function inkFrameCache() {
	return {
		name: 'ink-frame-cache',
		setup(build) {
			build.onLoad({filter: /[\\/]ink[\\/]build[\\/]output\.js$/}, async (args) => {
				const {readFile} = await import('node:fs/promises');
				return {contents: patchInkOutput(await readFile(args.path, 'utf8')), loader: 'js'};
			});
		},
	};
}
