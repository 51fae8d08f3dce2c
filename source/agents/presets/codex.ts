// OpenAI Codex CLI: `codex exec --json --full-auto`. --full-auto = sandboxed writes inside the
// workspace without approval prompts (nobody can answer them in exec mode).
// Codex has no system-prompt flag, so role instructions go in front of the prompt.
//
// The parser reads the current `--json` stream (thread.* / turn.* / item.*), the older
// `{"id", "msg": {type…}}` protocol events of codex before 0.44, and the stored
// ~/.codex/sessions rollout records (`event_msg` / `response_item`), which reuse the msg shapes.
import type {AgentSummary} from '../../types.js';
import type {ParserOptions, Preset, PromptContext} from '../preset.js';
import {JsonStreamParser} from './json-stream.js';
import {withInstructions} from './argv.js';
import {
	arr,
	describeTool,
	errorLine,
	firstLine,
	isObject,
	num,
	obj,
	outputTail,
	relPath,
	shortCommand,
	str,
	textLines,
	type Json,
} from './stream-util.js';

export const codexPreset: Preset = {
	name: 'codex',
	executable: 'codex',
	buildArgv(ctx: PromptContext, executable: string): string[] {
		const argv = [executable, 'exec', '--json', '--full-auto'];
		if (ctx.model) argv.push('-m', ctx.model);
		argv.push(...ctx.args, '--', withInstructions(ctx));
		return argv;
	},
	createParser: (opts) => new CodexParser(opts),
};

class CodexParser extends JsonStreamParser {
	private readonly cwd?: string;
	private lastMessage?: string;
	private inputTokens?: number;
	private outputTokens?: number;
	private turns = 0;
	private failed = false;
	private readonly started = new Set<string>();

	constructor(opts: ParserOptions = {}) {
		super();
		this.cwd = opts.cwd;
	}

	protected event(event: Json): string[] | undefined {
		const type = str(event.type);
		if (isObject(event.msg)) return this.msg(event.msg);
		switch (type) {
			case 'thread.started':
				return ['session started'];
			case 'turn.started':
				return [];
			case 'turn.completed': {
				this.turns += 1;
				const usage = obj(event.usage);
				this.inputTokens = add(this.inputTokens, num(usage.input_tokens));
				this.outputTokens = add(this.outputTokens, num(usage.output_tokens));
				return [];
			}
			case 'turn.failed':
				this.failed = true;
				return [errorLine(str(obj(event.error).message) ?? 'turn failed')];
			case 'error':
				// Often a transient "reconnecting…" notice; turn.failed decides the outcome.
				return [errorLine(str(event.message) ?? 'error')];
			case 'item.started':
			case 'item.updated':
			case 'item.completed':
				return this.item(type, obj(event.item));
			// Stored rollout format.
			case 'session_meta':
				return ['session started'];
			case 'event_msg':
				return this.msg(obj(event.payload));
			case 'response_item':
				return this.responseItem(obj(event.payload));
			case 'turn_context':
				return [];
			default:
				// Old exec --json printed its config first ({model, sandbox, …}) and the prompt.
				if (type === undefined && str(event.model)) return [`session started (model ${str(event.model)})`];
				if (type === undefined && str(event.prompt) !== undefined) return [];
				return undefined;
		}
	}

	private item(phase: string, item: Json): string[] | undefined {
		const id = str(item.id) ?? '';
		switch (item.type) {
			case 'agent_message':
				if (phase !== 'item.completed') return [];
				return this.message(str(item.text) ?? '');
			case 'reasoning':
				return [];
			case 'command_execution': {
				const out: string[] = [];
				if (phase === 'item.started' || (phase === 'item.completed' && !this.started.has(id))) {
					this.started.add(id);
					out.push(`Run ${shortCommand(item.command)}`);
				}
				if (phase === 'item.completed' || item.status === 'failed') {
					const code = num(item.exit_code);
					if ((code !== undefined && code !== 0) || item.status === 'failed')
						out.push(this.commandError(code, str(item.aggregated_output)));
					else if (phase === 'item.completed') out.push(...outputTail(str(item.aggregated_output)));
				}
				return out;
			}
			case 'file_change':
				if (phase !== 'item.completed') return [];
				return arr(item.changes).map((change) => {
					const c = obj(change);
					return `${verb(str(c.kind))} ${relPath(str(c.path) ?? '?', this.cwd)}`;
				});
			case 'mcp_tool_call':
				if (phase !== 'item.started' && this.started.has(id)) return [];
				this.started.add(id);
				return [`${str(item.server) ?? 'mcp'}.${str(item.tool) ?? 'tool'}`];
			case 'web_search':
				if (phase !== 'item.completed') return [];
				return [describeTool('web_search', item)];
			case 'todo_list': {
				if (phase === 'item.started') return [];
				const items = arr(item.items).map(obj);
				const done = items.filter((t) => t.completed === true).length;
				return [`Todo ${done}/${items.length} done`];
			}
			case 'error':
				return [`warning: ${firstLine(str(item.message) ?? 'error')}`];
			default:
				return undefined;
		}
	}

