// Bundles cli.tsx with esbuild: ~2x faster to the first frame than transpiled output
// (shared/notes/perf-anchors.md §2). Ink's optional devtools import is stubbed.
// Code splitting: dist/cli.js is the entry (package.json "bin"); every command it imports lazily
// lands in dist/chunks/, so `validate`, `status` and headless runs never parse Ink and React.
// Whitespace and syntax are minified (names kept for stack traces): a headless run's modules load
// in ~88 ms instead of ~135 ms, at every start.
import {build} from 'esbuild';
import {readdirSync, statSync, rmSync, existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import {inkFrameCache} from './ink-frame-cache.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
const result = await build({
	entryPoints: [path.join(root, 'cli.tsx')],
	outdir: dist,
	entryNames: '[name]',
	chunkNames: 'chunks/[name]-[hash]',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	splitting: true,
	metafile: true,
	sourcemap: 'linked',
	legalComments: 'none',
	minifyWhitespace: true,
	minifySyntax: true,
	jsx: 'automatic',
	alias: {'react-devtools-core': path.join(root, 'scripts/devtools-stub.mjs')},
	// Ink's per-frame caches kept from one frame to the next (scripts/ink-frame-cache.mjs).
	plugins: [inkFrameCache()],
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {
		// CommonJS dependencies (write-file-atomic, …) expect require, __filename and __dirname;
		// every chunk is its own module, so each gets them.
		js: [
			'#!/usr/bin/env node',
			"import {createRequire as __orcCreateRequire} from 'node:module';",
			"import {fileURLToPath as __orcFileURLToPath} from 'node:url';",
			'const require = __orcCreateRequire(import.meta.url);',
			'const __filename = __orcFileURLToPath(import.meta.url);',
			"const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
		].join('\n'),
	},
	logLevel: 'warning',
});

// Chunks of earlier builds: their names carry a content hash, so they pile up. A process started
// from the previous build may still import one lazily, so only those older than ten minutes go.
const written = new Set(Object.keys(result.metafile.outputs).map((f) => path.resolve(root, f)));
const chunks = path.join(dist, 'chunks');
if (existsSync(chunks)) {
	for (const name of readdirSync(chunks)) {
		const file = path.join(chunks, name);
		if (!written.has(file) && Date.now() - statSync(file).mtimeMs > 10 * 60_000) rmSync(file, {force: true});
	}
}
if (process.env.ORC_BUILD_META) {
	const {writeFileSync} = await import('node:fs');
	writeFileSync(process.env.ORC_BUILD_META, JSON.stringify(result.metafile));
}
