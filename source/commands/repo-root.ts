// Read-only commands (status, tail, rollback --list) find the repository root without
// simple-git: a walk up to the folder holding .git, so they start fast.
import fs from 'node:fs';
import path from 'node:path';
import {UsageError} from '../util/errors.js';

export async function findRepoRoot(cwd: string): Promise<string> {
	let dir = path.resolve(cwd);
	if (!fs.existsSync(dir)) throw new UsageError(`${cwd} does not exist — pass an existing folder with --cwd`);
	for (;;) {
		if (fs.existsSync(path.join(dir, '.git'))) return dir;
		const parent = path.dirname(dir);
		if (parent === dir) throw new UsageError(`${path.resolve(cwd)} is not inside a git repository — run it in the repository of the session, or pass --cwd`);
		dir = parent;
	}
}
