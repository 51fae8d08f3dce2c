// Real agent output and agent definitions from other projects (../shared/corpus, read in
// place, never copied): every stream through its CLI's parser, every role file through
// readRoleFile. Skipped when the corpus folder is absent.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {getPreset} from '../../source/agents/presets/index.js';
import {readRoleFile} from '../../source/agents/role-file.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(repoRoot, '../shared/corpus');
const present = fs.existsSync(corpus);
const files = present ? fs.readdirSync(corpus).sort() : [];
const streamFiles = files.filter((f) => f.startsWith('agentstream__'));
const roleFiles = files.filter((f) => f.startsWith('agentdef__'));

function cliOf(file: string): string {
	return file.split('__')[1];
}

function parse(file: string, cwd?: string) {
	const parser = getPreset(cliOf(file))!.createParser({cwd});
	const lines: string[] = [];
	for (const line of fs.readFileSync(path.join(corpus, file), 'utf8').split(/\r?\n/)) lines.push(...parser.push(line));
	return {lines, summary: parser.finish()};
}

describe.skipIf(!present)('agent stream corpus', () => {
	it('has streams of every JSON CLI and the agent definitions', () => {
		// INDEX.md counts 23 stream files; 21 are in the folder (10 claude, 7 codex, 4 gemini).
		for (const cli of ['claude', 'codex', 'gemini']) expect(streamFiles.filter((f) => cliOf(f) === cli).length).toBeGreaterThan(3);
		expect(roleFiles.length).toBe(25);
	});

	it.each(streamFiles)('%s parses without throwing and shows something', (file) => {
		expect(['claude', 'codex', 'gemini']).toContain(cliOf(file));
		const {lines, summary} = parse(file);
		expect(lines.length).toBeGreaterThan(0);
		expect(summary).toBeTypeOf('object');
		for (const line of lines) expect(line).not.toContain('\n');
		// Real captures and SDK fixtures hold only events the parser knows: nothing falls back to raw JSON.
		if (/\.jsonl?$/.test(file)) for (const line of lines) expect(line.startsWith('{')).toBe(false);
	});

	it('claude: the SDK fixtures, pretty-printed single messages, read as events', () => {
		const one = (name: string) => parse(`agentstream__claude__charlieyou-claude-agent-sdk-gleam-fixture-${name}.json`);
		expect(one('system_message').lines).toEqual(['session started (model claude-opus-4-5-20251101)']);
		expect(one('assistant_message').lines).toEqual(['Run ls -la']);
		expect(one('user_message').lines).toEqual(['  drwxr-x--- 54 cyou cyou    4096 Jan 11 00:26 ..']);
		expect(one('result_success').lines).toEqual(['done · 2 turns · 8.7s · $0.25']);
		expect(one('result_success').summary).toMatchObject({text: 'Here are the files in the current directory.', turns: 2, isError: false});
		expect(one('result_error').lines).toEqual(['error: error_during_execution · 1 turn · 0.5s · $0.01']);
		expect(one('result_error').summary.isError).toBe(true);
	});

	it('claude: a real capture with a Read and a result', () => {
		const file = 'agentstream__claude__namastexlabs-automagik-manual_test_output.jsonl';
		const {lines, summary} = parse(file, '/home/namastex/workspace/am-agents-labs');
		expect(lines[0]).toBe('session started (model claude-opus-4-20250514)');
		expect(lines).toContain('Read src/agents/claude_code/cli_executor.py');
		expect(lines.at(-1)).toBe('done · 4 turns · 14.5s · $1.41');
		expect(summary).toMatchObject({turns: 4, isError: false, outputTokens: 180, inputTokens: 11 + 71777 + 24744});
		expect(summary.text).toMatch(/^The `cli_executor.py` file manages/);
	});

	it('claude: session logs show their Edit and Write', () => {
		expect(parse('agentstream__claude__jnarowski-agentcmd-SESSIONLOG-tool-edit.jsonl').lines).toEqual([
			'Edit apps/app/src/client/components/NavUser.tsx',
		]);
		expect(parse('agentstream__claude__jnarowski-agentcmd-SESSIONLOG-tool-write.jsonl').lines).toEqual([
			'Write apps/app/src/client/components/NavUser.test.tsx',
		]);
	});

	it('codex: commands, file changes, answers and usage', () => {
		const two = parse('agentstream__codex__jnarowski-agentcmd-stream-output-2.jsonl');
		expect(two.lines).toEqual(['session started', 'Run ls', '  test.js', 'Files here: `stream-output-1.jsonl`, `stream-output-2.jsonl`, `test.js`.']);
		expect(two.summary).toMatchObject({inputTokens: 6040, outputTokens: 129, turns: 1});
		const three = parse('agentstream__codex__jnarowski-agentcmd-stream-output-3.jsonl', '/private/tmp/codex-research-test');
		expect(three.lines).toContain('Write hello.txt');
		expect(parse('agentstream__codex__jnarowski-agentcmd-stream-output-4.jsonl').lines).toContain("Run cat test.js");
		const cut = parse('agentstream__codex__jnarowski-agentcmd-stream-output-multi-1.jsonl');
		expect(cut.lines).toEqual(['session started']);
		expect(cut.summary.text).toBeUndefined();
	});

	it('gemini: the documented example and the CLI test snapshot', () => {
		const doc = parse('agentstream__gemini__gemini-cli-docs-headless-example.jsonl');
		expect(doc.lines).toEqual([
			'session started (model gemini-2.0-flash-exp)',
			'Run ls -la',
			'  file2.txt',
			'Here are the files...',
			'done · 250 tokens · 3.0s · 1 tool call',
		]);
		expect(doc.summary).toEqual({text: 'Here are the files...', inputTokens: 50, outputTokens: 200, isError: false});
		const snap = parse('agentstream__gemini__gemini-cli-nonInteractiveCli.test.ts.snap');
		// JSONL inside template strings: the lines that are whole JSON read as events.
		expect(snap.lines).toContain('warning: Loop detected, stopping execution');
		expect(snap.lines).toContain('error: Maximum session turns exceeded');
		expect(snap.lines).toContain('testTool value1');
	});
});

