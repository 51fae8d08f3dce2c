import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {followSession, loadLogTail} from '../../source/store/follow-session.js';
import {ensureMemoryDirs, writeMemoryFiles} from '../../source/store/memory.js';
import {createSession} from '../../source/store/session.js';
import {createOrchestratorStore} from '../../source/store/store.js';
import type {SessionState} from '../../source/types.js';
import {memoryPaths, type MemoryPaths} from '../../source/util/paths.js';
import {samplePlan} from './helpers.js';

let dir: string;
let paths: MemoryPaths;

beforeEach(async () => {
	dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'orchestrator-tail-'));
	paths = memoryPaths(dir);
	await ensureMemoryDirs(paths);
});

afterEach(async () => {
	await fsp.rm(dir, {recursive: true, force: true});
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > end) throw new Error('timed out waiting for the condition');
		await new Promise(resolve => setTimeout(resolve, 10));
	}
}

function sessionWith(change: (s: SessionState) => void): SessionState {
	const plan = samplePlan();
	const session = createSession(plan, dir, plan.phases.flatMap(p => p.steps.map(s => s.id)));
	session.status = 'running';
	change(session);
	return session;
}

function snapshot(folder: string): string {
	const out: string[] = [];
	for (const entry of fs.readdirSync(folder, {recursive: true, withFileTypes: true})) {
		if (!entry.isFile()) continue;
		const file = path.join(entry.parentPath, entry.name);
		const stat = fs.statSync(file);
		out.push(`${file}:${stat.size}:${stat.mtimeMs}`);
	}
	return out.sort().join('\n');
}

describe('followSession', () => {
	test('grows the store from current-phase.json and the running step log, and writes nothing', async () => {
		const running = sessionWith(s => {
			s.steps.T001.status = 'running';
			s.steps.T001.startedAt = new Date().toISOString();
			s.running = ['T001'];
		});
		await writeMemoryFiles(paths, running);
		await fsp.writeFile(paths.log('T001'), 'first line\n\x1b[2J\x1b]0;evil title\x07\x1b[32mgreen\x1b[0m\nhalf a li');
		await fsp.writeFile(paths.log('T000'), 'an older step\n');
		const store = createOrchestratorStore({readOnly: true});
		const follow = followSession(store, paths, {intervalMs: 20});
		try {
			await follow.ready;
			expect(store.getState().session?.implementationId).toBe('user-export');
			expect(store.getState().session?.running).toEqual(['T001']);
			await waitFor(() => store.getState().output.T001 !== undefined);
			// Complete lines only; the escape sequences that move or retitle are gone, colour stays.
			expect(store.getState().output.T001.lines).toEqual(['first line', '\x1b[32mgreen\x1b[0m']);

			await fsp.appendFile(paths.log('T001'), 'ne\nthird line\n');
			await waitFor(() => store.getState().output.T001.lines.length === 4);
			expect(store.getState().output.T001.lines.slice(2)).toEqual(['half a line', 'third line']);
			expect(store.getState().output.T001.total).toBe(4);

			// The step finishes without a final newline; the next one starts.
			await fsp.appendFile(paths.log('T001'), 'last words');
			const next = sessionWith(s => {
				s.steps.T001.status = 'done';
				s.steps.T001.durationMs = 1000;
				s.steps.T002.status = 'running';
				s.running = ['T002'];
			});
			await writeMemoryFiles(paths, next);
			await fsp.writeFile(paths.log('T002'), 'T002 says hi\n');
			await waitFor(() => store.getState().session?.running[0] === 'T002');
			await waitFor(() => store.getState().output.T002?.lines.length === 1);
			// T001's last bytes are read in the same pass, after T002's tail: wait for them as well.
			await waitFor(() => store.getState().output.T001.lines.at(-1) === 'last words');
			expect(store.getState().output.T001.lines.at(-1)).toBe('last words');
			expect(store.getState().output.T002.lines).toEqual(['T002 says hi']);

			// The UI asks for an older step's output: its log tail is loaded.
			store.getState().requestOutput('T000');
			await waitFor(() => store.getState().output.T000 !== undefined);
			expect(store.getState().output.T000.lines).toEqual(['an older step']);
			store.getState().requestOutput('T009');
			await waitFor(() => store.getState().output.T009 !== undefined);
			expect(store.getState().output.T009.lines).toEqual(['(no output recorded)']);

			// Read-only: nothing in the memory folder changes while it follows.
			const before = snapshot(paths.dir);
			await new Promise(resolve => setTimeout(resolve, 150));
			expect(snapshot(paths.dir)).toBe(before);
		} finally {
			follow.stop();
		}
	});

	test('a file caught mid-write is skipped; the next good one is taken', async () => {
		await writeMemoryFiles(paths, sessionWith(() => {}));
		const store = createOrchestratorStore({readOnly: true});
		const follow = followSession(store, paths, {intervalMs: 20});
		try {
			await follow.ready;
			await fsp.writeFile(paths.currentPhase, '{"implementation_id": "user-exp');
			await new Promise(resolve => setTimeout(resolve, 80));
			expect(store.getState().session?.status).toBe('running');
			await writeMemoryFiles(paths, sessionWith(s => (s.status = 'done')));
			await waitFor(() => store.getState().session?.status === 'done');
		} finally {
			follow.stop();
		}
	});

	test('ready rejects with a clear line when there is no session', async () => {
		const store = createOrchestratorStore({readOnly: true});
		const follow = followSession(store, memoryPaths(path.join(dir, 'elsewhere')), {intervalMs: 20});
		await expect(follow.ready).rejects.toThrow(/no session here/);
		follow.stop();
	});
});

describe('loadLogTail', () => {
	test('reads the last lines of a big log backwards, with the total count and the follow offset', async () => {
		const lines = Array.from({length: 20_000}, (_, i) => `line ${i + 1} ${'x'.repeat(i % 50)}`);
		await fsp.writeFile(paths.log('T001'), lines.join('\n') + '\npartial\tend');
		const tail = await loadLogTail(paths, 'T001', 100);
		expect(tail.lines).toHaveLength(100);
		expect(tail.lines[0]).toBe(lines[19_901]);
		expect(tail.lines.at(-2)).toBe(lines[19_999]);
		// Tabs are expanded by the sanitizer.
		expect(tail.lines.at(-1)).toBe('partial end');
		expect(tail.partial).toBe(true);
		expect(tail.total).toBe(20_001);
		expect(tail.offset).toBe(Buffer.byteLength(lines.join('\n') + '\n'));
	});

	test('a small log is read whole; a missing one throws', async () => {
		await fsp.writeFile(paths.log('T002'), 'a\r\nb\n');
		expect(await loadLogTail(paths, 'T002', 100)).toEqual({lines: ['a', 'b'], total: 2, offset: 5, partial: false});
		await expect(loadLogTail(paths, 'nope', 10)).rejects.toThrow();
	});
});
