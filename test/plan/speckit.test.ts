import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {buildPrompt} from '../../source/agents/build-prompt.js';
import {parsePlanText, PlanError} from '../../source/plan/load-plan.js';
import {importSpecKit} from '../../source/plan/speckit.js';
import {extractPaths} from '../../source/plan/speckit-paths.js';
import type {Plan, Step} from '../../source/types.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'speckit');

let root: string;
beforeAll(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'orch-speckit-'));
});
afterAll(async () => {
	await rm(root, {recursive: true, force: true});
});

async function fixture(name: string): Promise<string> {
	return readFile(path.join(fixtures, name), 'utf8');
}

/** Imports a fixture as specs/<feature>/tasks.md of the temp repository. */
async function load(name: string, feature = '001-feature') {
	const text = await fixture(name);
	return importSpecKit(text, path.join(root, 'specs', feature, 'tasks.md'), {cwd: root});
}

function steps(plan: Plan): Step[] {
	return plan.phases.flatMap((p) => p.steps);
}

function step(plan: Plan, id: string): Step {
	const found = steps(plan).find((s) => s.id === id);
	if (!found) throw new Error(`no step ${id}`);
	return found;
}

describe('importSpecKit: old template (Phase 3.x)', () => {
	it('imports the task lines of the phases and nothing else', async () => {
		const {plan, warnings} = await load('old-template.md');
		expect(steps(plan).map((s) => s.id)).toEqual(['T001', 'T002', 'T003', 'T004', 'T005', 'T006', 'T007', 'T008', 'T009']);
		expect(plan.phases.map((p) => [p.id, p.title])).toEqual([
			['setup', 'Setup'],
			['tests-first', 'Tests First (TDD)'],
			['core-implementation', 'Core Implementation (ONLY after tests are failing)'],
		]);
		// T950 sits in the Dependencies section: not imported, but said.
		expect(warnings.map((w) => w.message).join('\n')).toMatch(/T950 is in the section "Dependencies"/);
		expect(warnings.some((w) => w.message.includes('T951'))).toBe(false); // inside a code block
	});

	it('reads [P], done boxes of both cases, files and line numbers', async () => {
		const {plan} = await load('old-template.md');
		expect(steps(plan).filter((s) => s.parallel).map((s) => s.id)).toEqual(['T003', 'T004', 'T005', 'T006', 'T007']);
		expect(steps(plan).filter((s) => s.done).map((s) => s.id)).toEqual(['T004', 'T005']);
		expect(step(plan, 'T001').files).toEqual(['src/**', 'tests/**']);
		expect(step(plan, 'T003').files).toEqual(['.eslintrc.json']);
		// "per data-model.md" is a document the task reads, not a file it changes.
		expect(step(plan, 'T008').files).toEqual(['src/services/greeting-service.ts']);
		// An API route is not a file.
		expect(step(plan, 'T004').files).toEqual(['tests/contract/greet.test.ts']);
		expect(step(plan, 'T001').sourceLine).toBe(17);
		expect(step(plan, 'T009').sourceLine).toBe(30);
	});

	it('chains dependencies inside each phase and waits for a whole [P] batch', async () => {
		const {plan} = await load('old-template.md');
		const deps = Object.fromEntries(steps(plan).map((s) => [s.id, s.depends_on]));
		expect(deps).toEqual({
			T001: [],
			T002: ['T001'],
			T003: ['T002'],
			T004: [],
			T005: [],
			T006: [],
			T007: [],
			T008: ['T006', 'T007'],
			T009: ['T008'],
		});
	});

	it('gives every phase a gate that waits for approval and tags, with no checks', async () => {
		const {plan} = await load('old-template.md');
		for (const phase of plan.phases) expect(phase.gate).toEqual({checks: [], approve: true, tag: true});
		expect(plan.test).toBeUndefined();
		expect(plan.defaultAgent).toBeUndefined();
		expect(steps(plan).every((s) => s.agent === undefined && s.phaseId !== '')).toBe(true);
	});
});

