// changes.json bookkeeping: which files each agent modified, which new files look like
// tests, and whether documentation changed.
import type {FileChange, SessionState} from '../types.js';

const TEST_PATTERNS = [/(^|\/)tests?\//, /(^|\/)__tests__\//, /\.test\.[^/]+$/, /_test\.[^/]+$/, /\.spec\.[^/]+$/];
const DOC_PATTERNS = [/\.md$/i, /(^|\/)docs\//];

export function looksLikeTest(file: string): boolean {
	return TEST_PATTERNS.some(p => p.test(file));
}

export function looksLikeDoc(file: string): boolean {
	return DOC_PATTERNS.some(p => p.test(file));
}

export function recordChanges(
	changes: SessionState['changes'],
	files: FileChange[],
	agent: string,
	status: 'complete' | 'in_progress' | 'rolled_back' = 'complete',
): SessionState['changes'] {
	const byPath = new Map(changes.files_modified.map(f => [f.path, f]));
	const testsAdded = new Set(changes.tests_added);
	let documentationUpdated = changes.documentation_updated;
	for (const file of files) {
		byPath.set(file.path, {path: file.path, agent, status});
		if (file.status === 'A' && looksLikeTest(file.path)) testsAdded.add(file.path);
		if (looksLikeDoc(file.path)) documentationUpdated = true;
	}
	return {
		files_modified: [...byPath.values()],
		tests_added: [...testsAdded],
		documentation_updated: documentationUpdated,
	};
}

/** After a rollback: files whose last change was undone are marked so. */
export function markRolledBack(changes: SessionState['changes'], paths: Set<string>): SessionState['changes'] {
	return {
		...changes,
		files_modified: changes.files_modified.map(f => (paths.has(f.path) ? {...f, status: 'rolled_back' as const} : f)),
		tests_added: changes.tests_added.filter(p => !paths.has(p)),
	};
}
