import {copyFile, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {importSpecKit} from '../../source/plan/speckit.js';
import {taskFilesChanged, tickTask} from '../../source/plan/speckit-tick.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'speckit');

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'orch-tick-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

async function copy(name: string): Promise<string> {
	const target = path.join(dir, 'tasks.md');
	await copyFile(path.join(fixtures, name), target);
	return target;
}

/** Offsets where two buffers differ. */
function diffOffsets(a: Buffer, b: Buffer): number[] {
	expect(b.length).toBe(a.length);
	const out: number[] = [];
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
	return out;
}

function lineOf(buf: Buffer, offset: number): number {
	let line = 1;
	for (let i = 0; i < offset; i++) if (buf[i] === 0x0a) line++;
	return line;
}

describe('tickTask', () => {
	it('turns [ ] into [X] on that task line and changes no other byte', async () => {
		const file = await copy('old-template.md');
		const before = await readFile(file);
		const {plan} = importSpecKit(before.toString('utf8'), file, {cwd: dir});
		const t006 = plan.phases.flatMap((p) => p.steps).find((s) => s.id === 'T006')!;
		expect(await tickTask(file, 'T006', t006.sourceLine)).toBe(true);
		const after = await readFile(file);
		const changed = diffOffsets(before, after);
		expect(changed).toHaveLength(1);
		expect(lineOf(after, changed[0]!)).toBe(t006.sourceLine);
		expect(after.toString('utf8').split('\n')[t006.sourceLine! - 1]).toBe('- [X] T006 [P] Greeting model in src/models/greeting.ts');
		// The ticked file imports with T006 done.
		const again = importSpecKit(after.toString('utf8'), file, {cwd: dir}).plan;
		expect(again.phases.flatMap((p) => p.steps).filter((s) => s.done).map((s) => s.id)).toEqual(['T004', 'T005', 'T006']);
	});

	it('returns false for a ticked task and an unknown id, and leaves the file alone', async () => {
		const file = await copy('old-template.md');
		const before = await readFile(file);
		const mtime = (await stat(file)).mtimeMs;
		expect(await tickTask(file, 'T004', 23)).toBe(false); // [X] already
		expect(await tickTask(file, 'T005')).toBe(false); // [x] already
		expect(await tickTask(file, 'T777')).toBe(false);
		// T900 and T951 only appear inside code blocks.
		expect(await tickTask(file, 'T900')).toBe(false);
		expect(await tickTask(file, 'T951')).toBe(false);
		expect(diffOffsets(before, await readFile(file))).toEqual([]);
		expect((await stat(file)).mtimeMs).toBe(mtime);
	});

	it('keeps CRLF line ends', async () => {
		const file = path.join(dir, 'tasks.md');
		const text = (await readFile(path.join(fixtures, 'user-story.md'), 'utf8')).replace(/\n/g, '\r\n');
		await writeFile(file, text);
		const before = await readFile(file);
		expect(await tickTask(file, 'T007', 43)).toBe(true);
		const after = await readFile(file);
		expect(diffOffsets(before, after)).toHaveLength(1);
		expect(after.toString('utf8')).toContain('- [X] T007 [US1] Implement TodoService in src/services/todo.ts (depends on T006)\r\n');
		expect(after.toString('utf8').split('\r\n')).toHaveLength(before.toString('utf8').split('\r\n').length);
	});

	it('finds the task by id when the line number is stale', async () => {
		const file = await copy('bold-ids.md');
		// Someone added two lines at the top after the import.
		const original = await readFile(file, 'utf8');
		await writeFile(file, `<!-- edited -->\n\n${original}`);
		const before = await readFile(file);
		expect(await tickTask(file, 'T003', 7)).toBe(true);
		const after = await readFile(file);
		const changed = diffOffsets(before, after);
		expect(changed).toHaveLength(1);
		expect(after.toString('utf8').split('\n')[lineOf(after, changed[0]!) - 1]).toBe(
			'    - [X] **T003** [P] Configure CI in .github/workflows/ci.yml',
		);
	});

	it('ticks the right one of two tasks with the same id', async () => {
		const file = path.join(dir, 'tasks.md');
		await writeFile(file, '## Phase 1: A\n- [ ] T001 first\n## Phase 2: B\n- [ ] T001 second\n');
		const {plan} = importSpecKit(await readFile(file, 'utf8'), file, {cwd: dir});
		const second = plan.phases[1]!.steps[0]!;
		expect(second.id).toBe('T001-2');
		expect(await tickTask(file, second.id, second.sourceLine)).toBe(true);
		expect(await readFile(file, 'utf8')).toBe('## Phase 1: A\n- [ ] T001 first\n## Phase 2: B\n- [X] T001 second\n');
		// Without a line hint, the nth task with that id.
		await writeFile(file, '## Phase 1: A\n- [ ] T001 first\n## Phase 2: B\n- [ ] T001 second\n');
		expect(await tickTask(file, 'T001-2')).toBe(true);
		expect(await readFile(file, 'utf8')).toBe('## Phase 1: A\n- [ ] T001 first\n## Phase 2: B\n- [X] T001 second\n');
	});

	it('serialises ticks of one file that finish together', async () => {
		const file = path.join(dir, 'tasks.md');
		const ids = Array.from({length: 20}, (_, i) => `T${String(i + 1).padStart(3, '0')}`);
		await writeFile(file, `## Phase 1: All\n${ids.map((id) => `- [ ] ${id} [P] task ${id}`).join('\n')}\n`);
		const results = await Promise.all(ids.map((id, i) => tickTask(file, id, i + 2)));
		expect(results.every(Boolean)).toBe(true);
		const text = await readFile(file, 'utf8');
		expect(text.match(/\[X\]/g)).toHaveLength(20);
		expect(text).not.toContain('[ ]');
	});

	it('keeps bytes that are not valid UTF-8', async () => {
		const file = path.join(dir, 'tasks.md');
		const bytes = Buffer.concat([Buffer.from('## Phase 1: A\n- [ ] T001 caf'), Buffer.from([0xe9, 0xff]), Buffer.from('\n')]);
		await writeFile(file, bytes);
		expect(await tickTask(file, 'T001', 2)).toBe(true);
		const after = await readFile(file);
		expect(diffOffsets(bytes, after)).toEqual([bytes.indexOf('[ ]') + 1]);
	});
});

describe('taskFilesChanged', () => {
	const step = (files: string[]) => ({files});

	it('returns the named files that did not change', () => {
		expect(taskFilesChanged(step(['src/a.ts', 'src/b.ts']), ['src/a.ts'])).toEqual(['src/b.ts']);
		expect(taskFilesChanged(step(['src/a.ts']), ['src/a.ts', 'other.ts'])).toEqual([]);
		expect(taskFilesChanged(step([]), [])).toEqual([]);
	});

	it('matches a bare file name in any folder, and skips folders and globs', () => {
		expect(taskFilesChanged(step(['Board.tsx']), ['src/components/Board/Board.tsx'])).toEqual([]);
		expect(taskFilesChanged(step(['Board.tsx']), ['src/Card.tsx'])).toEqual(['Board.tsx']);
		expect(taskFilesChanged(step(['dist/**', 'src/**/*.ts', '.gitignore']), ['.gitignore'])).toEqual([]);
		// A path with a folder must match exactly.
		expect(taskFilesChanged(step(['src/a.ts']), ['lib/src/a.ts'])).toEqual(['src/a.ts']);
		expect(taskFilesChanged(step(['./src/a.ts']), ['src/a.ts'])).toEqual([]);
	});
});
