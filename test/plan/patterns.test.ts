import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {Writable} from 'node:stream';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {initCommand} from '../../source/commands/init.js';
import {loadPlan} from '../../source/plan/load-plan.js';
import {PATTERNS, placeholdersOf} from '../../source/plan/patterns/index.js';
import type {Plan} from '../../source/types.js';
import {UsageError} from '../../source/util/errors.js';

const run = promisify(execFile);
const PLAN = '.specify/implementation/plan.yaml';
const SHIPPED_ROLES = ['bug-fixer.md', 'code-writer.md', 'documenter.md', 'reviewer.md', 'test-writer.md'];

let tmp: string;
beforeAll(async () => {
	tmp = await mkdtemp(path.join(os.tmpdir(), 'orch-init-'));
});
afterAll(async () => {
	await rm(tmp, {recursive: true, force: true});
});

let repoCount = 0;
/** A fresh git repository whose folder name has spaces and capitals (the id is its slug). */
async function makeRepo(): Promise<string> {
	const dir = path.join(tmp, `${++repoCount}`, 'My Shop');
	await mkdir(dir, {recursive: true});
	await run('git', ['init', '-q'], {cwd: dir});
	return dir;
}

function sink(): {stream: Writable; text: () => string} {
	let text = '';
	const stream = new Writable({
		write(chunk, _enc, done) {
			text += String(chunk);
			done();
		},
	});
	return {stream, text: () => text};
}

async function init(cwd: string, pattern: string, extra: {output?: string; force?: boolean} = {}) {
	const out = sink();
	const code = await initCommand({cwd, pattern, output: extra.output, force: extra.force ?? false, out: out.stream});
	return {code, out: out.text()};
}

const EXPECTED_PHASES: Record<string, string[]> = {
	feature: ['setup', 'core', 'testing', 'polish'],
	refactor: ['analyse', 'new-structure', 'migrate-module-a', 'migrate-module-b', 'update-imports', 'remove-old'],
	bugfix: ['reproduce', 'fix', 'regression', 'review'],
	perf: ['baseline', 'optimise', 'verify'],
	'api-endpoint': ['contract', 'handler', 'validation', 'tests', 'docs'],
	'db-migration': ['backup', 'migration-up', 'migration-down', 'data-checks', 'app-changes'],
};

const steps = (plan: Plan) => plan.phases.flatMap((p) => p.steps);