describe.skipIf(!present)('agent definition corpus', () => {
	it.each(roleFiles)('%s reads', async (file) => {
		const role = await readRoleFile(path.join(corpus, file));
		expect(role.body.length).toBeGreaterThan(100);
		if (file.endsWith('_agent-common.md')) {
			expect(role.name).toBeUndefined();
			expect(role.data).toEqual({});
			return;
		}
		// Every other file names itself after its file name (corpus files are owner__repo__name.md).
		expect(role.name).toBe(file.replace(/\.md$/, '').split('__').at(-1));
		expect(role.description?.length).toBeGreaterThan(10);
		if (role.tools) for (const tool of role.tools) expect(tool).toMatch(/^[\w-]+$/);
	});

	it('the three files that are not strict YAML load with a warning', async () => {
		const loose = [];
		for (const file of roleFiles) if ((await readRoleFile(path.join(corpus, file))).warning) loose.push(file);
		expect(loose).toEqual([
			'agentdef__Ahmed-Sarkawt__claude-boilerplate__bug-fixer.md',
			'agentdef__Kuroakira__claude_code_agents_workflow_sample__bug-fixer.md',
			'agentdef__Kuroakira__claude_code_agents_workflow_sample__reviewer-readonly.md',
		]);
	});

	it('keys with odd values: a list of MCP tools, an unquoted hex colour, trailing spaces', async () => {
		const tester = await readRoleFile(path.join(corpus, 'agentdef__mikelebowitz__CChorus__frontend-tester.md'));
		expect(tester.model).toBe('haiku');
		expect(tester.tools).toContain('mcp__playwright__browser_navigate');
		const documenter = await readRoleFile(path.join(corpus, 'agentdef__mikelebowitz__CChorus__api-documenter.md'));
		expect(documenter.data.color).toBeNull();
	});
});
