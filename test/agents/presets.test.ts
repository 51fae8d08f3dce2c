import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import type {PromptContext, StreamParser} from '../../source/agents/preset.js';
import {PRESET_NAMES, getPreset} from '../../source/agents/presets/index.js';
import {UsageError} from '../../source/util/errors.js';
import type {Step} from '../../source/types.js';
import {PlainTextParser} from '../../source/agents/presets/plain-text.js';
import {seeded} from '../helpers/seeded.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const streams = path.join(here, '../fixtures/streams');

function step(over: Partial<Step> = {}): Step {
	return {id: 'T001', title: 'Do it', phaseId: 'setup', files: [], depends_on: [], parallel: false, done: false, ...over};
}

function ctx(over: Partial<PromptContext> = {}): PromptContext {
	return {prompt: 'Add the export', args: [], step: step(), cwd: '/repo', ...over};
}

function preset(name: string) {
	const p = getPreset(name);
	if (!p) throw new Error(`no preset ${name}`);
	return p;
}

/** Every line of a fixture through a fresh parser: the pane lines and the summary. */
function parseFile(name: string, file: string, cwd = '/repo') {
	const parser = preset(name).createParser({cwd});
	return feed(parser, fs.readFileSync(path.join(streams, file), 'utf8').split('\n'));
}

function feed(parser: StreamParser, lines: string[]) {
	const out: string[] = [];
	for (const line of lines) out.push(...parser.push(line));
	return {lines: out, summary: parser.finish()};
}

describe('registry', () => {
	it('knows the six presets and nothing else', () => {
		expect([...PRESET_NAMES].sort()).toEqual(['aider', 'claude', 'codex', 'command', 'gemini', 'shell']);
		for (const name of PRESET_NAMES) expect(getPreset(name)?.name).toBe(name);
		expect(getPreset('toString')).toBeUndefined();
		expect(getPreset('writer')).toBeUndefined();
	});
});

describe('argv', () => {
	it('claude: print mode, stream-json, verbose, acceptEdits, prompt after --', () => {
		expect(preset('claude').buildArgv(ctx(), 'claude')).toEqual([
			'claude', '-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits', '--', 'Add the export',
		]);
		const full = preset('claude').buildArgv(
			ctx({instructions: 'You write code.', model: 'sonnet', args: ['--max-turns', '5'], prompt: '-starts with a dash'}),
			'/opt/claude',
		);
		expect(full).toEqual([
			'/opt/claude', '-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits',
			'--append-system-prompt', 'You write code.', '--model', 'sonnet', '--max-turns', '5', '--', '-starts with a dash',
		]);
	});

	it('codex: exec --json --full-auto, instructions in front of the prompt', () => {
		expect(preset('codex').buildArgv(ctx({model: 'gpt-5'}), 'codex')).toEqual([
			'codex', 'exec', '--json', '--full-auto', '-m', 'gpt-5', '--', 'Add the export',
		]);
		const argv = preset('codex').buildArgv(ctx({instructions: 'Be brief.'}), 'codex');
		expect(argv.at(-1)).toBe('# Instructions\n\nBe brief.\n\n# Task\n\nAdd the export');
	});

	it('gemini: -p prompt, stream-json, yolo; a dash-led prompt stays a value', () => {
		expect(preset('gemini').buildArgv(ctx({model: 'gemini-2.5-pro'}), 'gemini')).toEqual([
			'gemini', '--output-format', 'stream-json', '--yolo', '-m', 'gemini-2.5-pro', '-p', 'Add the export',
		]);
		const argv = preset('gemini').buildArgv(ctx({prompt: '--help me', instructions: 'Rules.'}), 'gemini');
		expect(argv.slice(-2)).toEqual(['-p', '# Instructions\n\nRules.\n\n# Task\n\n--help me']);
		expect(preset('gemini').buildArgv(ctx({prompt: '--help me'}), 'gemini').at(-1)).toBe(' --help me');
	});

	it('aider: message, no commits, plain output, role file read, literal files added', () => {
		const argv = preset('aider').buildArgv(
			ctx({
				model: 'gpt-4o',
				rolePath: '/repo/.specify/agents/code-writer.md',
				instructions: 'body of the role',
				step: step({files: ['src/a.ts', 'src/**/*.test.ts', 'README.md']}),
			}),
			'aider',
		);
		expect(argv).toEqual([
			'aider', '--message', 'Add the export', '--yes-always', '--no-auto-commits', '--no-pretty',
			'--model', 'gpt-4o', '--read', '/repo/.specify/agents/code-writer.md', '--', 'src/a.ts', 'README.md',
		]);
	});

	it('shell: bash -c run, options before -c, sh when bash is missing', () => {
		expect(preset('shell').buildArgv(ctx({run: 'npm test && echo ok'}), 'bash')).toEqual(['bash', '-c', 'npm test && echo ok']);
		expect(preset('shell').buildArgv(ctx({run: 'ls', args: ['-e']}), 'sh')).toEqual(['sh', '-e', '-c', 'ls']);
		expect(preset('shell').buildArgv(ctx({step: step({run: 'make'})}), '')).toEqual(['bash', '-c', 'make']);
		expect(() => preset('shell').buildArgv(ctx({step: step({prompt: ' '})}), 'bash')).toThrow(UsageError);
	});

	it('command: placeholders filled per argument, in place, without re-expansion', () => {
		const argv = preset('command').buildArgv(
			ctx({
				command: ['my-agent', '--task={prompt}', '{step}', '--role', '{role}', '{run}', '{unknown}', '{instructions}'],
				prompt: 'say {run} literally',
				run: 'make all',
				rolePath: '/r/role.md',
				instructions: 'be kind',
				args: ['--extra'],
			}),
			'',
		);
		expect(argv).toEqual(['my-agent', '--task=say {run} literally', 'T001', '--role', '/r/role.md', 'make all', '{unknown}', 'be kind', '--extra']);
		expect(preset('command').buildArgv(ctx({command: ['tool', '{prompt}']}), '/abs/tool')).toEqual(['/abs/tool', 'Add the export']);
		expect(() => preset('command').buildArgv(ctx({command: []}), '')).toThrow(UsageError);
	});
});