describe('patterns written by init', () => {
	it('has exactly the six patterns of the spec', () => {
		expect(Object.keys(PATTERNS).sort()).toEqual(Object.keys(EXPECTED_PHASES).sort());
	});

	for (const name of Object.keys(EXPECTED_PHASES)) {
		it(`${name}: loads as a valid plan with its phases, test command and fixer`, async () => {
			const repo = await makeRepo();
			const {code, out} = await init(repo, name);
			expect(code).toBe(0);
			expect(out).toContain(`wrote ${PLAN}`);
			expect(out).toContain('orchestrator validate');

			const {plan} = await loadPlan(PLAN, {cwd: repo});
			expect(plan.id).toBe('my-shop');
			expect(plan.title).toContain('My Shop');
			expect(plan.phases.map((p) => p.id)).toEqual(EXPECTED_PHASES[name]);
			expect(plan.test).toBe('npm test');
			expect(plan.fixer).toBe('bug-fixer');
			for (const phase of plan.phases) {
				expect(phase.steps.length, `phase ${phase.id}`).toBeGreaterThan(0);
				expect(phase.gate.checks.length, `phase ${phase.id}`).toBeGreaterThan(0);
			}
			// Every agent a step names is a role file the project now has.
			for (const step of steps(plan)) {
				if (step.agent) expect(existsSync(path.join(repo, '.specify/agents', `${step.agent}.md`)), step.agent).toBe(true);
			}
		});

		it(`${name}: a comment above every phase and every step, placeholders left in`, () => {
			const text = PATTERNS[name].render({id: 'x', title: 'X'});
			const lines = text.split('\n');
			const items = lines.map((line, i) => ({line, i})).filter(({line}) => /^\s*- id:/.test(line));
			expect(items.length).toBeGreaterThan(EXPECTED_PHASES[name].length);
			for (const {line, i} of items) {
				const above = lines.slice(0, i).reverse().find((l) => l.trim() !== '');
				expect(above?.trim().startsWith('#'), `no comment above "${line.trim()}"`).toBe(true);
			}
			expect(placeholdersOf(text).length).toBeGreaterThan(0);
		});
	}

	it('feature: the four roles of the spec do the work', async () => {
		const repo = await makeRepo();
		await init(repo, 'feature');
		const {plan} = await loadPlan(PLAN, {cwd: repo});
		expect(new Set(steps(plan).map((s) => s.agent).filter(Boolean))).toEqual(new Set(['code-writer', 'test-writer', 'documenter', 'reviewer']));
		expect(plan.phases.map((p) => p.title)).toEqual(['Setup', 'Core Implementation', 'Testing', 'Polish']);
	});

	it('refactor: a read-only analysis, a test gate per module, imports by slash command', async () => {
		const repo = await makeRepo();
		await init(repo, 'refactor');
		const {plan} = await loadPlan(PLAN, {cwd: repo});
		const analyse = plan.phases[0].steps[0];
		expect(analyse.agent).toBe('reviewer');
		expect(analyse.files).toEqual([]);
		for (const id of ['migrate-module-a', 'migrate-module-b']) {
			const phase = plan.phases.find((p) => p.id === id)!;
			expect(phase.gate.checks.map((c) => c.command)).toContain('npm test');
			expect(phase.gate.checks.length).toBe(2);
		}
		const imports = plan.phases.find((p) => p.id === 'update-imports')!.steps[0];
		expect(imports.slash).toMatch(/^\/fix:import-statements\b/);
		expect(imports.prompt).toBeUndefined();
		expect(imports.run).toBeUndefined();
	});

	it('bugfix: a reproducing test, then a fail-then-pass check at the fix gate, review by /review:code', async () => {
		const repo = await makeRepo();
		const {out} = await init(repo, 'bugfix');
		const {plan} = await loadPlan(PLAN, {cwd: repo});
		const [reproduce, fix, , review] = plan.phases;
		expect(reproduce.steps[0].agent).toBe('test-writer');
		expect(fix.steps[0].agent).toBe('bug-fixer');
		const ftp = fix.gate.checks.find((c) => c.expect === 'fail-then-pass');
		expect(ftp?.command).toContain('<bug-test-file>');
		expect(review.steps[0].slash).toMatch(/^\/review:code\b/);
		// The project has no .claude/commands/review/code.md yet: init says so.
		expect(out).toMatch(/note: step B004: no command file for \/review:code/);
	});

	it('perf: baseline step P001 and a measure check that compares with it', async () => {
		const repo = await makeRepo();
		await init(repo, 'perf');
		const {plan} = await loadPlan(PLAN, {cwd: repo});
		expect(plan.phases[0].steps[0]).toMatchObject({id: 'P001', run: '<benchmark command>'});
		const check = plan.phases.at(-1)!.gate.checks.find((c) => c.measure);
		expect(check?.measure).toEqual({command: '<benchmark command>', metric: '<metric label>', baseline_step: 'P001', better: 'lower', min_change: 0.1});
		expect(check?.command).toBe(check?.measure?.command);
	});

	it('db-migration: the very first step is the database backup', async () => {
		const repo = await makeRepo();
		await init(repo, 'db-migration');
		const {plan} = await loadPlan(PLAN, {cwd: repo});
		const first = steps(plan)[0];
		expect(first.run).toMatch(/<db dump command> > backups\/<migration-name>\.sql/);
		expect(first.agent).toBeUndefined();
		const down = plan.phases.find((p) => p.id === 'migration-down')!;
		expect(down.gate.checks[0].command).toBe('<migrate down command> && <migrate up command>');
	});
});

