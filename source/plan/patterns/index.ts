// The plans `orchestrator init --pattern NAME` writes. Each renders commented YAML that loads
// as a valid plan with its <placeholders> still in it.
import {apiEndpointPattern} from './api-endpoint.js';
import {bugfixPattern} from './bugfix.js';
import {dbMigrationPattern} from './db-migration.js';
import {featurePattern} from './feature.js';
import type {Pattern} from './header.js';
import {perfPattern} from './perf.js';
import {refactorPattern} from './refactor.js';

export type {Pattern, PatternInput} from './header.js';

export const PATTERNS: Record<string, Pattern> = {
	feature: featurePattern,
	refactor: refactorPattern,
	bugfix: bugfixPattern,
	perf: perfPattern,
	'api-endpoint': apiEndpointPattern,
	'db-migration': dbMigrationPattern,
};

/** Placeholders left in a rendered plan (comments excluded), in order of first use. */
export function placeholdersOf(text: string): string[] {
	const found = new Set<string>();
	for (const line of text.split('\n')) {
		if (line.trimStart().startsWith('#')) continue;
		for (const m of line.matchAll(/<[A-Za-z][^<>"\n]*>/g)) found.add(m[0]);
	}
	return [...found];
}
