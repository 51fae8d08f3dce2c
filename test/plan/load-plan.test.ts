import {createHash} from 'node:crypto';
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {loadPlan, parsePlanText, PlanError} from '../../source/plan/load-plan.js';
import type {PlanIssue} from '../../source/types.js';
import {UsageError} from '../../source/util/errors.js';

let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'orch-plan-'));
});
afterAll(async () => {
	await rm(dir, {recursive: true, force: true});
});

/** Lines joined with \n, so tests can count lines for positions. */
const yaml = (...lines: string[]) => lines.join('\n') + '\n';

async function issuesOf(text: string, name = 'plan.yaml'): Promise<PlanIssue[]> {
	try {
		await parsePlanText(text, path.join(dir, name), {cwd: dir});
	} catch (error) {
		expect(error).toBeInstanceOf(PlanError);
		return (error as PlanError).issues;
	}
	throw new Error('expected a PlanError');
}

const errorsOf = async (text: string, name?: string) => (await issuesOf(text, name)).filter((i) => i.severity === 'error');

/** Line and 1-based column of `needle` on line `line` of `text`: positions computed, not counted by hand. */
function at(text: string, line: number, needle: string): {line: number; col: number} {
	const col = text.split('\n')[line - 1].indexOf(needle);
	if (col < 0) throw new Error(`"${needle}" is not on line ${line}`);
	return {line, col: col + 1};
}

const VALID = yaml(
	'id: user-export', //                      1
	'title: Add user export', //               2
	'test: npm test', //                       3
	'agent: code-writer', //                   4
	'max_files: 10', //                        5
	'fixer: bug-fixer', //                     6
	'agents:', //                              7
	'  code-writer: { preset: claude, role: .claude/agents/code-writer.md }', // 8
	'  scripted: { command: ["bash", "-c", "{run}"], timeout: 60 }', // 9
	'phases:', //                              10
	'  - id: setup', //                        11
	'    title: Setup', //                     12
	'    steps:', //                           13
	'      - id: T001', //                     14
	'        title: Create directory structure', // 15
	'        prompt: Create src/export/', //   16
	'        files: [src/export/index.ts]', // 17
	'      - id: T002', //                     18
	'        run: npm install csv-stringify', // 19
	'        parallel: true', //               20
	'      - id: T003', //                     21
	'        run: echo three', //              22
	'        parallel: true', //               23
	'        done: true', //                   24
	'      - id: T004', //                     25
	'        slash: /review:code src', //      26
	'        agent: scripted', //              27
	'    gate:', //                            28
	'      checks:', //                        29
	'        - npm run lint', //               30
	'        - {command: npm test, name: unit, expect: fail-then-pass}', // 31
	'      approve: false', //                 32
	'  - id: polish', //                       33
	'    steps:', //                           34
	'      - id: T005', //                     35
	'        prompt: Polish it', //            36
	'        depends_on: [T001]', //           37
	'    gate: {tag: false}', //               38
);