describe('claude parser', () => {
	it('turns stream-json into readable lines and a summary', () => {
		const {lines, summary} = parseFile('claude', 'claude.jsonl');
		expect(lines).toEqual([
			'session started (model claude-test-1)',
			'I will add the export service.',
			'First I read the model.',
			'Read src/models/user.ts',
			'Edit src/services/export.ts',
			'Write /elsewhere/notes.md',
			'Run npm test -- export',
			"error: Claude requested permissions to use Bash, but you haven't granted it yet. …",
			'  Grep exportUsers in src',
			'The service streams rows as CSV.',
			'done · 6 turns · 41.0s · $0.42',
		]);
		expect(summary).toEqual({
			text: 'The service streams rows as CSV.',
			inputTokens: 2000,
			outputTokens: 345,
			costUsd: 0.4213,
			turns: 6,
			isError: false,
		});
	});

	it('shows the last line of a command, not file contents', () => {
		const parser = preset('claude').createParser();
		const use = (id: string, name: string, input: object) =>
			parser.push(JSON.stringify({type: 'assistant', message: {content: [{type: 'tool_use', id, name, input}]}}));
		const result = (id: string, content: unknown) =>
			parser.push(JSON.stringify({type: 'user', message: {content: [{type: 'tool_result', tool_use_id: id, content}]}}));
		expect(use('a', 'Bash', {command: 'npm test\n# twice'})).toEqual(['Run npm test …']);
		expect(result('a', 'running\nTests: 12 passed\n\n')).toEqual(['  Tests: 12 passed']);
		expect(use('b', 'Read', {file_path: 'src/x.ts'})).toEqual(['Read src/x.ts']);
		expect(result('b', [{type: 'text', text: 'secret file body'}])).toEqual([]);
	});

	it('reads a pretty-printed message as one event', () => {
		const parser = preset('claude').createParser();
		const pretty = JSON.stringify({type: 'assistant', message: {content: [{type: 'text', text: 'hi'}]}}, null, 2).split('\n');
		const out = pretty.flatMap((l) => parser.push(l));
		expect(out).toEqual(['hi']);
		// A "{" line that never becomes JSON is shown as it came.
		expect(['{', '  not json', '}'].flatMap((l) => parser.push(l))).toEqual(['{', 'not json', '}']);
	});

	it('reports an error result', () => {
		const parser = preset('claude').createParser();
		const out = parser.push(JSON.stringify({type: 'result', subtype: 'error_max_turns', is_error: true, num_turns: 9, errors: ['Reached max turns (9)']}));
		expect(out).toEqual(['error: error_max_turns: Reached max turns (9) · 9 turns']);
		expect(parser.finish()).toMatchObject({isError: true, turns: 9});
	});

	it('falls back to the last assistant text when the result never came', () => {
		const parser = preset('claude').createParser();
		parser.push(JSON.stringify({type: 'assistant', message: {content: [{type: 'text', text: 'half done'}]}}));
		expect(parser.finish()).toEqual({text: 'half done'});
	});
});

