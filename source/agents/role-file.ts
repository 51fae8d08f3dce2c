// Role files: markdown with YAML front matter, the format of Claude Code's .claude/agents/*.md.
//
// Real files are often not strict YAML (an unquoted ": " inside a one-line description), and
// Claude Code still loads them. So: strict YAML first; if that fails and every line is a plain
// `key: value` line (or an indented continuation), the front matter is read line by line the
// same way and `warning` says so. Anything else is a UsageError naming the file and the line.
import {readFile} from 'node:fs/promises';
import {parseDocument} from 'yaml';
import {errorMessage} from '../util/errors.js';
import {RoleFileError} from './role-file-error.js';

export {RoleFileError} from './role-file-error.js';

export interface RoleFile {
	name?: string;
	description?: string;
	/** `tools: Read, Edit` or a YAML list, as a list. */
	tools?: string[];
	model?: string;
	/** The instructions: everything after the front matter. */
	body: string;
	/** Every front matter key, as parsed. */
	data: Record<string, unknown>;
	/** Set when the front matter was not strict YAML and was read line by line. */
	warning?: string;
}

const FENCE = /^---[ \t]*$/;
const END_FENCE = /^(?:---|\.\.\.)[ \t]*$/;

export async function readRoleFile(file: string): Promise<RoleFile> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') throw new RoleFileError(file, undefined, 'role file not found', 'create it or fix the path');
		throw new RoleFileError(file, undefined, `cannot read role file: ${errorMessage(error)}`, 'check the path and its permissions');
	}
	return parseRoleFile(text, file);
}

export function parseRoleFile(text: string, file: string): RoleFile {
	const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
	if (!FENCE.test(lines[0] ?? '')) return {body: text.trim(), data: {}};
	const end = lines.findIndex((line, i) => i > 0 && END_FENCE.test(line));
	if (end < 0) throw new RoleFileError(file, 1, 'front matter opened with --- is never closed', 'add a --- line after it');
	const front = lines.slice(1, end);
	const body = lines.slice(end + 1).join('\n').trim();
	const {data, warning} = parseFrontMatter(front, file);
	return {...pick(data), body, data, warning};
}

function parseFrontMatter(front: string[], file: string): {data: Record<string, unknown>; warning?: string} {
	const doc = parseDocument(front.join('\n'));
	if (doc.errors.length === 0) {
		const value: unknown = doc.toJS();
		if (value === null || value === undefined) return {data: {}};
		if (typeof value !== 'object' || Array.isArray(value))
			throw new RoleFileError(file, 2, 'front matter is not a set of key: value lines', 'write it as name: …, description: …');
		return {data: value as Record<string, unknown>};
	}
	const first = doc.errors[0];
	// +1: the opening --- is line 1 of the file.
	const yamlLine = (first.linePos?.[0].line ?? 1) + 1;
	const loose = parseLoosely(front);
	if ('data' in loose)
		return {data: loose.data, warning: `${file}:${yamlLine}: front matter is not strict YAML; read line by line`};
	const line = loose.line + 1;
	throw new RoleFileError(file, line, `malformed front matter: ${loose.reason}`, 'quote the value or fix the line');
}

const KEY_LINE = /^([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(.*))?$/;

/** The `key: value` reading Claude Code applies; index = 1-based line within the front matter. */
function parseLoosely(front: string[]): {data: Record<string, unknown>} | {line: number; reason: string} {
	const data: Record<string, unknown> = {};
	let key: string | undefined;
	for (let i = 0; i < front.length; i++) {
		const line = front[i];
		if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
		if (/^[ \t]/.test(line)) {
			if (key === undefined) return {line: i + 1, reason: 'indented line before any key'};
			const item = /^[ \t]+-[ \t]+(.*)$/.exec(line);
			const current = data[key];
			if (item && (current === '' || Array.isArray(current))) data[key] = [...(Array.isArray(current) ? current : []), item[1].trim()];
			else if (typeof current === 'string') data[key] = current ? `${current} ${line.trim()}` : line.trim();
			else return {line: i + 1, reason: 'continuation line does not fit the value above'};
			continue;
		}
		const m = KEY_LINE.exec(line);
		if (!m) return {line: i + 1, reason: `"${line.length > 40 ? `${line.slice(0, 40)}…` : line}" is not a key: value line`};
		key = m[1];
		const value = (m[2] ?? '').trim();
		// A value that opens a YAML structure or quote must be valid YAML by itself.
		if (/^["'[{|>&*!]/.test(value)) {
			const one = parseDocument(value);
			if (one.errors.length) return {line: i + 1, reason: `the value of ${key} is not valid YAML (${one.errors[0].code})`};
			data[key] = one.toJS();
		} else {
			data[key] = value;
		}
	}
	return {data};
}

function pick(data: Record<string, unknown>): Omit<RoleFile, 'body' | 'data' | 'warning'> {
	return {
		name: scalar(data.name),
		description: scalar(data.description),
		tools: toolList(data.tools),
		model: scalar(data.model),
	};
}

function scalar(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() || undefined;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

function toolList(value: unknown): string[] | undefined {
	if (typeof value === 'string')
		return value
			.split(',')
			.map((t) => t.trim())
			.filter(Boolean);
	if (Array.isArray(value)) return value.map((t) => String(t).trim()).filter(Boolean);
	return undefined;
}