describe('loadPlan: valid plans', () => {
	it('normalises a YAML plan into the shared Plan type', async () => {
		const file = path.join(dir, 'valid.yaml');
		await writeFile(file, VALID);
		const {plan, warnings} = await loadPlan('valid.yaml', {cwd: dir});

		expect(warnings).toEqual([]);
		expect(plan.id).toBe('user-export');
		expect(plan.title).toBe('Add user export');
		expect(plan.test).toBe('npm test');
		expect(plan.defaultAgent).toBe('code-writer');
		expect(plan.fixer).toBe('bug-fixer');
		expect(plan.strict).toBe(false);
		expect(plan.max_files).toBe(10);
		expect(plan.agents).toEqual({
			'code-writer': {preset: 'claude', role: '.claude/agents/code-writer.md'},
			scripted: {command: ['bash', '-c', '{run}'], timeout: 60},
		});
		expect(plan.source).toEqual({
			path: file,
			format: 'yaml',
			hash: createHash('sha256').update(await readFile(file)).digest('hex'),
		});

		const [setup, polish] = plan.phases;
		expect(setup.steps.map((s) => s.id)).toEqual(['T001', 'T002', 'T003', 'T004']);
		expect(setup.steps[0]).toEqual({
			id: 'T001',
			title: 'Create directory structure',
			phaseId: 'setup',
			prompt: 'Create src/export/',
			files: ['src/export/index.ts'],
			depends_on: [],
			parallel: false,
			done: false,
		});
		// Untitled steps are named after what they do; defaults are filled.
		expect(setup.steps[1]).toMatchObject({title: 'npm install csv-stringify', files: [], parallel: true, done: false, depends_on: ['T001']});
		expect(setup.steps[2]).toMatchObject({parallel: true, done: true, depends_on: ['T001']});
		expect(setup.steps[3]).toMatchObject({slash: '/review:code src', agent: 'scripted', depends_on: ['T002', 'T003']});
		expect(setup.gate).toEqual({
			checks: [{command: 'npm run lint'}, {command: 'npm test', name: 'unit', expect: 'fail-then-pass'}],
			approve: false,
			tag: true,
		});
		// A phase without gate.checks runs the plan's test; the title defaults to the id.
		expect(polish.title).toBe('polish');
		expect(polish.gate).toEqual({checks: [{command: 'npm test'}], approve: true, tag: false});
		expect(polish.steps[0]).toMatchObject({phaseId: 'polish', depends_on: ['T001']});
		expect(polish.steps[0].agent).toBeUndefined();
	});

	it('reads the same plan written as JSON', async () => {
		const {plan: fromYaml} = await parsePlanText(VALID, path.join(dir, 'p.yaml'), {cwd: dir});
		const json = JSON.stringify({
			id: 'user-export',
			title: 'Add user export',
			test: 'npm test',
			agent: 'code-writer',
			max_files: 10,
			fixer: 'bug-fixer',
			agents: {'code-writer': {preset: 'claude', role: '.claude/agents/code-writer.md'}, scripted: {command: ['bash', '-c', '{run}'], timeout: 60}},
			phases: [
				{
					id: 'setup',
					title: 'Setup',
					steps: [
						{id: 'T001', title: 'Create directory structure', prompt: 'Create src/export/', files: ['src/export/index.ts']},
						{id: 'T002', run: 'npm install csv-stringify', parallel: true},
						{id: 'T003', run: 'echo three', parallel: true, done: true},
						{id: 'T004', slash: '/review:code src', agent: 'scripted'},
					],
					gate: {checks: ['npm run lint', {command: 'npm test', name: 'unit', expect: 'fail-then-pass'}], approve: false},
				},
				{id: 'polish', steps: [{id: 'T005', prompt: 'Polish it', depends_on: ['T001']}], gate: {tag: false}},
			],
		}, null, 2);
		const file = path.join(dir, 'valid.json');
		await writeFile(file, json);
		const {plan, warnings} = await loadPlan(file, {cwd: dir});
		expect(warnings).toEqual([]);
		expect(plan.source.format).toBe('json');
		// Same plan; only the source places differ (where `agent:` is written in each file).
		const withoutPlaces = (p: typeof plan) => ({...p, source: undefined, phases: p.phases.map(ph => ({...ph, steps: ph.steps.map(({agentAt, ...step}) => step)}))});
		expect(withoutPlaces(plan)).toEqual(withoutPlaces(fromYaml));
		expect(plan.phases[0].steps[3].agentAt?.line).toBeGreaterThan(0);
		expect(fromYaml.phases[0].steps.find(s => s.agent)?.agentAt?.line).toBeGreaterThan(0);
	});

	it('derives the plan id from the file name, keeps numeric-looking ids as written, accepts single strings for lists', async () => {
		const {plan} = (await parsePlanText(
			yaml('phases:', '  - title: Core Implementation', '    steps:', '      - id: 000', '        run: make', '      - id: 001', '        run: make', '        files: src/a.c', '        depends_on: 000', '      - id: 1e3', '        run: make'),
			path.join(dir, 'My Feature Plan.yml'),
			{cwd: dir},
		));
		expect(plan.id).toBe('my-feature-plan');
		expect(plan.title).toBe('my-feature-plan');
		expect(plan.phases[0].id).toBe('core-implementation');
		expect(plan.phases[0].steps.map((s) => s.id)).toEqual(['000', '001', '1e3']);
		expect(plan.phases[0].steps[1]).toMatchObject({files: ['src/a.c'], depends_on: ['000']});
	});

	it('imports a spec-kit tasks.md and checks it like any plan', async () => {
		const feature = path.join(dir, 'specs', '001-demo');
		await mkdir(feature, {recursive: true});
		const tasks = path.join(feature, 'tasks.md');
		await writeFile(tasks, ['# Tasks: Demo', '', '## Phase 1: Setup', '', '- [ ] T001 Create src/app.py', '- [ ] T002 [P] Add src/a.py', '- [ ] T003 [P] Add src/b.py', '- [x] T004 Wire src/app.py', ''].join('\n'));
		const {plan} = await loadPlan(tasks, {cwd: dir});
		expect(plan.source.format).toBe('speckit');
		const steps = plan.phases.flatMap((p) => p.steps);
		expect(steps.map((s) => s.id)).toEqual(['T001', 'T002', 'T003', 'T004']);
		expect(steps[3].done).toBe(true);
		expect(steps[3].depends_on).toEqual(expect.arrayContaining(['T002', 'T003']));
	});
});

