// issue 4: a spec-kit task list run with the claude preset (a fake `claude` on PATH that
// checks its flags, edits the files named in the prompt and prints stream-json) ticks every
// box and commits once per task; a task whose file never changes is not ticked.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {CLI, ROOT, cleanupTempDirs, git, makeRepo, memoryFile, readJson, runCli} from '../helpers/repo.js';
import {execFileSync} from 'node:child_process';

const FAKE_BIN = path.join(ROOT, 'test/fixtures/fake-bin');
const env = {PATH: `${FAKE_BIN}:${process.env.PATH}`};

const TASKS = `# Tasks: Greeting service

**Input**: Design documents from \`specs/001-greeting/\`

## Phase 1: Setup

- [ ] T001 Create the package manifest in package.json
- [X] T002 Already done before this session in docs/old.md

## Phase 2: User Story 1 - Greet (Priority: P1)

- [ ] T003 [P] [US1] Greeting model in src/greeting.js
- [ ] T004 [P] [US1] Farewell model in src/farewell.js
- [ ] T005 [US1] Wire both into src/index.js

## Dependencies

- [ ] Not a task: the checklist item without an id
`;

describe('spec-kit task list with the claude preset', () => {
	beforeAll(() => {
		if (!fs.existsSync(CLI)) execFileSync('npm', ['run', 'build', '--silent'], {cwd: ROOT});
	});
	afterAll(() => cleanupTempDirs());

	test('validate, then run: every box ticked, one commit per task, handoffs carry the result', async () => {
		const repo = makeRepo({'README.md': '# greeting\n', 'specs/001-greeting/tasks.md': TASKS, 'specs/001-greeting/spec.md': '# Spec\n', 'specs/001-greeting/plan.md': '# Plan\n'});
		const tasks = path.join(repo, 'specs/001-greeting/tasks.md');

		const validated = await runCli(['validate', 'specs/001-greeting/tasks.md', '--json'], {cwd: repo, env});
		expect(validated.stderr).toBe('');
		expect(validated.code).toBe(0);
		const plan = JSON.parse(validated.stdout);
		expect(plan.phases.map((p: {steps: unknown[]}) => p.steps.length)).toEqual([2, 3]);
		expect(plan.order).toContainEqual(['T003', 'T004']);

		const run = await runCli(['run', 'specs/001-greeting/tasks.md', '--headless', '--yes'], {cwd: repo, env});
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);

		const text = fs.readFileSync(tasks, 'utf8');
		for (const id of ['T001', 'T002', 'T003', 'T004', 'T005']) expect(text).toMatch(new RegExp(`- \\[X\\] ${id} `));
		expect(text).toContain('- [ ] Not a task');

		const subjects = git(repo, 'log', '--format=%s').split('\n');
		for (const id of ['T001', 'T003', 'T004', 'T005']) expect(subjects.filter(s => s.includes(`: ${id} `))).toHaveLength(1);
		expect(subjects.some(s => s.includes(': T002 '))).toBe(false);
		// The tick is part of the task's own commit.
		const t003 = git(repo, 'log', '--format=%H', '--grep', 'Orchestrator-Step: 001-greeting/T003');
		expect(git(repo, 'show', '--name-only', '--format=', t003).split('\n')).toEqual(expect.arrayContaining(['specs/001-greeting/tasks.md', 'src/greeting.js']));

		const handoff = fs.readFileSync(memoryFile(repo, 'handoffs/T003.md'), 'utf8');
		expect(handoff).toMatch(/^## Handoff from T003 \(claude\) to T004/m);
		expect(handoff).toContain('`src/greeting.js`');
		const state = readJson(memoryFile(repo, 'current-phase.json'));
		expect(state.session.steps.T003.summary.text).toBeTruthy();
		expect(state.status).toBe('done');
	}, 60_000);

	test('a task that names a file it never touched is not ticked and is flagged', async () => {
		const repo = makeRepo({'README.md': '# x\n', 'specs/002-x/tasks.md': '# Tasks: X\n\n## Phase 1: Setup\n\n- [ ] T001 Write src/a.js\n'});
		// The fake ignores the file its task names and edits another one.
		const run = await runCli(['run', 'specs/002-x/tasks.md', '--headless', '--yes'], {
			cwd: repo,
			env: {...env, FAKE_AGENT_WRITE: 'other.js:x\n', FAKE_AGENT_SKIP_PROMPT_FILES: '1'},
		});
		expect(run.code).toBe(0);
		const state = readJson(memoryFile(repo, 'current-phase.json'));
		expect(fs.existsSync(path.join(repo, 'src/a.js'))).toBe(false);
		expect(state.session.steps.T001.warnings.join('\n')).toContain('T001 names src/a.js, which did not change');
		expect(fs.readFileSync(path.join(repo, 'specs/002-x/tasks.md'), 'utf8')).toContain('- [ ] T001');
		// The agent's own change is still the step's checkpoint.
		expect(git(repo, 'show', '--name-only', '--format=', 'HEAD')).toContain('other.js');
	}, 60_000);
});