describe('codex parser', () => {
	it('reads the item/turn stream', () => {
		const {lines, summary} = parseFile('codex', 'codex.jsonl');
		expect(lines).toEqual([
			'session started',
			'Run npm test',
			'error: exit 1: FAIL test/export.test.ts',
			'Edit src/export.ts',
			'Write test/new.test.ts',
			'Delete old.ts',
			'Run npm test',
			'  ok',
			'Fixed the export.',
			'All tests pass.',
		]);
		expect(summary).toEqual({text: 'Fixed the export.\nAll tests pass.', inputTokens: 6000, outputTokens: 210, turns: 1, isError: undefined});
	});

	it('reads the older msg protocol', () => {
		const {lines, summary} = parseFile('codex', 'codex-legacy.jsonl');
		expect(lines).toEqual(['session started (model o4-mini)', 'Run ls src', '  a.ts', 'Write README.md', 'Edit src/a.ts', 'Added README.md.']);
		expect(summary).toMatchObject({text: 'Added README.md.', inputTokens: 900, outputTokens: 77, turns: 1});
	});

	it('marks a failed turn as an error', () => {
		const parser = preset('codex').createParser();
		expect(parser.push('{"type":"turn.failed","error":{"message":"stream disconnected"}}')).toEqual(['error: stream disconnected']);
		expect(parser.finish().isError).toBe(true);
	});
});

describe('gemini parser', () => {
	it('joins deltas into lines, maps tools, reads stats', () => {
		const {lines, summary} = parseFile('gemini', 'gemini.jsonl');
		expect(lines).toEqual([
			'session started (model gemini-test)',
			"I'll read the model first.",
			'Then edit',
			'Read src/user.ts',
			'Edit src/export.ts',
			'error: Failed to edit: 0 occurrences found …',
			'Run npm test',
			'  ok',
			'warning: Loop detected, stopping execution',
			'Export added.',
			'done · 1500 tokens · 6.0s · 3 tool calls',
		]);
		expect(summary).toEqual({text: 'Export added.', inputTokens: 1200, outputTokens: 300, isError: false});
	});

	it('marks an error result', () => {
		const parser = preset('gemini').createParser();
		expect(parser.push('{"type":"result","status":"error","error":{"type":"X","message":"quota"},"stats":{}}')).toEqual(['error: quota']);
		expect(parser.finish().isError).toBe(true);
	});
});

