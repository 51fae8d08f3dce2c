// Bundles cli.tsx into one ESM file: ~2x faster to the first frame than transpiled
// output (shared/notes/perf-anchors.md §2). Ink's optional devtools import is stubbed.
import {build} from 'esbuild';
import {fileURLToPath} from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
await build({
	entryPoints: [path.join(root, 'cli.tsx')],
	outfile: path.join(root, 'dist/cli.js'),
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	splitting: false,
	sourcemap: 'linked',
	legalComments: 'none',
	jsx: 'automatic',
	alias: {'react-devtools-core': path.join(root, 'scripts/devtools-stub.mjs')},
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {
		// CommonJS dependencies (write-file-atomic, …) expect require, __filename and __dirname.
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
