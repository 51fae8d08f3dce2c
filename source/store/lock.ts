// One orchestrator per repository: the lock file holds the runner's pid. A lock whose pid
// is dead (crash, kill -9) is stale and taken over.
import fs from 'node:fs';
import {isProcessAlive} from '../agents/kill-tree.js';
import {OrchestratorError, EXIT} from '../util/errors.js';
import type {MemoryPaths} from '../util/paths.js';

export interface Lock {
	/** The pid of the dead runner whose lock was taken over, if any. */
	tookOverFrom?: number;
	release(): void;
}

export function readLockPid(paths: MemoryPaths): number | null {
	try {
		const pid = Number.parseInt(fs.readFileSync(paths.lock, 'utf8').trim(), 10);
		return Number.isFinite(pid) ? pid : null;
	} catch {
		return null;
	}
}

export function acquireLock(paths: MemoryPaths): Lock {
	fs.mkdirSync(paths.dir, {recursive: true});
	let tookOverFrom: number | undefined;
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			fs.writeFileSync(paths.lock, `${process.pid}\n`, {flag: 'wx'});
			return makeLock(paths, tookOverFrom);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const pid = readLockPid(paths);
		if (pid !== null && pid !== process.pid && isProcessAlive(pid)) {
			throw new OrchestratorError(
				`another orchestrator (pid ${pid}) is running this session — wait for it, watch it with \`orchestrator tail\`, or stop it (kill ${pid})`,
				EXIT.locked,
			);
		}
		// Stale (dead pid, our own pid, or unreadable): remove and retry the exclusive create,
		// so two processes taking over at once cannot both win.
		tookOverFrom = pid ?? undefined;
		try {
			fs.unlinkSync(paths.lock);
		} catch {}
	}
	throw new OrchestratorError(`cannot take the session lock ${paths.lock} — remove it if no orchestrator runs`, EXIT.locked);
}

function makeLock(paths: MemoryPaths, tookOverFrom?: number): Lock {
	let released = false;
	return {
		tookOverFrom,
		release() {
			if (released) return;
			released = true;
			try {
				if (readLockPid(paths) === process.pid) fs.unlinkSync(paths.lock);
			} catch {}
		},
	};
}
