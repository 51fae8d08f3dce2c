// The build-time patch of Ink's output.js (scripts/ink-frame-cache.mjs): the patched Output must
// draw exactly what Ink's own draws, frame after frame, with its caches bounded.
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
// @ts-expect-error: a build script without type declarations
import {patchInkOutput} from '../../scripts/ink-frame-cache.mjs';
import {seeded} from '../helpers/seeded.js';

const root = path.resolve(import.meta.dirname, '../..');
const inkOutput = path.join(root, 'node_modules/ink/build/output.js');
// Inside the project, so the copies' bare imports (slice-ansi, string-width, …) resolve to the
// packages Ink itself uses.
const dir = path.join(root, 'node_modules/.cache/orchestrator-test', `ink-output-${process.pid}`);

interface Clip {
	x1?: number;
	x2?: number;
	y1?: number;
	y2?: number;
}
interface OutputLike {
	write(x: number, y: number, text: string, options: {transformers: Array<(line: string, index: number) => string>}): void;
	clip(clip: Clip): void;
	unclip(): void;
	get(): {output: string; height: number};
	caches: Record<string, unknown>;
}
type OutputClass = new (options: {width: number; height: number}) => OutputLike;

let Original: OutputClass;
let Patched: OutputClass;

beforeAll(async () => {
	mkdirSync(dir, {recursive: true});
	const source = readFileSync(inkOutput, 'utf8');
	writeFileSync(path.join(dir, 'original.mjs'), source);
	writeFileSync(path.join(dir, 'patched.mjs'), patchInkOutput(source));
	Original = (await import(pathToFileURL(path.join(dir, 'original.mjs')).href)).default;
	Patched = (await import(pathToFileURL(path.join(dir, 'patched.mjs')).href)).default;
});

afterAll(() => {
	rmSync(dir, {recursive: true, force: true});
});

const WORDS = ['step', 'T014', 'src/models/user.py', '✓', '⠋', '─────', '│', '日本語', '👍', 'e\u0301', '·', 'ok', '→', '        '];
const COLOURS = ['', '\x1b[32m', '\x1b[1m', '\x1b[31;1m', '\x1b[38;5;208m'];

/** One generated frame: lines written at places, some inside a clip, as Ink's renderer does. */
function drawFrame(output: OutputLike, pick: (n: number) => number, width: number, height: number, narrower = 0, later = 0): void {
	const lines = 10 + pick(30);
	for (let i = 0; i < lines; i++) {
		const words = Array.from({length: 1 + pick(12)}, () => COLOURS[pick(COLOURS.length)]! + WORDS[pick(WORDS.length)]! + (pick(2) ? '\x1b[0m' : ''));
		const text = words.join(' ') + (pick(5) === 0 ? `\n${words.slice(0, 3).join(' ')}` : '');
		const clipped = pick(3) > 0;
		if (clipped) output.clip({x1: pick(10) + later, x2: 20 + pick(width - 20) - narrower, y1: 0, y2: height - pick(5)});
		output.write(pick(width - 5), pick(height), text, {transformers: pick(4) === 0 ? [(line) => line.toUpperCase()] : []});
		if (clipped) output.unclip();
	}
}

describe('Ink output with frame caches (build patch)', () => {
	test('draws the same frames as Ink, over many frames and past every cache generation', () => {
		const width = 120;
		const height = 40;
		// Frames repeat (the same seed every few frames) like a screen that changes little, the
		// same lines come clipped at other edges (a pane resized or moved), and enough frames
		// differ that every cache rolls over several generations.
		for (let frame = 0; frame < 150; frame++) {
			const seed = 1 + (frame % 7 === 0 ? frame : frame % 5);
			const narrower = 7 * (frame % 3);
			const later = 2 * (frame % 2);
			const original = new Original({width, height});
			const patched = new Patched({width, height});
			drawFrame(original, seeded(seed), width, height, narrower, later);
			drawFrame(patched, seeded(seed), width, height, narrower, later);
			expect(patched.get(), `frame ${frame}`).toEqual(original.get());
		}
	});

	test('one set of caches across frames, each bounded to two generations', () => {
		const first = new Patched({width: 120, height: 40});
		const later = new Patched({width: 120, height: 40});
		expect(later.caches).toBe(first.caches);
		const pick = seeded(99);
		for (let frame = 0; frame < 100; frame++) {
			const output = new Patched({width: 120, height: 40});
			// Never the same line twice, half of them in a clipping box: the worst case for every cache.
			for (let y = 0; y < 40; y++) {
				if (y % 2) output.clip({x1: 2, x2: 100, y1: 0, y2: 40});
				output.write(0, y, `\x1b[32m${frame}:${y}:${pick(1e9)}\x1b[39m ${'x'.repeat(pick(100))}`, {transformers: []});
				if (y % 2) output.unclip();
			}
			output.get();
		}
		for (const name of ['widths', 'blockWidths', 'styledChars', 'slices']) {
			const cache = first.caches[name] as {current: Map<string, unknown>; previous: Map<string, unknown>; limit: number};
			const chars = (map: Map<string, unknown>) => [...map.keys()].reduce((sum, key) => sum + key.length, 0);
			expect(cache.previous.size, `${name} rolled over`).toBeGreaterThan(0);
			// A generation closes at the first entry past the limit: at most one line more.
			expect(chars(cache.current), name).toBeLessThan(cache.limit + 200);
			expect(chars(cache.previous), name).toBeLessThan(cache.limit + 200);
		}
	});

	test('a changed Ink fails the build instead of shipping half a patch', () => {
		const source = readFileSync(inkOutput, 'utf8');
		expect(() => patchInkOutput(source.replace('return sliceAnsi(line, from, to);', 'return sliceAnsi(line, from, to, true);'))).toThrow(/no longer contains exactly one "return sliceAnsi\(line, from, to\);"/);
		expect(() => patchInkOutput(source + '\nclass OutputCaches {}\n')).toThrow(/exactly one "class OutputCaches \{"/);
	});
});