describe('importSpecKit: user-story template', () => {
	it('takes the phases of the new template and drops placeholder-only phases', async () => {
		const {plan} = await load('user-story.md', '002-todo');
		expect(plan.phases.map((p) => [p.id, p.title])).toEqual([
			['setup', 'Setup (Shared Infrastructure)'],
			['foundational', 'Foundational (Blocking Prerequisites)'],
			['user-story-1-add-a-todo', 'User Story 1 - Add a todo'],
			['user-story-2-list-todos', 'User Story 2 - List todos'],
		]);
		// Front matter, the HTML comment and the TXXX placeholders give no steps.
		expect(steps(plan).map((s) => s.id)).toEqual(['T001', 'T002', 'T003', 'T004', 'T005', 'T006', 'T007', 'T008', 'T009', 'T010']);
	});

	it('reads story labels, code-span files and explicit dependencies', async () => {
		const {plan, warnings} = await load('user-story.md', '002-todo');
		expect(step(plan, 'T004').story).toBe('US1');
		expect(step(plan, 'T009').story).toBe('US2');
		expect(step(plan, 'T001').story).toBeUndefined();
		expect(step(plan, 'T002').files).toEqual(['.prettierrc']);
		expect(step(plan, 'T003').files).toEqual(['db/schema.sql']);
		// "(depends on T006)" is already the default edge; "after T003" adds one to an earlier phase.
		expect(step(plan, 'T007').depends_on).toEqual(['T004', 'T005', 'T006']);
		expect(step(plan, 'T008').depends_on).toEqual(['T007', 'T003']);
		// T999 only exists inside the HTML comment.
		expect(warnings.map((w) => w.message)).toContain('task T008 depends on T999, which is not an earlier task: dependency ignored');
	});

	it('makes a [P] task that names the file of an earlier one of its batch wait for it', async () => {
		const {plan, warnings} = await load('user-story.md', '002-todo');
		expect(step(plan, 'T009').depends_on).toEqual([]);
		expect(step(plan, 'T010').depends_on).toEqual(['T009']);
		expect(step(plan, 'T010').files).toEqual(['src/ui/list.tsx', 'src/api/list.ts']);
		const shared = warnings.find((w) => w.message.startsWith('[P] task T010'));
		expect(shared?.line).toBe(53);
		expect(shared?.message).toContain('src/api/list.ts');
	});

	it('names the plan after the feature folder and its title after the heading', async () => {
		await mkdir(path.join(root, 'specs', '002-todo', 'contracts'), {recursive: true});
		await writeFile(path.join(root, 'specs', '002-todo', 'spec.md'), '# Spec\n');
		await writeFile(path.join(root, 'specs', '002-todo', 'plan.md'), '# Plan\n');
		const text = await fixture('user-story.md');
		const tasksPath = path.join(root, 'specs', '002-todo', 'tasks.md');
		const {plan} = importSpecKit(text, tasksPath, {cwd: root});
		expect(plan.id).toBe('002-todo');
		expect(plan.title).toBe('Todo List');
		expect(plan.source.format).toBe('speckit');
		expect(plan.source.path).toBe(tasksPath);
		expect(plan.source.hash).toMatch(/^[0-9a-f]{64}$/);
		expect(plan.speckit).toEqual({
			featureDir: path.join(root, 'specs', '002-todo'),
			tasksPath,
			contextFiles: ['specs/002-todo/spec.md', 'specs/002-todo/plan.md', 'specs/002-todo/contracts/'],
			tasksRel: 'specs/002-todo/tasks.md',
		});
		expect(step(plan, 'T006').prompt).toBe('T006 [P] [US1] Create Todo model in src/models/todo.ts');
		// The agent's prompt: the task, then where it comes from and what to read.
		const prompt = buildPrompt({step: step(plan, 'T006'), plan});
		expect(prompt.split('\n')[0]).toBe('T006 [P] [US1] Create Todo model in src/models/todo.ts');
		expect(prompt).not.toContain('## Context');
		expect(prompt).toContain('specs/002-todo/spec.md, specs/002-todo/plan.md, specs/002-todo/contracts/');
		expect(prompt).toContain('phase "User Story 1 - Add a todo"');
		expect(prompt).toContain('Do not edit specs/002-todo/tasks.md');
	});

	it('is accepted by the plan check (no errors, one test warning)', async () => {
		const text = await fixture('user-story.md');
		const {plan} = await parsePlanText(text, path.join(root, 'specs', '002-todo', 'tasks.md'), {cwd: root});
		expect(steps(plan)).toHaveLength(10);
	});
});

