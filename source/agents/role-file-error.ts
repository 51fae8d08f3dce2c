// Apart from role-file.ts so that callers can test for it without loading the YAML parser.
import {UsageError} from '../util/errors.js';

/** A role file that cannot be used: where (file, line) and what to do. */
export class RoleFileError extends UsageError {
	constructor(
		readonly file: string,
		readonly line: number | undefined,
		readonly reason: string,
		readonly fix: string,
	) {
		super(`${file}${line ? `:${line}` : ''}: ${reason} — ${fix}`);
		this.name = 'RoleFileError';
	}
}