describe('initCommand', () => {
	it('refuses to overwrite a plan without --force, naming the file and --force', async () => {
		const repo = await makeRepo();
		await init(repo, 'feature');
		await writeFile(path.join(repo, PLAN), 'id: mine\n');
		const error = await init(repo, 'bugfix').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(UsageError);
		expect((error as Error).message).toContain(PLAN);
		expect((error as Error).message).toContain('--force');
		expect(await readFile(path.join(repo, PLAN), 'utf8')).toBe('id: mine\n');

		const {code} = await init(repo, 'bugfix', {force: true});
		expect(code).toBe(0);
		const {plan} = await loadPlan(PLAN, {cwd: repo});
		expect(plan.phases[0].id).toBe('reproduce');
	});

	it('rejects an unknown pattern, listing all six', async () => {
		const repo = await makeRepo();
		const error = await init(repo, 'hotfix').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(UsageError);
		const message = (error as Error).message;
		expect(message).toContain('"hotfix"');
		for (const name of Object.keys(EXPECTED_PHASES)) expect(message).toContain(name);
		expect(existsSync(path.join(repo, PLAN))).toBe(false);
	});

	it('writes to a given path, relative to cwd, and JSON when asked', async () => {
		const repo = await makeRepo();
		const sub = path.join(repo, 'plans');
		await mkdir(sub);
		const {out} = await init(sub, 'perf', {output: 'perf.yaml'});
		expect(out).toContain('orchestrator validate perf.yaml');
		expect((await loadPlan('plans/perf.yaml', {cwd: repo})).plan.id).toBe('my-shop');

		await init(repo, 'api-endpoint', {output: 'api.json'});
		const {plan} = await loadPlan('api.json', {cwd: repo});
		expect(plan.source.format).toBe('json');
		expect(plan.phases.map((p) => p.id)).toEqual(EXPECTED_PHASES['api-endpoint']);

		await expect(init(repo, 'feature', {output: 'plan.txt'})).rejects.toThrow(/\.yaml, \.yml or \.json/);
	});

	it('copies the shipped role files once and never overwrites one', async () => {
		const repo = await makeRepo();
		const roles = path.join(repo, '.specify/agents');
		const first = await init(repo, 'feature');
		expect((await readdir(roles)).sort()).toEqual(SHIPPED_ROLES);
		expect(first.out).toContain('copied role files');

		await writeFile(path.join(roles, 'reviewer.md'), '---\nname: reviewer\n---\nMy own reviewer.\n');
		await rm(path.join(roles, 'documenter.md'));
		const second = await init(repo, 'feature', {force: true});
		expect(second.out).not.toContain('copied role files');
		expect(await readFile(path.join(roles, 'reviewer.md'), 'utf8')).toContain('My own reviewer.');
		// The project has role files of its own: none is added back.
		expect(existsSync(path.join(roles, 'documenter.md'))).toBe(false);
	});

	it('does not shadow a role the project defines in .claude/agents/', async () => {
		const repo = await makeRepo();
		await mkdir(path.join(repo, '.claude/agents'), {recursive: true});
		await writeFile(path.join(repo, '.claude/agents/reviewer.md'), 'Review like us.\n');
		await init(repo, 'feature');
		expect((await readdir(path.join(repo, '.specify/agents'))).sort()).toEqual(SHIPPED_ROLES.filter((r) => r !== 'reviewer.md'));
	});

	it('takes the id from the repository root when run in a subfolder', async () => {
		const repo = await makeRepo();
		await mkdir(path.join(repo, 'src/deep'), {recursive: true});
		await init(path.join(repo, 'src/deep'), 'feature');
		expect(existsSync(path.join(repo, PLAN))).toBe(true);
		expect((await loadPlan(PLAN, {cwd: repo})).plan.id).toBe('my-shop');
	});
});
