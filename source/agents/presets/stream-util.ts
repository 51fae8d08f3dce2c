// Helpers shared by the stream parsers: tolerant JSON lines, short one-line texts,
// and one vocabulary for tool calls ("Edit src/x.ts", "Run npm test") across CLIs.
import path from 'node:path';

export type Json = Record<string, unknown>;

/** Longest line shown for an event we do not understand (the full text is in the log). */
const RAW_MAX = 300;
const DETAIL_MAX = 160;

/** A JSON object, or undefined for anything else (non-JSON, cut lines, arrays, scalars). */
export function parseObject(line: string): Json | undefined {
	const text = line.trim();
	if (!text.startsWith('{')) return undefined;
	try {
		const value: unknown = JSON.parse(text);
		return isObject(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

export function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function arr(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

export function obj(value: unknown): Json {
	return isObject(value) ? value : {};
}

/** A line the parser cannot interpret: shown as text, trimmed, never thrown. */
export function rawLine(line: string): string[] {
	const text = line.trim();
	return text ? [clip(text, RAW_MAX)] : [];
}

export function clip(text: string, max = DETAIL_MAX): string {
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** First non-empty line of a text, clipped: for one-line details of commands and errors. */
export function firstLine(text: string, max = DETAIL_MAX): string {
	const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
	const more = text.trim().includes('\n') ? ' …' : '';
	return clip(line.trim() + more, max);
}

/** A message's text as display lines: trailing spaces cut, blank edges dropped, inner blank lines kept. */
export function textLines(text: string): string[] {
	const lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd());
	while (lines.length > 0 && lines[0] === '') lines.shift();
	while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
	return lines;
}

/** Paths under the agent's cwd are shown relative to it. */
export function relPath(file: string, cwd?: string): string {
	if (!cwd || !path.isAbsolute(file)) return file;
	const rel = path.relative(cwd, file);
	return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** `bash -lc 'npm test'` → `npm test`: codex wraps every command in a login shell. */
export function shortCommand(command: unknown): string {
	let text = Array.isArray(command) ? command.map(String).join(' ') : String(command ?? '');
	const m = /^(?:\/\S*\/)?(?:ba|z)?sh\s+-l?c\s+([\s\S]*)$/.exec(text);
	if (m) {
		text = m[1];
		const quoted = /^'([\s\S]*)'$/.exec(text) ?? /^"([\s\S]*)"$/.exec(text);
		if (quoted) text = quoted[1];
	}
	return firstLine(text);
}

function firstString(input: Json): string | undefined {
	for (const value of Object.values(input)) if (typeof value === 'string' && value.trim()) return value;
	return undefined;
}

/**
 * One readable line for a tool call. Claude names (Edit, Bash, …) and gemini names
 * (replace, run_shell_command, …) map to the same verbs.
 */
export function describeTool(name: string, rawInput: unknown, cwd?: string): string {
	const input = obj(rawInput);
	const file = str(input.file_path) ?? str(input.absolute_path) ?? str(input.notebook_path) ?? str(input.path);
	const shown = file ? relPath(file, cwd) : undefined;
	const withFile = (verb: string) => (shown ? `${verb} ${shown}` : verb);
	switch (name.toLowerCase()) {
		case 'edit':
		case 'multiedit':
		case 'replace':
		case 'edit_file':
		case 'notebookedit':
			return withFile('Edit');
		case 'write':
		case 'write_file':
		case 'create_file':
			return withFile('Write');
		case 'read':
		case 'read_file':
		case 'notebookread':
			return withFile('Read');
		case 'read_many_files': {
			const paths = arr(input.paths).map(String);
			return paths.length ? `Read ${clip(paths.join(', '))}` : 'Read files';
		}
		case 'bash':
		case 'shell':
		case 'run_shell_command':
			return `Run ${shortCommand(input.command ?? '')}`.trimEnd();
		case 'grep':
		case 'search_file_content': {
			const pattern = str(input.pattern) ?? '';
			return clip(`Grep ${pattern}${shown ? ` in ${shown}` : ''}`.trimEnd());
		}
		case 'glob':
			return clip(`Glob ${str(input.pattern) ?? ''}`.trimEnd());
		case 'ls':
		case 'list_directory':
			return withFile('List');
		case 'webfetch':
		case 'web_fetch':
			return clip(`Fetch ${str(input.url) ?? str(input.prompt) ?? ''}`.trimEnd());
		case 'websearch':
		case 'google_web_search':
		case 'web_search':
			return clip(`Search ${str(input.query) ?? ''}`.trimEnd());
		case 'task':
		case 'agent':
			return clip(`Task ${str(input.description) ?? str(input.subagent_type) ?? ''}`.trimEnd());
		case 'todowrite':
		case 'write_todos': {
			const todos = arr(input.todos);
			return todos.length ? `Update todos (${todos.length})` : 'Update todos';
		}
		default: {
			const detail = shown ?? firstString(input);
			return clip(detail ? `${name} ${firstLine(detail)}` : name);
		}
	}
}

/** Text of a tool result, which is a string or an array of blocks. */
export function resultText(content: unknown): string {
	if (typeof content === 'string') return content;
	return arr(content)
		.map((block) => (isObject(block) ? (str(block.text) ?? '') : String(block)))
		.join('\n');
}

/** The last non-empty line of a command's output, indented under its "Run …" line. */
export function outputTail(text: string | undefined): string[] {
	const last = (text ?? '')
		.split('\n')
		.map((l) => l.trim())
		.filter(Boolean)
		.pop();
	return last ? [`  ${clip(last)}`] : [];
}

export function errorLine(text: string): string {
	return `error: ${firstLine(text) || 'failed'}`;
}
