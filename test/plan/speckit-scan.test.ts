import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {buildPrompt} from '../../source/agents/build-prompt.js';
import {importSpecKit, taskTextAt} from '../../source/plan/speckit.js';
import {extractPaths, pathFromToken} from '../../source/plan/speckit-paths.js';
import {seeded} from '../helpers/seeded.js';

// The hand-written character scans that replace regular expressions on the import's hot path:
// the edges where a scan and the expressions could disagree.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'orc-speckit-scan-'));
afterAll(() => fs.rmSync(root, {recursive: true, force: true}));

describe('pathFromToken', () => {
	it.each([
		['src/a.ts', 'src/a.ts'],
		['./src/a.ts', 'src/a.ts'],
		['www.example.com/a.ts', undefined],
		['example.com/a/b.ts', undefined],
		['docs.v2/a.ts', 'docs.v2/a.ts'],
		['a@b.ts', undefined],
		['x=y.ts', undefined],
		['$HOME/a.ts', undefined],
		['~/a.ts', undefined],
		['/abs/a.ts', undefined],
		['-a.ts', undefined],
		['a\\b.ts', undefined],
		['a:b.ts', undefined],
		['a,b.ts', undefined],
		['a\tb.ts', undefined],
		['a\u00a0b.ts', undefined], // a Unicode space: still not a path
		['a\u3000b.ts', undefined],
		['ü/x.py', 'ü/x.py'],
		['..', undefined],
		['.gitignore', '.gitignore'],
		['.NET', undefined],
		['src/', 'src/**'],
	])('%j → %j', (token, expected) => {
		expect(pathFromToken(token, false)).toBe(expected);
	});
});

describe('extractPaths', () => {
	it.each([
		// Words of 11–12 characters starting upper-case are still looked at (build file names).
		['Update Jenkinsfile and Vagrantfile', ['Jenkinsfile', 'Vagrantfile']],
		['Reimplementation of everything in src/a.ts', ['src/a.ts']],
		// Reference words in any case; a path after one keeps "referring" on for the next.
		['Per plan.md and notes.md, edit src/a.ts', ['src/a.ts']],
		['FROM contracts/api.yaml build src/api.ts', ['src/api.ts']],
		['Based On spec.md, in src/x.ts', ['src/x.ts']],
		// A bare name that is the same file as a path with a folder.
		['Enhance browser.py in lib/corelib/browser.py', ['lib/corelib/browser.py']],
		['Edit a.py and b.py', ['a.py', 'b.py']],
		['src/models/Folder.ts, Project.ts', ['src/models/Folder.ts', 'src/models/Project.ts']],
		// A reference word reaches over paths and list words, not over other words.
		['see a.md, b.md and c.md or src/d.md', ['src/d.md']],
		['see docs/a.md then b.md', ['docs/a.md', 'b.md']],
		['according  to plan.md and README.md', []],
		// A folder carries over only from the token just before (double spaces are no token).
		['src/a.ts,  b.ts', ['src/a.ts', 'src/b.ts']],
		['src/a.ts, then b.ts', ['src/a.ts', 'b.ts']],
		['src/, b.ts', ['src/**', 'b.ts']],
		['lib/x.ts src/, b.ts', ['lib/x.ts', 'src/**', 'lib/b.ts']],
		['src/a.ts, b.ts c.ts, d.ts', ['src/a.ts', 'src/b.ts', 'c.ts', 'src/d.ts']],
	])('%s', (text, expected) => {
		expect(extractPaths(text)).toEqual(expected);
	});

	it('drops repeats among many paths, in plain text and in the full scan', () => {
		const paths = Array.from({length: 20}, (_, i) => `src/m${i}.ts`);
		const text = `Touch ${paths.join(' ')} then src/m3.ts and src/m18.ts again`;
		expect(extractPaths(text)).toEqual(paths);
		expect(extractPaths(`${text}\u00a0`)).toEqual(paths);
	});

	// Plain ASCII text takes a shortcut that reads only the tokens that may be paths; any other
	// character sends the same text through the full scan. Both must agree on every text.
	it('reads plain text as the full scan does', () => {
		const words = ['per', 'from', 'See', 'using', 'following', 'according', 'to', 'based', 'On', 'and', 'or', '&', '+', 'then', 'the',
			'plan.md', 'spec.md', 'data-model.md', 'contracts/api.yaml', 'README.md', 'docs/guide.md', 'src/a.ts', 'src/a.ts,', 'b.ts', 'b.ts,',
			'(src/x.py)', '"lib/y.rb"', 'Makefile', 'Makefile,', 'Dockerfile.', 'Containerfile', 'profile', 'Node.js', 'foo.', 'e.g.', 'dir/',
			'src/**/*.ts', '*.md', 'Reimplementation', 'Jenkinsfile', 'ABCDEFGHIJKL', '.env', 'www.x.com', '/api/users', 'API.MD', 'x', '', ''];
		const next = seeded(7);
		for (let i = 0; i < 4000; i++) {
			const text = Array.from({length: 1 + next(9)}, () => words[next(words.length)]).join(' ');
			expect(extractPaths(text), text).toEqual(extractPaths(`${text}\u00a0`));
		}
	});
});