	/** The pre-0.44 protocol events, also the `event_msg` payloads of stored sessions. */
	private msg(msg: Json): string[] | undefined {
		switch (msg.type) {
			case 'session_configured':
				return [str(msg.model) ? `session started (model ${str(msg.model)})` : 'session started'];
			case 'task_started':
			case 'agent_reasoning':
			case 'agent_reasoning_delta':
			case 'agent_reasoning_raw_content':
			case 'agent_reasoning_section_break':
			case 'agent_message_delta':
			case 'user_message':
			case 'exec_command_output_delta':
			case 'turn_diff':
				return [];
			case 'agent_message':
				return this.message(str(msg.message) ?? '');
			case 'exec_command_begin':
				return [`Run ${shortCommand(msg.command)}`];
			case 'exec_command_end': {
				const code = num(msg.exit_code);
				if (code === undefined || code === 0) return outputTail(str(msg.aggregated_output) ?? str(msg.stdout));
				return [this.commandError(code, str(msg.aggregated_output) ?? str(msg.stderr) ?? str(msg.stdout))];
			}
			case 'patch_apply_begin':
				return Object.entries(obj(msg.changes)).map(([file, change]) => {
					const kind = Object.keys(obj(change))[0];
					return `${verb(kind)} ${relPath(file, this.cwd)}`;
				});
			case 'patch_apply_end':
				return msg.success === false ? [errorLine(str(msg.stderr) ?? 'patch failed')] : [];
			case 'mcp_tool_call_begin': {
				const call = obj(msg.invocation);
				return [`${str(call.server) ?? 'mcp'}.${str(call.tool) ?? 'tool'}`];
			}
			case 'mcp_tool_call_end':
				return [];
			case 'token_count': {
				// Newer: info.total_token_usage (cumulative); older: the counts at top level.
				const usage = obj(obj(msg.info).total_token_usage);
				const source = Object.keys(usage).length ? usage : msg;
				this.inputTokens = num(source.input_tokens) ?? this.inputTokens;
				this.outputTokens = num(source.output_tokens) ?? this.outputTokens;
				return [];
			}
			case 'task_complete':
				this.turns += 1;
				if (str(msg.last_agent_message)) this.lastMessage = str(msg.last_agent_message)!.trim();
				return [];
			case 'error':
				this.failed = true;
				return [errorLine(str(msg.message) ?? 'error')];
			case 'stream_error':
			case 'background_event':
				return [`${msg.type === 'stream_error' ? 'warning: ' : ''}${firstLine(str(msg.message) ?? '')}`];
			default:
				return undefined;
		}
	}

	/** Stored-session records: tool calls only (messages and reasoning duplicate event_msg). */
	private responseItem(item: Json): string[] | undefined {
		switch (item.type) {
			case 'function_call': {
				let args: Json = {};
				try {
					args = obj(JSON.parse(str(item.arguments) ?? '{}'));
				} catch {
					// Arguments cut or not JSON: fall back to the tool name.
				}
				return args.command ? [`Run ${shortCommand(args.command)}`] : [str(item.name) ?? 'tool'];
			}
			case 'custom_tool_call':
				return patchFiles(str(item.input) ?? '', this.cwd) ?? [str(item.name) ?? 'tool'];
			case 'message':
			case 'reasoning':
			case 'function_call_output':
			case 'custom_tool_call_output':
				return [];
			default:
				return undefined;
		}
	}

	private message(text: string): string[] {
		if (text.trim()) this.lastMessage = text.trim();
		return textLines(text);
	}

	private commandError(code: number | undefined, output: string | undefined): string {
		const tail = (output ?? '').trim().split('\n').pop() ?? '';
		return errorLine(`exit ${code ?? '?'}${tail ? `: ${tail}` : ''}`);
	}

	finish(): AgentSummary {
		return {
			text: this.lastMessage,
			inputTokens: this.inputTokens,
			outputTokens: this.outputTokens,
			turns: this.turns || undefined,
			isError: this.failed || undefined,
		};
	}
}

function verb(kind: string | undefined): string {
	if (kind === 'add') return 'Write';
	if (kind === 'delete') return 'Delete';
	return 'Edit';
}

/** `*** Add File: x` / `*** Update File: y` headers of an apply_patch input. */
function patchFiles(patch: string, cwd?: string): string[] | undefined {
	const out: string[] = [];
	for (const m of patch.matchAll(/^\*\*\* (Add|Update|Delete) File: (.+)$/gm)) {
		out.push(`${verb(m[1] === 'Add' ? 'add' : m[1] === 'Delete' ? 'delete' : 'update')} ${relPath(m[2].trim(), cwd)}`);
	}
	return out.length ? out : undefined;
}

function add(a: number | undefined, b: number | undefined): number | undefined {
	if (b === undefined) return a;
	return (a ?? 0) + b;
}