describe('importSpecKit: bold ids, bullets, suffixes, indentation', () => {
	it('reads every id form', async () => {
		const {plan} = await load('bold-ids.md');
		expect(steps(plan).map((s) => [s.id, s.done, s.parallel])).toEqual([
			['T001', true, false],
			['T002', true, true],
			['T003', false, true],
			['T004a', false, false],
			['T004b', false, false],
			['T005', false, false],
		]);
		expect(step(plan, 'T001').title).toBe('Create export/ module with __init__.py, writer.py - ✅ COMPLETED');
		expect(step(plan, 'T004b').title).toBe('Review the docs/export.md text with Node.js tooling');
	});

	it('keeps library names and read-only documents out of the files', async () => {
		const {plan} = await load('bold-ids.md');
		expect(step(plan, 'T001').files).toEqual(['export/**', '__init__.py', 'writer.py']);
		expect(step(plan, 'T003').files).toEqual(['.github/workflows/ci.yml']);
		expect(step(plan, 'T004b').files).toEqual(['docs/export.md']);
		expect(step(plan, 'T005').files).toEqual([]);
	});
});

describe('importSpecKit: wrapped lines, sub-bullets, fences, repeated ids', () => {
	it('puts tasks before any phase heading into a phase "tasks"', async () => {
		const {plan} = await load('wrapped.md');
		expect(plan.phases.map((p) => p.id)).toEqual(['tasks', 'core']);
		expect(plan.phases[0]!.steps.map((s) => s.id)).toEqual(['T001']);
	});

	it('joins wrapped lines into the description and its files', async () => {
		const {plan} = await load('wrapped.md');
		const t2 = step(plan, 'T002');
		expect(t2.files).toEqual(['src/parser.ts', 'src/lexer.ts']);
		expect(t2.title.length).toBeLessThanOrEqual(80);
		expect(t2.title.endsWith('…')).toBe(true);
		expect(t2.prompt!.split('\n').slice(0, 2)).toEqual([
			'T002 [P] Implement the parser in src/parser.ts so that it handles very',
			'long descriptions which wrap onto a second line naming src/lexer.ts',
		]);
	});

	it('keeps sub-bullets and code under a task in its prompt, not as steps or files', async () => {
		const {plan} = await load('wrapped.md');
		const t3 = step(plan, 'T003');
		expect(t3.files).toEqual(['Localizable.strings']);
		expect(t3.prompt).toContain('- [ ] folder.new, folder.name, folder.add\n- [ ] file.new, file.name\n- Keep keys sorted');
		const t4 = step(plan, 'T004');
		expect(t4.prompt).toContain('- [ ] T905 a line of code under a task');
		expect(t4.prompt).toContain('A later paragraph under the task');
		expect(steps(plan).some((s) => s.id === 'T905')).toBe(false);
	});

	it('keeps a repeated id as its own step and warns naming both lines', async () => {
		const {plan, warnings} = await load('wrapped.md');
		expect(steps(plan).map((s) => s.id)).toEqual(['T001', 'T002', 'T003', 'T004', 'T002-2']);
		const again = step(plan, 'T002-2');
		expect(again.done).toBe(true);
		expect(again.sourceLine).toBe(19);
		expect(again.prompt).not.toContain('Checkpoint');
		expect(buildPrompt({step: again, plan})).toContain('This is task T002 of ');
		const warning = warnings.find((w) => w.message.includes('appears again'));
		expect(warning).toMatchObject({line: 19, severity: 'warning'});
		expect(warning!.message).toBe('task id T002 appears again (first at line 7): imported as T002-2');
	});
});

describe('importSpecKit: Chinese text', () => {
	it('slugs mixed titles and finds paths between CJK characters', async () => {
		const {plan} = await load('chinese.md');
		expect(plan.title).toBe('提示词工作室');
		expect(plan.phases.map((p) => [p.id, p.title])).toEqual([
			['setup', 'Setup (项目初始化)'],
			['user-story-1', 'User Story 1 - 版本创建与基础编辑'],
		]);
		expect(step(plan, 'T002').files).toEqual(['tsconfig.json', 'tsconfig.node.json']);
		// Bare names that continue a comma list inherit the folder of the path before them.
		expect(step(plan, 'T003').files).toEqual(['src/models/Folder.ts', 'src/models/Project.ts', 'src/models/Version.ts']);
		expect(step(plan, 'T004').files).toEqual(['src/db/migrations.ts']);
	});
});

describe('importSpecKit: CRLF', () => {
	it('reads a CRLF file exactly like its LF twin', async () => {
		const lf = await fixture('old-template.md');
		const crlf = lf.replace(/\n/g, '\r\n');
		const a = importSpecKit(lf, path.join(root, 'specs', '001-x', 'tasks.md'), {cwd: root}).plan;
		const b = importSpecKit(crlf, path.join(root, 'specs', '001-x', 'tasks.md'), {cwd: root}).plan;
		expect(b.phases).toEqual(a.phases);
		expect(b.source.hash).not.toBe(a.source.hash);
	});
});

