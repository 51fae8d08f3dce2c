import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {Writable} from 'node:stream';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {validateCommand} from '../../source/commands/validate.js';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'orch-validate-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

class Sink extends Writable {
	text = '';
	override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
		this.text += chunk.toString();
		done();
	}
}

async function validate(opts: {plan?: string; json?: boolean; maxParallel?: number}) {
	const out = new Sink();
	const err = new Sink();
	const code = await validateCommand({plan: opts.plan, cwd: dir, json: opts.json ?? false, maxParallel: opts.maxParallel, out, err});
	return {code, out: out.text, err: err.text};
}

// Shell steps only: they need no agent CLI on PATH.
const PLAN = `id: user-export
title: Add user export
test: "true"
phases:
  - id: setup
    title: Setup
    steps:
      - id: T001
        title: Create directory structure
        run: mkdir -p src/export
        files: [src/export/index.ts]
      - id: T002
        title: Write a
        run: echo a > src/a.ts
        parallel: true
        files: [src/a.ts]
      - id: T003
        title: Write b
        run: echo b > src/b.ts
        parallel: true
        files: [src/b.ts]
        done: true
      - id: T004
        run: cat src/a.ts src/b.ts
  - id: polish
    title: Polish
    steps:
      - id: T005
        title: Touch a again
        run: touch src/a.ts
        files: [src/a.ts]
        colour: blue
`;

describe('validateCommand', () => {
	it('--json prints exactly the normalised plan, the order and the warnings', async () => {
		await writeFile(path.join(dir, 'plan.yaml'), PLAN);
		const {code, out, err} = await validate({plan: 'plan.yaml', json: true});
		expect(err).toBe('');
		expect(code).toBe(0);
		const json = JSON.parse(out);
		expect(Object.keys(json)).toEqual(['id', 'title', 'phases', 'order', 'warnings']);
		expect(json.id).toBe('user-export');
		expect(json.title).toBe('Add user export');
		expect(json.phases.map((p: {id: string}) => p.id)).toEqual(['setup', 'polish']);
		expect(Object.keys(json.phases[0])).toEqual(['id', 'title', 'steps']);
		expect(json.phases[0].steps[0]).toEqual({
			id: 'T001',
			title: 'Create directory structure',
			agent: null,
			files: ['src/export/index.ts'],
			depends_on: [],
			parallel: false,
			done: false,
		});
		expect(json.phases[0].steps[2]).toMatchObject({id: 'T003', parallel: true, done: true, depends_on: ['T001']});
		expect(json.phases[0].steps[3]).toMatchObject({id: 'T004', title: 'cat src/a.ts src/b.ts', depends_on: ['T002', 'T003']});
		expect(json.order).toEqual([['T001'], ['T002', 'T003'], ['T004'], ['T005']]);
		expect(json.warnings).toEqual(['plan.yaml:32:9: warning: unknown key "colour" in step T005 is ignored — fix: remove it (known keys: id, title, agent, prompt, run, slash, files, depends_on, parallel, done, timeout, stall_timeout)']);
	});

	it('--max-parallel caps the batches', async () => {
		await writeFile(path.join(dir, 'plan.yaml'), PLAN);
		const {out} = await validate({plan: 'plan.yaml', json: true, maxParallel: 1});
		expect(JSON.parse(out).order).toEqual([['T001'], ['T002'], ['T003'], ['T004'], ['T005']]);
	});

	it('prints a readable summary: phases, order with [P] batches together, shared files, warnings', async () => {
		await writeFile(path.join(dir, 'plan.yaml'), PLAN);
		const {code, out} = await validate({plan: 'plan.yaml'});
		expect(code).toBe(0);
		const lines = out.split('\n');
		expect(lines[0]).toBe('plan user-export · Add user export');
		expect(out).toMatch(/setup +Setup · 4 steps \(1 done\) · checks: true/);
		expect(out).toMatch(/polish +Polish · 1 step · checks: true/);
		const p = lines.findIndex((l) => l.includes('[P] T002 Write a'));
		expect(p).toBeGreaterThan(0);
		expect(lines[p + 1]).toMatch(/^ +T003 Write b \(done\)$/);
		expect(lines[p + 2]).toMatch(/^ +3\. T004 /);
		expect(out).toContain('  src/a.ts: T002, T005');
		expect(out).toMatch(/warnings \(1\)\n {2}plan\.yaml:32:9: warning: unknown key "colour"/);
		expect(lines.at(-2)).toBe('ok: 5 steps in 2 phases, 4 batches');
	});

	it('finds the default plan when none is given', async () => {
		await mkdir(path.join(dir, '.specify/implementation'), {recursive: true});
		await writeFile(path.join(dir, '.specify/implementation/plan.yaml'), PLAN);
		const {code, out} = await validate({json: true});
		expect(code).toBe(0);
		expect(JSON.parse(out).id).toBe('user-export');
	});

	it('exits 2 with one line per error on err', async () => {
		await writeFile(path.join(dir, 'bad.yaml'), PLAN.replace('      - id: T004\n', '      - id: T004\n        depends_on: [T009]\n'));
		const {code, out, err} = await validate({plan: 'bad.yaml'});
		expect(code).toBe(2);
		expect(out).toBe('');
		const lines = err.trim().split('\n');
		expect(lines[0]).toBe('bad.yaml:24:22: error: unknown step "T009" in depends_on of T004 — fix: use one of T001, T002, T003');
		expect(lines[1]).toMatch(/^bad\.yaml:\d+:\d+: warning: unknown key "colour"/);
	});

	it('--json on error prints {error, issues} and exits 2', async () => {
		await writeFile(path.join(dir, 'bad.yaml'), 'id: x\nphases:\n  id: a\n');
		const {code, out} = await validate({plan: 'bad.yaml', json: true});
		expect(code).toBe(2);
		const json = JSON.parse(out);
		expect(Object.keys(json)).toEqual(['error', 'issues']);
		expect(json.error).toMatch(/^bad\.yaml:3:3: error: `phases` of the plan must be a list, not a mapping — fix: /);
		expect(json.issues[0]).toMatchObject({file: path.join(dir, 'bad.yaml'), line: 3, col: 3, severity: 'error'});
	});

	it('exits 2 when no plan is given and none is found', async () => {
		const {code, err} = await validate({});
		expect(code).toBe(2);
		expect(err).toMatch(/^no plan given and none found/);
		const json = await validate({json: true});
		expect(JSON.parse(json.out)).toEqual({error: expect.stringMatching(/^no plan given/), issues: []});
	});

	it('reports agents that cannot run (checked by the agents module)', async () => {
		await writeFile(
			path.join(dir, 'plan.yaml'),
			PLAN.replace('        title: Touch a again\n', '        title: Touch a again\n        agent: no-such-agent-anywhere\n        prompt: touch it\n'),
		);
		const {code, err} = await validate({plan: 'plan.yaml'});
		expect(code).toBe(2);
		expect(err).toMatch(/no-such-agent-anywhere/);
	});
});