describe('loadPlan: unreadable input', () => {
	it('names a missing file and the fix', async () => {
		const error = await loadPlan('nope.yaml', {cwd: dir}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(PlanError);
		expect(error).toBeInstanceOf(UsageError);
		expect((error as PlanError).message).toMatch(/nope\.yaml: error: plan file not found — fix: check the path, or write one with `orchestrator init`$/);
		expect((error as PlanError).issues).toHaveLength(1);
	});

	it('refuses a folder', async () => {
		const error = (await loadPlan('.', {cwd: dir}).catch((e: unknown) => e)) as PlanError;
		expect(error.issues[0].message).toMatch(/folder, not a file/);
		expect(error.issues[0].fix).toMatch(/plan file itself/);
	});

	it('refuses an unknown extension', async () => {
		expect((await errorsOf('id: x\n', 'plan.txt'))[0].message).toMatch(/unknown plan format "\.txt"/);
	});

	it('reports malformed YAML at the position the parser gives', async () => {
		const errors = (await errorsOf(yaml('id: x', 'phases:', '  - id: a', '    steps: [', '      - id: b')));
		expect(errors.length).toBeGreaterThan(0);
		expect(errors[0].message).toMatch(/^YAML syntax: /);
		expect(errors[0].message).not.toMatch(/line \d+, column/); // the position is in line/col
		expect(errors[0]).toMatchObject({line: 5, col: 7});
	});

	it('reports malformed JSON as JSON', async () => {
		const errors = (await errorsOf('{"id": "x",\n  "phases": [}\n', 'plan.json'));
		expect(errors[0].message).toMatch(/^JSON syntax: /);
		expect(errors[0].line).toBe(2);
	});

	it('reports a repeated key', async () => {
		const errors = (await errorsOf(yaml('id: x', 'id: y', 'phases: []')));
		expect(errors[0]).toMatchObject({line: 2, col: 1, fix: 'remove or rename the repeated key'});
	});

	it('reports an empty file and a file that is not a mapping', async () => {
		expect((await errorsOf(''))[0]).toMatchObject({line: 1, message: 'the plan is empty'});
		expect((await errorsOf('- a\n- b\n'))[0].message).toMatch(/must be a mapping with `phases:`, not a list/);
	});
});

describe('loadPlan: wrong shape', () => {
	it('says phases must be a list, where, and how to fix it', async () => {
		const [e] = (await errorsOf(yaml('id: x', 'phases:', '  id: a', '  steps: []')));
		expect(e).toMatchObject({line: 3, col: 3, message: '`phases` of the plan must be a list, not a mapping'});
		expect(e.fix).toMatch(/- id: setup/);
	});

	it('says when phases are missing or empty', async () => {
		expect((await errorsOf(yaml('id: x', 'title: y')))[0]).toMatchObject({line: 1, col: 1, message: 'the plan has no `phases`'});
		expect((await errorsOf(yaml('id: x', 'phases: []')))[0]).toMatchObject({line: 2, col: 9, message: '`phases` of the plan is an empty list'});
	});

	it('names each bad field by its step and position', async () => {
		const text = yaml(
				'id: x', //                     1
				'phases:', //                   2
				'  - id: a', //                 3
				'    steps:', //                4
				'      - id: T1', //            5
				'        files: {a: 1}', //     6
				'        parallel: yes', //     7
				'      - run: make', //         8
				'      - 7', //                 9
				'    gate:', //                 10
				'      checks: [4, {name: n}]', // 11
				'      approve: maybe', //      12
				'      checks2: x', //          13
			);
		const errors = (await errorsOf(text));
		const by = (line: number) => errors.find((e) => e.line === line);
		expect(by(6)).toMatchObject({...at(text, 6, '{a'), message: '`files` of step T1 must be a list, not a mapping'});
		expect(by(7)).toMatchObject({...at(text, 7, 'yes'), message: '`parallel` of step T1 must be true or false, not text', fix: 'write true or false'});
		expect(by(8)).toMatchObject({...at(text, 8, 'run'), message: 'steps[1] of phase a has no `id`'});
		expect(by(9)?.message).toBe('steps[2] of phase a must be a mapping (id, title, prompt or run, files, …), not a number');
		expect(by(11)).toMatchObject({...at(text, 11, '{name'), message: '`gate.checks[1]` of phase a has no `command`'});
		expect(by(12)).toMatchObject({...at(text, 12, 'maybe'), message: '`gate.approve` of phase a must be true or false, not text'});
		// `checks: [4, …]` reads 4 as the command "4": not an error.
		expect(errors).toHaveLength(6);
	});

	it('rejects an unknown enum value with the allowed ones', async () => {
		const text = yaml('phases:', '  - id: a', '    steps: [{id: T1, run: x}]', '    gate:', '      checks:', '        - {command: t, expect: maybe}');
		const [e] = (await errorsOf(text));
		expect(e).toMatchObject({...at(text, 6, 'maybe'), message: '`gate.checks[0].expect` of phase a must be one of pass, fail-then-pass, not "maybe"'});
	});
});

describe('loadPlan: plan errors', () => {
	it('unknown step in depends_on, at the entry, with the ids to use', async () => {
		const text = yaml('phases:', '  - id: a', '    steps:', '      - {id: T001, run: x}', '      - {id: T002, run: x}', '      - id: T004', '        run: x', '        depends_on: [T001, T009]');
		const errors = (await errorsOf(text));
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({...at(text, 8, 'T009'), message: 'unknown step "T009" in depends_on of T004', fix: 'use one of T001, T002'});
	});

	it('duplicate step ids, at both places', async () => {
		const errors = (await errorsOf(yaml('phases:', '  - id: a', '    steps:', '      - id: T001', '        run: x', '  - id: b', '    steps:', '      - id: T001', '        run: y')));
		expect(errors.map((e) => [e.line, e.col, e.message])).toEqual([
			[4, 13, 'step id "T001" is used twice (also at line 8)'],
			[8, 13, 'step id "T001" is used twice (first at line 4)'],
		]);
	});

	it('duplicate phase ids', async () => {
		const errors = (await errorsOf(yaml('phases:', '  - id: a', '    steps: [{id: T1, run: x}]', '  - id: a', '    steps: [{id: T2, run: x}]')));
		expect(errors.map((e) => [e.line, e.col, e.message])).toEqual([
			[2, 9, 'phase id "a" is used twice (also at line 4)'],
			[4, 9, 'phase id "a" is used twice (first at line 2)'],
		]);
	});

	it('a step with nothing to do', async () => {
		const [e] = (await errorsOf(yaml('phases:', '  - id: core', '    steps:', '      - {id: T1, run: x}', '      - {id: T2, run: x}', '      - id: T3', '        title: Think')));
		expect(e).toMatchObject({line: 6, col: 9, message: 'steps[2] of phase core (T3) needs `prompt`, `run` or `slash`'});
		expect(e.fix).toMatch(/add one of them/);
	});

	it('a dependency on a step of a later phase', async () => {
		const text = yaml('phases:', '  - id: a', '    steps:', '      - {id: T1, run: x, depends_on: [T2]}', '  - id: b', '    steps:', '      - {id: T2, run: x}');
		const [e] = (await errorsOf(text));
		expect(e).toMatchObject({...at(text, 4, 'T2]'), message: 'T1 (phase a) depends on T2 of the later phase b'});
	});

	it('a cycle, printed as its path', async () => {
		const text = yaml(
			'phases:',
			'  - id: a',
			'    steps:',
			'      - {id: T001, run: x}',
			'      - {id: T003, run: x, depends_on: [T005]}',
			'      - {id: T004, run: x}',
			'      - {id: T005, run: x, depends_on: [T003]}',
		);
		const errors = (await errorsOf(text));
		expect(errors).toHaveLength(1);
		expect(errors[0].message).toBe('dependency cycle: T003 → T005 → T003 (each depends on the next)');
		expect(errors[0]).toMatchObject(at(text, 5, 'T005]'));
	});

	it('a self-dependency is a cycle', async () => {
		expect((await errorsOf(yaml('phases:', '  - id: a', '    steps:', '      - {id: T1, run: x, depends_on: [T1]}')))[0].message).toMatch(/cycle: T1 → T1/);
	});

	it('parallel steps that share a file (literal or glob)', async () => {
		const text = yaml(
			'phases:',
			'  - id: a',
			'    steps:',
			'      - {id: T1, run: x}',
			'      - {id: T2, run: x, parallel: true, files: [src/api.ts]}',
			'      - {id: T3, run: x, parallel: true, files: [docs/x.md, src/api.ts]}',
			'      - {id: T4, run: x, parallel: true, files: ["docs/**"]}',
			'      - {id: T5, run: x, parallel: true, files: [src/other.ts]}',
		);
		const errors = (await errorsOf(text));
		expect(errors.map((e) => [e.line, e.col, e.message])).toEqual([
			[6, at(text, 6, 'src/api.ts').col, 'parallel steps T2 and T3 both declare src/api.ts'],
			[7, at(text, 7, '"docs').col, 'parallel steps T3 and T4 both declare docs/**'],
		]);
		expect(errors[0].fix).toBe('drop `parallel: true` from one of them, or add depends_on: [T2] to T3');
	});

	it('parallel steps sharing a file are fine when one depends on the other', async () => {
		const {plan} = (await parsePlanText(
			yaml('phases:', '  - id: a', '    steps:', '      - {id: T2, run: x, parallel: true, files: [a]}', '      - {id: T3, run: x, parallel: true, files: [a], depends_on: [T2]}', 'test: t'),
			path.join(dir, 'ok.yaml'),
			{cwd: dir},
		));
		expect(plan.phases[0].steps[1].depends_on).toEqual(['T2']);
	});

	it('ids that would break git refs', async () => {
		const text = yaml('phases:', '  - id: Core Impl', '    steps: [{id: T1, run: x}]');
		const errors = (await errorsOf(text));
		expect(errors[0]).toMatchObject(at(text, 2, 'Core'));
		expect(errors[0].fix).toMatch(/e\.g\. id: core-impl/);
	});

	it('collects every error, errors first in PlanError', async () => {
		let error: PlanError | undefined;
		try {
			await parsePlanText(yaml('phases:', '  - id: a', '    steps:', '      - {id: T1, run: x, depends_on: [X]}', '      - {id: T2, runn: x}'), path.join(dir, 'many.yaml'), {cwd: dir});
		} catch (e) {
			error = e as PlanError;
		}
		expect(error).toBeInstanceOf(PlanError);
		const kinds = error!.issues.map((i) => i.severity);
		expect(kinds.indexOf('warning')).toBeGreaterThan(kinds.lastIndexOf('error'));
		expect(error!.message).toMatch(/many\.yaml:4:\d+: error: unknown step "X"/);
		expect(error!.details.length).toBe(error!.issues.length - 1);
		expect(error!.details.some((d) => /many\.yaml:5:\d+: error: steps\[1\] of phase a \(T2\) needs/.test(d))).toBe(true);
		expect(error!.details.some((d) => /warning: unknown key "runn" in step T2 is ignored — fix: did you mean `run`\?/.test(d))).toBe(true);
	});
});

describe('loadPlan: warnings', () => {
	it('flags typo\'d keys with the right key and the position of the key', async () => {
		const text = yaml('id: x', 'test: t', 'phases:', '  - id: a', '    steps:', '      - id: T1', '        run: x', '        depends-on: [T0]', '      - {id: T2, run: y, dependsOn: T1, tasks: 3}', '    checks: [npm test]', 'tittle: X');
		const {warnings} = await parsePlanText(text, path.join(dir, 'w.yaml'), {cwd: dir});
		expect(warnings.map((w) => [w.line, w.col, w.message, w.fix])).toEqual([
			[8, 9, 'unknown key "depends-on" in step T1 is ignored', 'did you mean `depends_on`? rename it'],
			[9, at(text, 9, 'dependsOn').col, 'unknown key "dependsOn" in step T2 is ignored', 'did you mean `depends_on`? rename it'],
			[9, at(text, 9, 'tasks').col, 'unknown key "tasks" in step T2 is ignored', expect.stringMatching(/^remove it \(known keys: id, title/)],
			[10, 5, 'unknown key "checks" in phase a is ignored', 'did you mean `gate.checks`? rename it'],
			[11, 1, 'unknown key "tittle" in the plan is ignored', 'did you mean `title`? rename it'],
		]);
	});

	it('warns about untested and empty phases', async () => {
		const {warnings} = (await parsePlanText(
			yaml('phases:', '  - id: a', '    steps: [{id: T1, run: x}]', '    gate: {checks: [make test]}', '  - id: b', '    steps: [{id: T2, run: x}]', '  - id: c'),
			path.join(dir, 'w2.yaml'),
			{cwd: dir},
		));
		expect(warnings.map((w) => [w.line, w.message])).toEqual([
			[5, 'phase b is never tested'],
			[7, 'phase c is never tested'],
			[7, 'phase c has no steps'],
		]);
	});

	it('one warning when nothing is tested at all', async () => {
		const {warnings} = await parsePlanText(yaml('phases:', '  - id: a', '    steps: [{id: T1, run: x}]', '  - id: b', '    steps: [{id: T2, run: x}]'), path.join(dir, 'w3.yaml'), {cwd: dir});
		expect(warnings).toHaveLength(1);
		expect(warnings[0].message).toMatch(/^no phase is tested/);
	});

	it('warns about a big-bang step over max_files', async () => {
		const {warnings} = await parsePlanText(yaml('test: t', 'max_files: 2', 'phases:', '  - id: a', '    steps: [{id: T1, run: x, files: [a, b, c]}]'), path.join(dir, 'w4.yaml'), {cwd: dir});
		expect(warnings.map((w) => w.message)).toEqual(['T1 declares 3 files, more than max_files (2): a big-bang change']);
	});
});