describe('plain text parsers', () => {
	it('plain-text parsers: pushMany gives what push gives line by line, summary included', () => {
		for (const [name, file] of [['aider', 'aider.txt'], ['shell', 'aider.txt']] as const) {
			const lines = fs.readFileSync(path.join(streams, file), 'utf8').split('\n');
			const one = parseFile(name, file);
			const parser = preset(name).createParser({cwd: '/repo'});
			expect(parser.pushMany, name).toBeTypeOf('function');
			const out = [...parser.pushMany!(lines.slice(0, 7)), ...parser.pushMany!(lines.slice(7))];
			expect({lines: out, summary: parser.finish()}, name).toEqual(one);
		}
	});

	it('plain text: batches of any lines (plain, blank, trailing spaces, non-ASCII ends): lines trimmed at the end, the last non-blank ones the summary', () => {
		const pick = seeded(11);
		const ends = ['', ' ', '  ', '\t', 'é', '\u00a0', '.', 'x', '\u001b[0m', ')'];
		for (let n = 0; n < 500; n++) {
			const keep = 1 + pick(3);
			const lines = Array.from({length: pick(12)}, () => (pick(4) === 0 ? ends[pick(ends.length)]! : `  line ${pick(100)}${ends[pick(ends.length)]}`));
			const parser = new PlainTextParser(keep);
			const cut = pick(lines.length + 1);
			const out = [...parser.pushMany(lines.slice(0, cut)), ...parser.pushMany(lines.slice(cut))];
			const trimmed = lines.map((line) => line.trimEnd());
			const kept = trimmed.filter((line) => line !== '').slice(-keep).map((line) => line.trim());
			expect(out).toEqual(trimmed);
			expect(parser.finish()).toEqual({text: kept.length ? kept.join('\n') : undefined});
		}
	});

	it('aider: lines through, blanks dropped, tokens and cost read, prose summary', () => {
		const {lines, summary} = parseFile('aider', 'aider.txt');
		expect(lines).not.toContain('');
		expect(lines[0]).toBe('Aider v0.86.0');
		expect(lines).toContain('Applied edit to src/export.ts');
		expect(summary).toEqual({
			text: 'Added src/export.ts to the chat.\nI will add the export function.\nNow the tests.',
			inputTokens: 4000,
			outputTokens: 1220,
			costUsd: 0.03,
		});
	});

	it('shell: lines through, summary is the last line', () => {
		const parser = preset('shell').createParser();
		const {lines, summary} = feed(parser, ['building', '', '\u001b[32mok\u001b[0m  ', '']);
		expect(lines).toEqual(['building', '', '\u001b[32mok\u001b[0m', '']);
		expect(summary).toEqual({text: '\u001b[32mok\u001b[0m'});
		expect(preset('command').createParser().finish()).toEqual({text: undefined});
	});
});

describe('robustness', () => {
	const cut = '{"type":"assistant","message":{"content":[{"type":"text","te';
	const unknown = '{"type":"brand_new_event","payload":{"x":1}}';

	for (const name of ['claude', 'codex', 'gemini']) {
		it(`${name}: a cut line, an unknown event, odd JSON and noise are shown as text`, () => {
			const parser = preset(name).createParser();
			expect(parser.push(cut)).toEqual([cut]);
			expect(parser.push(`  ${unknown}  `)).toEqual([unknown]);
			expect(parser.push('not json at all ')).toEqual(['not json at all']);
			expect(parser.push('')).toEqual([]);
			expect(parser.push('[1,2,3]')).toEqual(['[1,2,3]']);
			expect(parser.push('{"type":"assistant","message":"oops"}').length).toBeLessThanOrEqual(1);
			expect(parser.push('{"type":"item.completed","item":null}').length).toBeLessThanOrEqual(1);
			expect(parser.push('{"type":"tool_use","parameters":7}').length).toBeLessThanOrEqual(1);
			expect(parser.push('{"msg":{"type":"patch_apply_begin","changes":"x"}}').length).toBeLessThanOrEqual(1);
			const long = `{"type":"mystery","data":"${'x'.repeat(5000)}"}`;
			const [shown] = parser.push(long);
			expect(shown.length).toBeLessThanOrEqual(300);
			expect(shown.endsWith('…')).toBe(true);
			expect(() => parser.finish()).not.toThrow();
		});
	}

	it('a stream cut mid-line still yields a summary from what arrived', () => {
		const parser = preset('codex').createParser();
		parser.push('{"type":"item.completed","item":{"id":"i","type":"agent_message","text":"partial answer"}}');
		expect(parser.push('{"type":"turn.comp')).toEqual(['{"type":"turn.comp']);
		expect(parser.finish()).toMatchObject({text: 'partial answer'});
	});
});
