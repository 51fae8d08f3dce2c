import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {checkSlashCommands, expandArguments, resolveSlash, SlashError} from '../../source/agents/slash.js';
import {buildPrompt} from '../../source/agents/build-prompt.js';
import {loadPlan} from '../../source/plan/load-plan.js';
import type {Plan} from '../../source/types.js';

let repo: string;
beforeAll(async () => {
	repo = await mkdtemp(path.join(os.tmpdir(), 'orch-slash-'));
});
afterAll(async () => {
	await rm(repo, {recursive: true, force: true});
});

async function put(rel: string, text: string): Promise<string> {
	const file = path.join(repo, rel);
	await mkdir(path.dirname(file), {recursive: true});
	await writeFile(file, text);
	return file;
}

let planCount = 0;
/** A real plan file, loaded as the engine would. */
async function planWith(lines: string[]): Promise<Plan> {
	const rel = `plan-${++planCount}.yaml`;
	await put(rel, lines.join('\n') + '\n');
	return (await loadPlan(rel, {cwd: repo})).plan;
}

const REVIEW_MD = [
	'---',
	'description: Review code for bugs: correctness, security',
	'argument-hint: [path] [focus]',
	'allowed-tools: Read, Grep',
	'---',
	'',
	'Review the code in $ARGUMENTS.',
	'Start with $1, focus on $2; ignore $3.',
	'',
].join('\n');

describe('resolveSlash', () => {
	it('expands a command file: front matter stripped, $ARGUMENTS and $1/$2 replaced', async () => {
		const file = await put('.claude/commands/review/code.md', REVIEW_MD);
		const plan = await planWith(['id: p', 'phases:', '  - id: a', '    steps:', '      - id: S1', '        slash: /review:code src/api "error handling"']);
		const step = plan.phases[0].steps[0];
		expect(step.prompt).toBeUndefined();
		expect(step.run).toBeUndefined();

		const action = await resolveSlash(step.slash!, plan, repo);
		expect(action).toEqual({
			kind: 'prompt',
			file,
			prompt: 'Review the code in src/api "error handling".\nStart with src/api, focus on error handling; ignore .',
		});
		// The engine hands it to the agent as the step's prompt.
		if (action.kind !== 'prompt') throw new Error('unreachable');
		expect(buildPrompt({step, plan, slashPrompt: action.prompt})).toMatch(/^Review the code in src\/api/);
	});

	it('looks in .specify/commands/ when .claude/commands/ has no such file, preferring .claude', async () => {
		const plan = await planWith(['id: p', 'phases:', '  - id: a', '    steps:', '      - id: S1', '        run: "true"']);
		const specify = await put('.specify/commands/deploy/check.md', 'Check the deploy of $ARGUMENTS');
		expect(await resolveSlash('/deploy:check staging', plan, repo)).toEqual({kind: 'prompt', file: specify, prompt: 'Check the deploy of staging'});

		const claude = await put('.claude/commands/deploy/check.md', 'Claude: check $ARGUMENTS');
		expect(await resolveSlash('/deploy:check staging', plan, repo)).toEqual({kind: 'prompt', file: claude, prompt: 'Claude: check staging'});
	});

	it('a command without folders, and arguments kept when the file names none', async () => {
		const plan = await planWith(['id: p', 'phases:', '  - id: a', '    steps:', '      - id: S1', '        run: "true"']);
		await put('.claude/commands/tidy.md', 'Tidy the code.\n');
		expect(await resolveSlash('/tidy', plan, repo)).toMatchObject({prompt: 'Tidy the code.'});
		expect(await resolveSlash('/tidy src/lib', plan, repo)).toMatchObject({prompt: 'Tidy the code.\n\nArguments: src/lib'});
	});

	it('/test runs the plan\'s test command; /git:commit is a checkpoint', async () => {
		const plan = await planWith(['id: p', 'test: npm test', 'phases:', '  - id: a', '    steps:', '      - id: S1', '        slash: /test']);
		expect(await resolveSlash('/test', plan, repo)).toEqual({kind: 'run', run: 'npm test'});
		expect(await resolveSlash('/git:commit', plan, repo)).toEqual({kind: 'checkpoint'});

		const untested = await planWith(['id: p', 'phases:', '  - id: a', '    steps:', '      - id: S1', '        slash: /test']);
		await expect(resolveSlash('/test', untested, repo)).rejects.toThrow(/no `test:`/);
	});

	it('rejects text that is not a slash command', async () => {
		const plan = await planWith(['id: p', 'phases:', '  - id: a', '    steps:', '      - id: S1', '        run: "true"']);
		await expect(resolveSlash('review:code', plan, repo)).rejects.toBeInstanceOf(SlashError);
		await expect(resolveSlash('/review::code', plan, repo)).rejects.toThrow(/not a slash command/);
	});
});

describe('checkSlashCommands', () => {
	it('reports a missing command file: the step, the files tried, the fix, the line', async () => {
		const plan = await planWith([
			'id: p',
			'test: npm test',
			'phases:',
			'  - id: a',
			'    steps:',
			'      - id: S1',
			'        slash: /review:code src',
			'      - id: S2',
			'        agent: code-writer',
			'        slash: /fix:import-statements src',
			'      - id: S3',
			'        slash: /git:commit',
			'      - id: S4',
			'        slash: /test',
		]);
		await put('.claude/commands/review/code.md', REVIEW_MD);
		const issues = await checkSlashCommands(plan, repo);
		expect(issues).toHaveLength(1);
		const [issue] = issues;
		expect(issue).toMatchObject({severity: 'error', file: plan.source.path, line: 10, col: 16});
		expect(issue.message).toContain('step S2');
		expect(issue.message).toContain('.claude/commands/fix/import-statements.md');
		expect(issue.message).toContain('.specify/commands/fix/import-statements.md');
		expect(issue.fix).toMatch(/create .claude\/commands\/fix\/import-statements\.md/);
	});

	it('reports /test without a test command, a broken command file, and skips done steps', async () => {
		await put('.claude/commands/broken.md', '---\ndescription: never closed\nDo things.\n');
		const plan = await planWith([
			'id: p',
			'phases:',
			'  - id: a',
			'    steps:',
			'      - {id: S1, slash: /test}',
			'      - {id: S2, slash: /broken}',
			'      - {id: S3, slash: /nowhere, done: true}',
		]);
		const issues = await checkSlashCommands(plan, repo);
		expect(issues.map((i) => i.message)).toEqual([expect.stringMatching(/^step S1: \/test .*no `test:`/), expect.stringMatching(/^step S2: .*never closed/)]);
		expect(issues[0]).toMatchObject({file: plan.source.path, line: 5});
		expect(issues[1].file).toBe(path.join(repo, '.claude/commands/broken.md'));
	});

	it('finds nothing to report in a plan without slash steps', async () => {
		const plan = await planWith(['id: p', 'phases:', '  - id: a', '    steps:', '      - id: S1', '        run: "true"']);
		expect(await checkSlashCommands(plan, repo)).toEqual([]);
	});
});

describe('expandArguments', () => {
	it('leaves $ signs that are not arguments alone and does not re-expand inserted text', () => {
		expect(expandArguments('cost $0 and $ARGUMENTS_X, $PATH', 'a')).toBe('cost $0 and $ARGUMENTS_X, $PATH\n\nArguments: a');
		expect(expandArguments('run $ARGUMENTS', '$1 $& $$')).toBe('run $1 $& $$');
		expect(expandArguments('$ARGUMENTS / $1', 'x $3 y')).toBe('x $3 y / x');
		expect(expandArguments('one $1 two $2', '')).toBe('one  two ');
	});
});
