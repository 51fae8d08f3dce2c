import {describe, expect, it} from 'vitest';
import {checkPlan, type IssueRef} from '../../source/plan/plan-check.js';
import type {Plan, Step} from '../../source/types.js';

// checkPlan leaves out the id, prompt and dependency walks for spec-kit imports (the importer
// guarantees them) but still reports what it finds between parallel steps, at the right step.
function step(id: string, more: Partial<Step> = {}): Step {
	return {id, title: id, phaseId: 'setup', prompt: id, files: [], depends_on: [], parallel: true, done: false, ...more};
}

function plan(format: 'speckit' | 'yaml', steps: Step[]): Plan {
	return {
		id: 'demo',
		title: 'Demo',
		agents: {},
		strict: false,
		max_files: 25,
		phases: [{id: 'setup', title: 'Setup', steps, gate: {checks: [], approve: true, tag: true}}],
		source: {path: '/x/tasks.md', format, hash: ''},
	};
}

// A locator that names the place: step k of phase 0 is on line 10 + k.
const locate = (ref: IssueRef) => ({line: ref.step === undefined ? 1 : 10 + ref.step, col: 1});

describe('checkPlan on a spec-kit import', () => {
	it('reports parallel steps sharing a file at the later step', () => {
		const steps = [step('T001', {files: ['src/a.ts']}), step('T002', {files: ['src/b.ts']}), step('T003', {files: ['src/a.ts']})];
		const issues = checkPlan(plan('speckit', steps), locate, {filesAreGuessed: true});
		const shared = issues.filter((i) => i.message.startsWith('parallel steps'));
		expect(shared).toEqual([
			expect.objectContaining({line: 12, severity: 'warning', message: 'parallel steps T001 and T003 both declare src/a.ts (files read from the task text); they will run one after the other'}),
		]);
	});

	it('still checks ids, prompts and dependencies of a YAML plan', () => {
		const steps = [step('T001', {prompt: undefined}), step('T001'), step('T003', {depends_on: ['T999']})];
		const messages = checkPlan(plan('yaml', steps), locate).map((i) => i.message);
		expect(messages).toEqual(
			expect.arrayContaining([
				expect.stringContaining('step id "T001" is used twice'),
				expect.stringContaining('needs `prompt`, `run` or `slash`'),
				expect.stringContaining('unknown step "T999"'),
			]),
		);
	});
});
