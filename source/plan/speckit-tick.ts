// Tick-back: when a step of a spec-kit plan finishes, its checkbox in tasks.md becomes [X], as
// spec-kit's own implement command does. Exactly one byte of the file changes; everything else
// (CRLF, trailing spaces, invalid UTF-8) stays as it was, because the file is edited as bytes.

import fs from 'node:fs/promises';
import path from 'node:path';
import {writeFileAtomic} from '../util/atomic-write.js';
import type {Step} from '../types.js';

/** Ticks of the same file run one after another (parallel steps finish together). */
const queues = new Map<string, Promise<unknown>>();

/**
 * Ticks the task `stepId` (`T012`, or `T012-2` for the second task with that id) in tasksPath:
 * `[ ]` → `[X]` on that task's line only. `sourceLine` (1-based) is tried first; when the file
 * moved lines since the import, the task is found by its id. Returns false when the task is
 * already ticked or not found. The write is atomic (temporary file + rename).
 */
export function tickTask(tasksPath: string, stepId: string, sourceLine?: number): Promise<boolean> {
	const key = path.resolve(tasksPath);
	const previous = queues.get(key) ?? Promise.resolve();
	const run = previous.then(
		() => tick(key, stepId, sourceLine),
		() => tick(key, stepId, sourceLine),
	);
	queues.set(key, run);
	void run.finally(() => {
		if (queues.get(key) === run) queues.delete(key);
	}).catch(() => {});
	return run;
}

async function tick(tasksPath: string, stepId: string, sourceLine?: number): Promise<boolean> {
	const bytes = await fs.readFile(tasksPath);
	const offset = findCheckbox(bytes, stepId, sourceLine);
	if (offset === undefined) return false;
	if (bytes[offset] !== 0x20) return false; // already [x] / [X]
	const next = Buffer.from(bytes);
	next[offset] = 0x58; // 'X', as spec-kit's implement command writes it
	await writeFileAtomic(tasksPath, next);
	return true;
}

/**
 * Byte offset of the mark inside `[ ]` of the task's checkbox, or undefined.
 * latin1 maps every byte to one character, so string offsets are byte offsets.
 */
export function findCheckbox(bytes: Buffer, stepId: string, sourceLine?: number): number | undefined {
	// The import names a repeated id T012-2 (spec-kit ids never contain "-").
	const repeat = /^(.*)-(\d+)$/.exec(stepId);
	const id = repeat ? repeat[1]! : stepId;
	const nth = repeat ? Number(repeat[2]) : 1;
	const text = bytes.toString('latin1');
	const starts: number[] = [0];
	for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
	const lineAt = (n: number) => {
		const start = starts[n]!;
		const end = n + 1 < starts.length ? starts[n + 1]! - 1 : text.length;
		return {start, text: text.slice(start, end)};
	};
	if (sourceLine !== undefined && sourceLine >= 1 && sourceLine <= starts.length) {
		const {start, text: line} = lineAt(sourceLine - 1);
		const mark = markOffset(line, id);
		if (mark !== undefined) return start + mark;
	}
	// The line moved (someone edited tasks.md): the nth task line with that id outside code fences.
	let seen = 0;
	let fence: string | null = null;
	for (let n = 0; n < starts.length; n++) {
		const {start, text: line} = lineAt(n);
		const fenceMark = /^[ \t]*(`{3,}|~{3,})/.exec(line);
		if (fenceMark) {
			const marker = fenceMark[1]!;
			if (fence === null) fence = marker[0]!.repeat(marker.length);
			else if (marker[0] === fence[0] && marker.length >= fence.length && line.trim().replace(/\r$/, '') === marker) fence = null;
			continue;
		}
		if (fence !== null) continue;
		const mark = markOffset(line, id);
		if (mark !== undefined && ++seen === nth) return start + mark;
	}
	return undefined;
}

const TASK_LINE = /^([ \t]*[-*+][ \t]+\[)[ xX]\][ \t]+(\*\*)?(T\d+(?:[a-z]|\.\d+)?)(\*\*)?(?!\w)/;

function markOffset(line: string, id: string): number | undefined {
	const m = TASK_LINE.exec(line);
	if (!m || m[3] !== id) return undefined;
	return m[1]!.length;
}

/**
 * The files a step names that are NOT among the changed paths (repository-relative, "/"
 * separated), so the engine can say "T014 names src/x.py, which did not change" and leave the
 * box open. A bare file name ("Board.tsx") matches a changed file with that name in any folder.
 * Folders and globs (`src/models/**`) are not checked: a task names a folder as often to say
 * where things go, or what to ignore (".gitignore: ignore dist/"), as to say what it creates.
 */
export function taskFilesChanged(step: Pick<Step, 'files'>, changed: string[]): string[] {
	const exact = new Set<string>();
	const names = new Set<string>();
	for (const raw of changed) {
		const p = normalise(raw);
		exact.add(p);
		names.add(p.slice(p.lastIndexOf('/') + 1));
	}
	const missing: string[] = [];
	for (const file of step.files) {
		if (/[*?{]/.test(file)) continue;
		const p = normalise(file);
		if (exact.has(p)) continue;
		if (!p.includes('/') && names.has(p)) continue;
		missing.push(file);
	}
	return missing;
}

function normalise(p: string): string {
	return p.replace(/\\/g, '/').replace(/^\.\//, '');
}

