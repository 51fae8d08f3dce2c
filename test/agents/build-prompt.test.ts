import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {buildPrompt} from '../../source/agents/build-prompt.js';
import {importSpecKit} from '../../source/plan/speckit.js';
import type {Plan} from '../../source/types.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'build-prompt-'));
afterAll(() => fs.rmSync(root, {recursive: true, force: true}));

function feature(files: Record<string, string>): string {
	const dir = path.join(root, `f${fs.readdirSync(root).length}`);
	const featureDir = path.join(dir, 'specs', '001-x');
	fs.mkdirSync(featureDir, {recursive: true});
	for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(featureDir, name), text);
	return dir;
}

function load(cwd: string): Plan {
	const tasksPath = path.join(cwd, 'specs', '001-x', 'tasks.md');
	return importSpecKit(fs.readFileSync(tasksPath, 'utf8'), tasksPath, {cwd}).plan;
}

const TASKS = [
	'# Tasks: X',
	'## Phase 1: Setup',
	'- [ ] T001 [US1] Create src/a.ts',
	'  - keep it small',
	'- [ ] T001 [P] Again in src/b.ts',
	'',
].join('\n');

describe('buildPrompt for spec-kit steps', () => {
	it('writes the task, its origin and context, its files and the rules', () => {
		const cwd = feature({'tasks.md': TASKS, 'spec.md': '# S\n', 'plan.md': '# P\n'});
		const plan = load(cwd);
		const [first, again] = plan.phases[0]!.steps;
		expect(first!.prompt).toBe('T001 [US1] Create src/a.ts\n- keep it small');
		expect(buildPrompt({step: first!, plan, handoff: 'did T000'})).toBe(
			[
				'T001 [US1] Create src/a.ts',
				'- keep it small',
				'',
				'This is task T001 of specs/001-x/tasks.md, phase "Setup", user story US1.',
				'Feature context: read specs/001-x/spec.md, specs/001-x/plan.md before you start.',
				'Do this task only. Do not edit specs/001-x/tasks.md: the orchestrator ticks the task when it is done.',
				'',
				'## Files',
				'Change only these files (globs allowed); tell us in your answer if the task needs others:',
				'- src/a.ts',
				'',
				'## Rules',
				'Work in the current directory. Do not commit and do not switch branches: the orchestrator checkpoints your changes with git after this step.',
				'',
				'## Handoff from the previous step',
				'did T000',
				'',
			].join('\n'),
		);
		// A repeated id runs as T001-2 but is named as written.
		expect(again!.id).toBe('T001-2');
		expect(buildPrompt({step: again!, plan})).toContain('\n\nThis is task T001 of specs/001-x/tasks.md, phase "Setup".\n');
	});

	it('says so when the feature folder has no context files', () => {
		const plan = load(feature({'tasks.md': TASKS}));
		const prompt = buildPrompt({step: plan.phases[0]!.steps[0]!, plan});
		expect(prompt).toContain('\nThe feature folder has no spec.md or plan.md: work from the task text.\n');
		expect(prompt).not.toContain('## Context');
	});

	it('adds no spec-kit note to a step that is not a task of tasks.md (fix-forward, slash)', () => {
		const plan = load(feature({'tasks.md': TASKS, 'spec.md': '# S\n'}));
		const fix = {id: 'T001-fix-1', title: 'Fix', phaseId: 'setup', prompt: 'Fix it', files: [], depends_on: [], parallel: false, done: false};
		const prompt = buildPrompt({step: fix, plan});
		expect(prompt).not.toContain('This is task');
		expect(prompt).toContain('## Context\nRead specs/001-x/spec.md for context before you start.');
		expect(buildPrompt({step: plan.phases[0]!.steps[0]!, plan, slashPrompt: 'Run the review'})).not.toContain('This is task');
	});
});
