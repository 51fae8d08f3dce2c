// Gemini CLI: `gemini --output-format stream-json --yolo -p <prompt>`. --yolo approves every
// tool call (headless mode cannot ask). No system-prompt flag: instructions go in front of the prompt.
// Events: init, message (assistant chunks with delta:true are concatenated), tool_use,
// tool_result, error, result{status, stats}.
import type {AgentSummary} from '../../types.js';
import type {ParserOptions, Preset, PromptContext} from '../preset.js';
import {JsonStreamParser} from './json-stream.js';
import {flagValue, withInstructions} from './argv.js';
import {describeTool, errorLine, firstLine, num, obj, outputTail, rawLine, str, textLines, type Json} from './stream-util.js';

export const geminiPreset: Preset = {
	name: 'gemini',
	executable: 'gemini',
	buildArgv(ctx: PromptContext, executable: string): string[] {
		const argv = [executable, '--output-format', 'stream-json', '--yolo'];
		if (ctx.model) argv.push('-m', ctx.model);
		argv.push(...ctx.args, '-p', flagValue(withInstructions(ctx)));
		return argv;
	},
	createParser: (opts) => new GeminiParser(opts),
};

class GeminiParser extends JsonStreamParser {
	private readonly cwd?: string;
	/** Assistant text not yet shown (deltas end mid-line). */
	private pending = '';
	/** The assistant's text since the last tool call: its final answer. */
	private answer = '';
	private lastAnswer = '';
	private summary?: AgentSummary;
	/** tool_id → tool name, to know which results are worth a line. */
	private readonly tools = new Map<string, string>();

	constructor(opts: ParserOptions = {}) {
		super();
		this.cwd = opts.cwd;
	}

	/** Pending assistant text comes before whatever interrupts it. */
	protected override text(line: string): string[] {
		return [...this.flush(), ...rawLine(line)];
	}

	protected event(event: Json): string[] | undefined {
		switch (event.type) {
			case 'message': {
				if (event.role !== 'assistant') return [];
				const content = str(event.content) ?? '';
				this.answer += content;
				if (event.delta !== true) return [...this.flush(), ...textLines(content)];
				this.pending += content;
				// Show the complete lines now; keep the unfinished one for the next chunk.
				const cut = this.pending.lastIndexOf('\n');
				if (cut < 0) return [];
				const done = this.pending.slice(0, cut);
				this.pending = this.pending.slice(cut + 1);
				return textLines(done);
			}
			case 'init': {
				const model = str(event.model);
				return [model ? `session started (model ${model})` : 'session started'];
			}
			case 'tool_use': {
				this.closeAnswer();
				const name = str(event.tool_name) ?? 'tool';
				if (str(event.tool_id)) this.tools.set(str(event.tool_id)!, name);
				return [...this.flush(), describeTool(name, event.parameters, this.cwd)];
			}
			case 'tool_result': {
				if (event.status !== 'error') {
					const tool = this.tools.get(str(event.tool_id) ?? '') ?? '';
					const shell = /^(bash|shell|run_shell_command)$/i.test(tool);
					return [...this.flush(), ...(shell ? outputTail(str(event.output)) : [])];
				}
				const error = obj(event.error);
				return [...this.flush(), errorLine(str(error.message) ?? str(event.output) ?? 'tool failed')];
			}
			case 'error': {
				const severity = str(event.severity) === 'warning' ? 'warning' : 'error';
				return [...this.flush(), `${severity}: ${firstLine(str(event.message) ?? '')}`];
			}
			case 'result':
				return [...this.flush(), ...this.result(event)];
			default:
				return undefined;
		}
	}

	private closeAnswer(): void {
		if (this.answer.trim()) this.lastAnswer = this.answer;
		this.answer = '';
	}

	private flush(): string[] {
		const text = this.pending;
		this.pending = '';
		return textLines(text);
	}

	private result(event: Json): string[] {
		const stats = obj(event.stats);
		const isError = event.status === 'error';
		this.summary = {
			text: this.finalText(),
			inputTokens: num(stats.input_tokens) ?? num(stats.input),
			outputTokens: num(stats.output_tokens),
			isError,
		};
		const parts: string[] = [];
		const total = num(stats.total_tokens);
		if (total) parts.push(`${total} tokens`);
		const ms = num(stats.duration_ms);
		if (ms !== undefined) parts.push(`${(ms / 1000).toFixed(1)}s`);
		const tools = num(stats.tool_calls);
		if (tools) parts.push(`${tools} tool call${tools === 1 ? '' : 's'}`);
		const suffix = parts.length ? ` · ${parts.join(' · ')}` : '';
		if (!isError) return [`done${suffix}`];
		return [`${errorLine(str(obj(event.error).message) ?? 'failed')}${suffix}`];
	}

	private finalText(): string | undefined {
		const text = (this.answer.trim() ? this.answer : this.lastAnswer).trim();
		return text || undefined;
	}

	finish(): AgentSummary {
		return this.summary ?? {text: this.finalText()};
	}
}