describe('importSpecKit: a file without task ids', () => {
	it('is refused with one clear line', async () => {
		const text = await fixture('no-task-ids.md');
		let error: unknown;
		try {
			importSpecKit(text, path.join(root, 'specs', '003-i18n', 'tasks.md'), {cwd: root});
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(PlanError);
		const planError = error as PlanError;
		expect(planError.issues).toHaveLength(1);
		expect(planError.issues[0]!.message).toBe('no spec-kit task lines (- [ ] T001 …) found: 3 checkboxes carry no task id');
		expect(planError.message).not.toContain('\n');
		expect(planError.exitCode).toBe(2);
	});

	it('is refused when the only ids are TXXX placeholders', async () => {
		expect(() => importSpecKit('## Phase 1: Setup\n- [ ] TXXX Do things\n', path.join(root, 'p.md'), {cwd: root})).toThrow(
			/no spec-kit task lines .*1 checkbox carry/,
		);
	});
});

describe('extractPaths', () => {
	it.each([
		['Create User model in src/models/user.py', ['src/models/user.py']],
		['Update README.md and `docs/guide.md`', ['README.md', 'docs/guide.md']],
		['Integrate DndContext from @dnd-kit into Board.tsx component', ['Board.tsx']],
		['Create PATCH /api/tasks/[id]/route.ts route', []],
		['Add src/app/api/tasks/[id]/route.ts (handler)', ['src/app/api/tasks/[id]/route.ts']],
		['See https://example.com/a.js and github.com/org/repo/', []],
		['Update .gitignore to ignore dist/, *.test and .sh files', ['.gitignore', 'dist/**']],
		['Implement X per data-model.md and validation-api.md in internal/x.go', ['internal/x.go']],
		['Types in src/types/index.ts from contracts/types.ts', ['src/types/index.ts']],
		['Handle start/stop and Folder/File relationships', []],
		['Run `go mod init github.com/u/x` then edit `cmd/tool`', ['cmd/tool']],
		['Wire **src/cli.ts** and (src/main.ts), in Makefile', ['src/cli.ts', 'src/main.ts', 'Makefile']],
	])('%s', (text, expected) => {
		expect(extractPaths(text)).toEqual(expected);
	});
});

describe('importSpecKit: speed', () => {
	it('imports 10,000 tasks in one pass', async () => {
		const lines = ['# Tasks: Big', ''];
		let n = 0;
		for (let p = 1; p <= 100; p++) {
			lines.push(`## Phase ${p}: Part ${p}`, '');
			for (let t = 0; t < 100; t++) {
				n++;
				const id = `T${String(n).padStart(5, '0')}`;
				lines.push(`- [${n % 3 ? ' ' : 'X'}] ${id} ${t % 2 ? '[P] ' : ''}[US${p}] Implement part ${n} in src/mod${p}/file${n}.ts`);
				if (t % 10 === 0) lines.push('  wrapped line naming tests/t' + n + '.ts', '  - a sub-bullet');
			}
		}
		const text = lines.join('\n');
		const started = performance.now();
		const {plan} = importSpecKit(text, path.join(root, 'specs', '009-big', 'tasks.md'), {cwd: root});
		const elapsed = performance.now() - started;
		expect(steps(plan)).toHaveLength(10_000);
		expect(plan.phases).toHaveLength(100);
		expect(step(plan, 'T00011').files).toEqual(['src/mod1/file11.ts', 'tests/t11.ts']);
		expect(step(plan, 'T00101').depends_on).toEqual([]);
		expect(step(plan, 'T00103').depends_on).toEqual(['T00101', 'T00102']);
		// The target is well under 300 ms; the bound only catches a quadratic slip on a busy machine.
		expect(elapsed).toBeLessThan(5000);
	});
});

describe('importSpecKit: an unclosed code block', () => {
	it('says where it starts', async () => {
		const text = '## Phase 1: A\n- [ ] T001 first\n```\n- [ ] T002 swallowed\n';
		const {plan, warnings} = importSpecKit(text, path.join(root, 'tasks.md'), {cwd: root});
		expect(steps(plan).map((s) => s.id)).toEqual(['T001']);
		expect(warnings).toContainEqual(expect.objectContaining({line: 3, message: expect.stringContaining('never closed')}));
	});
});
