// `orchestrator run plan.yaml --headless --yes` end to end: commits, tags, refs, memory files.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, memoryFile, readJson, runCli, treeSnapshot} from '../helpers/repo.js';
import {currentPhase, ensureBuilt, events, repoWithPlan, stepCommit, subjects} from '../engine/harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

describe('run on a plan of shell steps', () => {
	let repo: string;
	let result: Awaited<ReturnType<typeof runCli>>;

	beforeAll(async () => {
		repo = repoWithPlan('three-phases.yaml');
		result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: repo});
	});

	it('exits 0 with a clean stderr', () => {
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/✓ done/);
	});

	it('makes one commit per step that changed something, none for the step that did not', () => {
		const log = subjects(repo);
		expect(log).toEqual([
			'orchestrator(shop): T005 Tests and docs',
			'orchestrator(shop): T004 Edit a',
			'orchestrator(shop): T003 Add b',
			'orchestrator(shop): T001 Create the layout',
			'orchestrator(shop): start',
			'initial',
		]);
		for (const step of ['T001', 'T003', 'T004', 'T005']) {
			const hash = stepCommit(repo, step);
			expect(hash).toMatch(/^[0-9a-f]{40}$/);
			expect(git(repo, 'log', '-1', '--format=%(trailers:key=Orchestrator-Step,valueonly)', hash)).toBe(`shop/${step}`);
		}
		const t002 = currentPhase(repo).session.steps.T002;
		expect(t002.status).toBe('done');
		expect(t002.noChanges).toBe(true);
		expect(t002.commit).toBe(stepCommit(repo, 'T001'));
	});

	it('the plan file, new before the run, is in the start commit', () => {
		const start = git(repo, 'rev-parse', 'refs/orchestrator/shop/start');
		expect(git(repo, 'log', '-1', '--format=%s', start)).toBe('orchestrator(shop): start');
		expect(git(repo, 'ls-tree', '--name-only', start)).toContain('plan.yaml');
	});

	it('tags every phase at its last checkpoint', () => {
		expect(git(repo, 'tag', '--list').split('\n').sort()).toEqual(['orchestrator/shop/core', 'orchestrator/shop/polish', 'orchestrator/shop/setup']);
		const commitOf = (rev: string) => git(repo, 'rev-parse', `${rev}^{commit}`);
		expect(commitOf('orchestrator/shop/setup')).toBe(stepCommit(repo, 'T001'));
		expect(commitOf('orchestrator/shop/core')).toBe(stepCommit(repo, 'T004'));
		expect(commitOf('orchestrator/shop/polish')).toBe(commitOf('HEAD'));
	});

	it('leaves a clean tree with the steps\' files', () => {
		expect(git(repo, 'status', '--porcelain')).toBe('');
		const tree = treeSnapshot(repo);
		expect(tree['src/a.js']).toBe('export const a = 10;\n');
		expect(tree['src/b.js']).toBe('export const b = 2;\n');
		expect(Object.keys(tree).some(f => f.startsWith('.specify/'))).toBe(false);
	});

	it('writes current-phase.json with the SPEC fields', () => {
		const cp = currentPhase(repo);
		expect(cp.implementation_id).toBe('shop');
		expect(cp).toHaveProperty('current_phase');
		expect(cp.phases_completed).toEqual(['setup', 'core', 'polish']);
		expect(cp.phases_remaining).toEqual([]);
		expect(Number.isNaN(Date.parse(cp.last_checkpoint))).toBe(false);
		expect(cp.session.status).toBe('done');
		expect(Object.values(cp.session.steps).every((s: any) => s.status === 'done')).toBe(true);
	});

	it('writes changes.json with files, tests and documentation', () => {
		const changes = readJson(memoryFile(repo, 'changes.json'));
		const paths = changes.files_modified.map((f: any) => f.path).sort();
		expect(paths).toEqual(['API.md', 'src/a.js', 'src/b.js', 'test/a.test.js']);
		for (const f of changes.files_modified) {
			expect(f.agent).toBe('shell');
			expect(f.status).toBe('complete');
		}
		expect(changes.tests_added).toEqual(['test/a.test.js']);
		expect(changes.documentation_updated).toBe(true);
	});

	it('writes the readable lists and the rollback plan', () => {
		const completed = fs.readFileSync(memoryFile(repo, 'completed-changes.md'), 'utf8');
		for (const step of ['T001', 'T002', 'T003', 'T004', 'T005']) expect(completed).toContain(step);
		expect(fs.existsSync(memoryFile(repo, 'pending-changes.md'))).toBe(true);
		const rollbackPlan = fs.readFileSync(memoryFile(repo, 'rollback-plan.md'), 'utf8');
		for (const name of ['start', 'setup', 'core', 'polish']) expect(rollbackPlan).toContain(`orchestrator rollback ${name}`);
		expect(rollbackPlan).toContain('orchestrator/shop/core');
	});

	it('appends parseable events of every kind', () => {
		const list = events(repo);
		const types = new Set(list.map(e => e.type));
		for (const type of ['session_started', 'phase_started', 'step_started', 'output', 'step_finished', 'gate_opened', 'gate_decided', 'checkpoint', 'phase_approved', 'session_finished']) {
			expect(types, type).toContain(type);
		}
		for (const e of list) expect(Number.isNaN(Date.parse(e.time))).toBe(false);
		expect(list.at(-1)).toMatchObject({type: 'session_finished', result: 'done'});
	});

	it('keeps a log and a handoff per step, the handoff in the SPEC form', () => {
		for (const step of ['T001', 'T002', 'T003', 'T004', 'T005']) {
			expect(fs.existsSync(memoryFile(repo, `logs/${step}.log`)), step).toBe(true);
			const handoff = fs.readFileSync(memoryFile(repo, `handoffs/${step}.md`), 'utf8');
			expect(handoff).toMatch(new RegExp(`^## Handoff from ${step} \\(shell\\)`));
			for (const heading of ['Completed Work', 'Modified Files', 'Next Steps', 'Constraints', 'Testing Status']) expect(handoff).toContain(`**${heading}**:`);
		}
		expect(fs.readFileSync(memoryFile(repo, 'logs/T002.log'), 'utf8')).toContain('nothing to change here');
		expect(fs.readFileSync(memoryFile(repo, 'handoffs/T001.md'), 'utf8')).toMatch(/to T002 \(shell\)/);
		expect(fs.readFileSync(memoryFile(repo, 'handoffs/T001.md'), 'utf8')).toContain('src/a.js');
	});

	it('keeps the memory folder out of git', () => {
		const exclude = fs.readFileSync(path.join(repo, '.git/info/exclude'), 'utf8');
		expect(exclude).toMatch(/^\/?\.specify\/agents\/context\/implementation\/?$/m);
		const everCommitted = git(repo, 'log', '--all', '--name-only', '--format=');
		expect(everCommitted).not.toContain('.specify/agents/context');
	});
});

describe('run --json', () => {
	it('prints the events as JSON lines', async () => {
		const repo = repoWithPlan('three-phases.yaml');
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--json'], {cwd: repo});
		expect(result.code).toBe(0);
		const lines = result.stdout.split('\n').filter(Boolean);
		expect(lines.length).toBeGreaterThan(10);
		const parsed = lines.map(line => JSON.parse(line));
		expect(parsed[0].type).toBe('session_started');
		expect(parsed.at(-1)).toMatchObject({type: 'session_finished', result: 'done'});
		expect(parsed.filter(e => e.type === 'output').some(e => e.step === 'T002' && e.line === 'nothing to change here')).toBe(true);
	});
});
