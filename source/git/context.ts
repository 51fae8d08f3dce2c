// What the repository modules (checkpoint, diff, rollback) share about one repository.
import type {GitRunner} from './runner.js';

export interface RepoContext {
	/** Absolute top level of the working tree. */
	readonly root: string;
	/** This worktree's git directory (index, index.lock, HEAD). */
	readonly gitDir: string;
	/** The common git directory (objects, refs, info/exclude). */
	readonly commonDir: string;
	readonly git: GitRunner;
	/** `-c user.name=… -c user.email=…` for whichever of the two git has no value for (else []). */
	identityArgs(): Promise<string[]>;
	/** The empty tree's id in this repository's hash format (diffs from "nothing"). */
	emptyTree(): Promise<string>;
}

/** Pathspec that matches exactly this path (no glob or magic in file names). */
export function literal(relPath: string): string {
	return `:(literal)${relPath}`;
}
