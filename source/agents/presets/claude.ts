// Claude Code: `claude -p --output-format stream-json --verbose`.
// Permission mode: acceptEdits lets the agent create and edit files without asking (there
// is nobody to ask in -p mode), while shell commands outside Claude's read-only allowlist
// are still denied. That is the safer default for an unattended run; a plan that wants
// the agent to run its tests adds `args: [--allowedTools, "Bash(npm test:*)"]` or
// `args: [--dangerously-skip-permissions]` to its agent.
import type {AgentSummary} from '../../types.js';
import type {ParserOptions, Preset, PromptContext} from '../preset.js';
import {JsonStreamParser} from './json-stream.js';
import {
	arr,
	clip,
	describeTool,
	errorLine,
	isObject,
	num,
	obj,
	outputTail,
	resultText,
	str,
	textLines,
	type Json,
} from './stream-util.js';

export const claudePreset: Preset = {
	name: 'claude',
	executable: 'claude',
	buildArgv(ctx: PromptContext, executable: string): string[] {
		const argv = [executable, '-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits'];
		if (ctx.instructions?.trim()) argv.push('--append-system-prompt', ctx.instructions);
		if (ctx.model) argv.push('--model', ctx.model);
		argv.push(...ctx.args);
		// `--` keeps a prompt that starts with "-" from being read as a flag.
		argv.push('--', ctx.prompt);
		return argv;
	},
	createParser: (opts) => new ClaudeParser(opts),
};

class ClaudeParser extends JsonStreamParser {
	private cwd?: string;
	private lastText?: string;
	private summary?: AgentSummary;
	/** tool_use id → tool name, to know which results are worth a line. */
	private readonly tools = new Map<string, string>();

	constructor(opts: ParserOptions = {}) {
		super();
		this.cwd = opts.cwd;
	}

	protected event(event: Json): string[] | undefined {
		// Session logs (~/.claude/projects/*.jsonl) carry cwd on every line.
		if (!this.cwd && str(event.cwd)) this.cwd = str(event.cwd);
		const indent = event.parent_tool_use_id ? '  ' : '';
		switch (event.type) {
			case 'system':
				return this.system(event);
			case 'assistant':
				return this.assistant(obj(event.message)).map((l) => indent + l);
			case 'user':
				return this.user(obj(event.message)).map((l) => indent + l);
			case 'result':
				return this.result(event);
			case 'stream_event':
				// Partial deltas (--include-partial-messages): the full message follows as `assistant`.
				return [];
			default:
				return undefined;
		}
	}

	private system(event: Json): string[] {
		if (event.subtype === 'init') {
			const model = str(event.model);
			return [model ? `session started (model ${model})` : 'session started'];
		}
		const subtype = str(event.subtype);
		return subtype ? [`system: ${subtype}`] : [];
	}

	private assistant(message: Json): string[] {
		const content = message.content;
		if (typeof content === 'string') return this.says(content);
		const out: string[] = [];
		for (const block of arr(content)) {
			if (!isObject(block)) continue;
			if (block.type === 'text') out.push(...this.says(str(block.text) ?? ''));
			else if (block.type === 'tool_use' || block.type === 'server_tool_use') {
				const name = str(block.name) ?? 'tool';
				if (str(block.id)) this.tools.set(str(block.id)!, name);
				out.push(describeTool(name, block.input, this.cwd));
			}
			else if (block.type === 'thinking' || block.type === 'redacted_thinking') continue;
			else out.push(`[${String(block.type ?? 'block')}]`);
		}
		return out;
	}

	private says(text: string): string[] {
		if (text.trim()) this.lastText = text.trim();
		return textLines(text);
	}

	private user(message: Json): string[] {
		// The prompt itself (a string) is not worth echoing. Tool results: every failure, and the
		// last line of a command's output ("12 passed"); file contents and edits stay quiet.
		const out: string[] = [];
		for (const block of arr(message.content)) {
			if (!isObject(block) || block.type !== 'tool_result') continue;
			if (block.is_error === true) out.push(errorLine(resultText(block.content)));
			else {
				const tool = this.tools.get(str(block.tool_use_id) ?? '');
				if (tool === undefined || /^(bash|shell)$/i.test(tool)) out.push(...outputTail(resultText(block.content)));
			}
		}
		return out;
	}

	private result(event: Json): string[] {
		const usage = obj(event.usage);
		const input = sum(num(usage.input_tokens), num(usage.cache_creation_input_tokens), num(usage.cache_read_input_tokens));
		const subtype = str(event.subtype) ?? 'success';
		const isError = event.is_error === true || subtype !== 'success';
		const text = str(event.result) ?? this.lastText;
		this.summary = {
			text: text?.trim() || undefined,
			inputTokens: input,
			outputTokens: num(usage.output_tokens),
			costUsd: num(event.total_cost_usd) ?? num(event.cost_usd),
			turns: num(event.num_turns),
			isError,
		};
		const parts: string[] = [];
		const turns = num(event.num_turns);
		if (turns !== undefined) parts.push(`${turns} turn${turns === 1 ? '' : 's'}`);
		const ms = num(event.duration_ms);
		if (ms !== undefined) parts.push(`${(ms / 1000).toFixed(1)}s`);
		if (this.summary.costUsd !== undefined) parts.push(`$${this.summary.costUsd.toFixed(2)}`);
		const stats = parts.length ? ` · ${parts.join(' · ')}` : '';
		if (!isError) return [`done${stats}`];
		const why = arr(event.errors).map(String).find(Boolean) ?? str(event.result) ?? '';
		return [clip(`${errorLine(why ? `${subtype}: ${why}` : subtype)}${stats}`, 240)];
	}

	finish(): AgentSummary {
		return this.summary ?? {text: this.lastText};
	}
}

function sum(...values: Array<number | undefined>): number | undefined {
	const present = values.filter((v): v is number => v !== undefined);
	return present.length ? present.reduce((a, b) => a + b, 0) : undefined;
}