describe('importSpecKit: scans', () => {
	const load = (text: string) => importSpecKit(text, path.join(root, 'tasks.md'), {cwd: root});

	it('reads a fence opened after Unicode indentation, and blank lines of Unicode spaces', () => {
		const {plan} = load(['## Phase 1: Setup', '- [ ] T001 Do a in src/a.ts', '\u00a0```', '- [ ] T999 not a task', '```', '\u3000', '- [ ] T002 Do b'].join('\n'));
		expect(plan.phases[0]!.steps.map((s) => s.id)).toEqual(['T001', 'T002']);
	});

	it('reads markers after a separator and stops at the first other bracket', () => {
		const {plan} = load(
			['## Phase 1: Setup', '- [ ] T001: [P] [US2] One', '- [ ] T002 — [US1]  [P] Two', '- [x] T003 [P1] [P] [Extra] Three', '- [ ] T004 -\t[P]\u00a0[US3] Four'].join('\n'),
		);
		expect(plan.phases[0]!.steps.map((s) => [s.id, s.parallel, s.story ?? null, s.title, s.done])).toEqual([
			['T001', true, 'US2', 'One', false],
			['T002', true, 'US1', 'Two', false],
			['T003', true, null, '[Extra] Three', true],
			['T004', true, 'US3', 'Four', false], // trimStart after a marker skips a Unicode space too
		]);
	});

	it('takes headings, comments and fences only where they start a line', () => {
		const {plan} = load(
			[
				'## Phase 1: Setup',
				'- [ ] T001 One',
				'\t# not a heading (a tab before it)',
				'   ## Phase 2: Indented three spaces',
				'- [ ] T002 Two <!-- a note that does not close',
				'  <!-- a comment',
				'- [ ] T999 hidden',
				'-->',
				'- [ ] T003 Three',
			].join('\n'),
		);
		expect(plan.phases.map((p) => [p.title, p.steps.map((s) => s.id)])).toEqual([
			['Setup', ['T001']],
			['Indented three spaces', ['T002', 'T003']],
		]);
	});

	it('takes explicit dependencies only from upper-case ids', () => {
		const {plan} = load(['## Phase 1: Setup', '- [ ] T001 [P] One', '- [ ] T002 [P] Two', '- [ ] T003 [P] Three after t001', '- [ ] T004 [P] Four after t001, T002'].join('\n'));
		const deps = Object.fromEntries(plan.phases[0]!.steps.map((s) => [s.id, s.depends_on]));
		expect(deps).toEqual({T001: [], T002: [], T003: [], T004: ['T002']});
	});

	it('keeps only the task text in a step; the agent prompt adds the feature context and tasks.md note', () => {
		fs.writeFileSync(path.join(root, 'spec.md'), '# Spec\n');
		const {plan} = load(['## Phase 1: Setup', '- [ ] T001 One', '  wrapped here', '- [ ] T002 Two'].join('\n'));
		const [a, b] = plan.phases[0]!.steps;
		expect(a!.prompt).toBe('T001 One\nwrapped here');
		expect(b!.prompt).toBe('T002 Two');
		expect(buildPrompt({step: a!, plan}).split('\n\n## Files')[0]!.split('\n\n## Rules')[0]).toBe(
			'T001 One\nwrapped here\n\nThis is task T001 of tasks.md, phase "Setup".\nFeature context: read spec.md before you start.\nDo this task only. Do not edit tasks.md: the orchestrator ticks the task when it is done.',
		);
		expect(buildPrompt({step: b!, plan}).startsWith('T002 Two\n\nThis is task T002 of tasks.md, phase "Setup".\nFeature context: read spec.md')).toBe(true);
	});
});

describe('taskTextAt', () => {
	// The pattern the scan replaces: where its last group starts, or -1.
	const PATTERN = /^([ \t]*[-*+][ \t]+\[[ xX]\][ \t]+)(.*)$/;
	const byPattern = (line: string) => {
		const m = PATTERN.exec(line);
		return m ? m[1]!.length : -1;
	};

	it('finds the text where the task-line pattern captures it', () => {
		const lines = [
			'- [ ] T001 Do it',
			'* [x] T002 Done',
			'+ [X]\tT003 tab',
			'  \t-   [ ]   T004 spaced',
			'- [ ] ',
			'- [ ]',
			'-[ ] T005 no space after the bullet',
			'- [] T006 empty box',
			'- [ ]T007 no space after the box',
			'- [y] T008 other mark',
			'- [  ] T009 two spaces',
			'1. [ ] T010 numbered',
			'- [ ] T011 with a \u2028 line separator',
			'- [ ] T012 with a \u2029 paragraph separator',
			'\u00a0- [ ] T013 non-breaking space first',
			'- [ ] T014 trailing  ',
			'',
			'-',
			'- ',
			'- [',
			'- [ ',
		];
		for (const line of lines) expect(taskTextAt(line), JSON.stringify(line)).toBe(byPattern(line));
	});

	it('reads markers of one to sixteen characters', () => {
		const plan = importSpecKit(
			['## Phase 1: Setup', '- [ ] T001 [P] [US1] One', '- [ ] T002 [] [P] Two', '- [ ] T003 [US2][P1] [p] Three', '- [ ] T004 [ABCDEFGHIJKLMNOPQ] [P] Four', '- [x] T005 [P ] Five'].join('\n'),
			path.join(os.tmpdir(), 'no-such-dir', 'tasks.md'),
			{cwd: os.tmpdir()},
		).plan;
		const got = plan.phases[0]!.steps.map((s) => [s.id, s.parallel, s.story ?? null, s.title, s.done]);
		expect(got).toEqual([
			['T001', true, 'US1', 'One', false],
			['T002', false, null, '[] [P] Two', false],
			['T003', true, 'US2', 'Three', false],
			['T004', false, null, '[ABCDEFGHIJKLMNOPQ] [P] Four', false],
			['T005', false, null, '[P ] Five', true],
		]);
	});
});
