// Every spec-kit task list of ../shared/corpus imports: one step per task line, the ticked ones
// done, each step in the phase whose heading it sits under. The corpus is read in place, never
// copied; the suite is skipped where it is absent.
import fs from 'node:fs';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {parsePlanText, PlanError} from '../../source/plan/load-plan.js';
import {importSpecKit} from '../../source/plan/speckit.js';
import {tickTask} from '../../source/plan/speckit-tick.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(repoRoot, '../shared/corpus');
const files = fs.existsSync(corpus)
	? fs.readdirSync(corpus).filter((f) => /^(spec-kit__tasks-template__|tasks__).*\.md$/.test(f)).sort()
	: [];
/** Not a spec-kit task list (no task ids): refused with one line, see source/plan/speckit.ts. */
const NO_TASK_IDS = 'tasks__JoeyLearnsToCode__prompt-studio__003-i18n.md';

const TASK_LINE = /^\s*[-*] \[[ xX]\]\s+(\*\*)?T\d+/;
const PHASE_HEADING = /^#{1,6}\s+Phase\b/i;

describe.skipIf(files.length === 0)('spec-kit corpus', () => {
	it('holds the files INDEX.md lists', async () => {
		expect(files.filter((f) => f.startsWith('spec-kit__tasks-template__'))).toHaveLength(7);
		expect(files).toContain(NO_TASK_IDS);
	});

	describe.each(files.filter((f) => f !== NO_TASK_IDS))('%s', (name) => {
		const file = path.join(corpus, name);
		const text = fs.readFileSync(file, 'utf8');
		const lines = text.split(/\r?\n/);
		const taskLines = lines.map((line, i) => ({line, no: i + 1})).filter(({line}) => TASK_LINE.test(line));

		it('imports one step per task line, done = ticked', async () => {
			const {plan} = importSpecKit(text, file, {cwd: repoRoot});
			const steps = plan.phases.flatMap((p) => p.steps);
			expect(steps).toHaveLength(taskLines.length);
			expect(steps.map((s) => s.sourceLine)).toEqual(taskLines.map((t) => t.no));
			expect(steps.filter((s) => s.done)).toHaveLength(taskLines.filter((t) => /\[[xX]\]/.test(t.line)).length);
			expect(new Set(steps.map((s) => s.id)).size).toBe(steps.length);
		});

		it('puts every step in the phase of the heading above it', async () => {
			const {plan} = importSpecKit(text, file, {cwd: repoRoot});
			for (const phase of plan.phases) {
				for (const step of phase.steps) {
					let heading = '';
					for (let i = step.sourceLine! - 1; i >= 0; i--) {
						if (PHASE_HEADING.test(lines[i]!)) {
							heading = lines[i]!;
							break;
						}
					}
					expect(heading, `${step.id} at line ${step.sourceLine}`).toContain(phase.title);
				}
			}
		});

		it('passes the plan check that `orchestrator validate` runs', async () => {
			const {plan, warnings} = await parsePlanText(text, file, {cwd: repoRoot});
			expect(plan.source.format).toBe('speckit');
			expect(warnings.every((w) => w.severity === 'warning')).toBe(true);
		});

		it.runIf(taskLines.some((t) => t.line.includes('[ ]')))('ticks its first open task by changing one byte', async () => {
			const dir = await mkdtemp(path.join(os.tmpdir(), 'orch-corpus-'));
			try {
				const copy = path.join(dir, 'tasks.md');
				await writeFile(copy, await readFile(file));
				const {plan} = importSpecKit(text, copy, {cwd: dir});
				const open = plan.phases.flatMap((p) => p.steps).find((s) => !s.done)!;
				const before = await readFile(copy);
				expect(await tickTask(copy, open.id, open.sourceLine)).toBe(true);
				const after = await readFile(copy);
				let changed = 0;
				for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) changed++;
				expect(after.length).toBe(before.length);
				expect(changed).toBe(1);
			} finally {
				await rm(dir, {recursive: true, force: true});
			}
		});
	});

	it.runIf(files.includes(NO_TASK_IDS))(`${NO_TASK_IDS} is refused with one line`, () => {
		const file = path.join(corpus, NO_TASK_IDS);
		const text = fs.readFileSync(file, 'utf8');
		let error: unknown;
		try {
			importSpecKit(text, file, {cwd: repoRoot});
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(PlanError);
		const planError = error as PlanError;
		expect(planError.issues).toHaveLength(1);
		expect(planError.message).toMatch(/^.*: error: no spec-kit task lines \(- \[ \] T001 …\) found: 52 checkboxes carry no task id — fix: /);
		expect(planError.message).not.toContain('\n');
	});
});
