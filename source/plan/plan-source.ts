// A plan's source: its path, format and the sha256 of its text. The hash is only needed when a
// session starts or resumes (did the plan change?), so it is computed on first read: `validate`
// of a large tasks.md neither hashes it nor loads node:crypto (7 ms of start-up).
import {createRequire} from 'node:module';
import type {PlanSource} from '../types.js';

const requireBuiltin = createRequire(import.meta.url);

export function planSource(path: string, format: PlanSource['format'], text: string): PlanSource {
	let hash: string | undefined;
	const source = {path, format} as PlanSource;
	return Object.defineProperty(source, 'hash', {
		enumerable: true,
		get: () => {
			if (hash === undefined) {
				const {createHash} = requireBuiltin('node:crypto') as typeof import('node:crypto');
				hash = createHash('sha256').update(text).digest('hex');
				text = ''; // the text is not needed any more
			}
			return hash;
		},
	});
}
