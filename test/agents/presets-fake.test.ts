// The presets against fake CLIs (test/fixtures/fake-bin): real processes, real file edits,
// the argv a preset builds checked by the fake itself, the stream read back by the parser.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {buildPrompt} from '../../source/agents/build-prompt.js';
import {agentArgv, checkAgents, resolveAgent} from '../../source/agents/resolve-agent.js';
import type {AgentSummary, Plan, Step} from '../../source/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fakeBin = path.resolve(here, '../fixtures/fake-bin');
const streams = path.resolve(here, '../fixtures/streams');
const originalPath = process.env.PATH;

let root: string;

beforeAll(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'orc-fake-agents-'));
});

afterAll(() => {
	fs.rmSync(root, {recursive: true, force: true});
});

afterEach(() => {
	process.env.PATH = originalPath;
});

function step(over: Partial<Step> = {}): Step {
	return {id: 'T010', title: 'Export', phaseId: 'core', prompt: 'Add the export module', files: ['src/out.ts'], depends_on: [], parallel: false, done: false, ...over};
}

function plan(steps: Step[], repo: string, over: Partial<Plan> = {}): Plan {
	return {
		id: 'fake',
		title: 'Fake',
		agents: {},
		strict: false,
		max_files: 25,
		phases: [{id: 'core', title: 'Core', steps, gate: {checks: [], approve: false, tag: false}}],
		source: {path: path.join(repo, 'plan.yaml'), format: 'yaml', hash: 'x'},
		...over,
	};
}

interface Run {
	exitCode: number | undefined;
	lines: string[];
	summary: AgentSummary;
	stderr: string;
	repo: string;
}

/** Resolve the step's agent with the fakes on PATH, run it for real, parse its stdout. */
async function runAgent(s: Step, env: Record<string, string> = {}, planOver: Partial<Plan> = {}): Promise<Run> {
	const repo = fs.mkdtempSync(path.join(root, 'repo-'));
	process.env.PATH = `${fakeBin}${path.delimiter}${originalPath}`;
	const p = plan([s], repo, planOver);
	const agent = await resolveAgent(s, p, repo);
	const argv = agentArgv(agent, s, buildPrompt({step: s, plan: p}), repo);
	const result = await execa(argv[0], argv.slice(1), {cwd: repo, env: {...env, PATH: process.env.PATH}, reject: false, stdin: 'ignore'});
	const parser = agent.preset.createParser({cwd: repo});
	const lines: string[] = [];
	for (const line of result.stdout.split('\n')) lines.push(...parser.push(line));
	return {exitCode: result.exitCode, lines, summary: parser.finish(), stderr: result.stderr, repo};
}

const expectedAction: Record<string, string> = {
	claude: 'Write src/out.ts',
	codex: 'Write src/out.ts',
	gemini: 'Write src/out.ts',
	aider: 'Applied edit to src/out.ts',
};

describe.each(['claude', 'codex', 'gemini', 'aider'])('%s preset with the fake CLI', (cli) => {
	it('passes the fake argv check, edits the file named in the prompt, streams its work', async () => {
		const run = await runAgent(step({agent: cli}));
		expect(run.stderr).toBe('');
		expect(run.exitCode).toBe(0);
		expect(fs.readFileSync(path.join(run.repo, 'src/out.ts'), 'utf8')).toBe(`edited by fake ${cli}\n`);
		expect(run.lines).toContain(expectedAction[cli]);
		expect(run.summary.text).toContain('Edited 1 file(s): src/out.ts');
		expect(run.summary.isError).toBeFalsy();
		expect(run.summary.outputTokens).toBeGreaterThan(0);
	});

	it('FAKE_AGENT_WRITE edits another file; a failing exit code is reported', async () => {
		const run = await runAgent(step({agent: cli, files: []}), {FAKE_AGENT_WRITE: 'docs/note.md:hello', FAKE_AGENT_EXIT: '3'});
		expect(run.exitCode).toBe(3);
		expect(fs.readFileSync(path.join(run.repo, 'docs/note.md'), 'utf8')).toBe('hello');
		// The JSON CLIs say so in their stream too; aider's plain text cannot.
		if (cli !== 'aider') expect(run.summary.isError).toBe(true);
	});
});

describe('fake CLIs', () => {
	it('replay a stream file given in FAKE_AGENT_STREAM', async () => {
		const run = await runAgent(step({agent: 'claude', files: []}), {FAKE_AGENT_STREAM: path.join(streams, 'claude.jsonl')});
		expect(run.exitCode).toBe(0);
		expect(run.lines[0]).toBe('session started (model claude-test-1)');
		expect(run.summary).toMatchObject({text: 'The service streams rows as CSV.', costUsd: 0.4213, turns: 6});
	});

	it('reject an argv that lacks the preset flags', async () => {
		const bad = await execa(path.join(fakeBin, 'claude'), ['-p', '--verbose', '--output-format', 'json', '--permission-mode', 'acceptEdits', '--', 'x'], {reject: false, cwd: root});
		expect(bad.exitCode).toBe(64);
		expect(bad.stderr).toContain('--output-format must be stream-json');
		const codex = await execa(path.join(fakeBin, 'codex'), ['exec', '--json', '--', 'x'], {reject: false, cwd: root});
		expect(codex.exitCode).toBe(64);
		expect(codex.stderr).toContain('missing --full-auto');
	});

	it('a role file reaches the agent: aider reads it, claude gets it as system prompt', async () => {
		const s = step({agent: 'aider'});
		const repo = fs.mkdtempSync(path.join(root, 'role-'));
		fs.mkdirSync(path.join(repo, '.claude/agents'), {recursive: true});
		fs.writeFileSync(path.join(repo, '.claude/agents/tester.md'), '---\nname: tester\n---\nWrite tests first.');
		process.env.PATH = `${fakeBin}${path.delimiter}${originalPath}`;
		const p = plan([s], repo, {defaultAgent: 'aider'});
		const agent = await resolveAgent({...s, agent: 'tester'}, p, repo);
		const argvOut = path.join(repo, 'argv.json');
		const argv = agentArgv(agent, s, buildPrompt({step: s, plan: p}), repo);
		const result = await execa(argv[0], argv.slice(1), {cwd: repo, env: {FAKE_AGENT_ARGV_OUT: argvOut}, reject: false});
		expect(result.exitCode).toBe(0);
		const seen = JSON.parse(fs.readFileSync(argvOut, 'utf8')) as {argv: string[]; cwd: string};
		expect(seen.argv).toContain('--read');
		expect(seen.argv[seen.argv.indexOf('--read') + 1]).toBe(path.join(repo, '.claude/agents/tester.md'));

		const claude = await resolveAgent({...s, agent: 'tester'}, plan([s], repo), repo);
		const claudeArgv = agentArgv(claude, s, 'x', repo);
		expect(claudeArgv[claudeArgv.indexOf('--append-system-prompt') + 1]).toBe('Write tests first.');
	});

	it('checkAgents is satisfied by the fakes on PATH', async () => {
		const repo = fs.mkdtempSync(path.join(root, 'check-'));
		process.env.PATH = `${fakeBin}${path.delimiter}${originalPath}`;
		const steps = ['claude', 'codex', 'gemini', 'aider'].map((agent, i) => step({id: `T${i}`, agent}));
		expect(await checkAgents(plan(steps, repo), repo)).toEqual([]);
	});
});
