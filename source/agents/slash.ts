// Slash commands as steps (`slash: /review:code src/api`), the way Claude Code reads them:
// `/a:b rest` is the markdown file a/b.md in .claude/commands/ (or .specify/commands/), its
// YAML front matter dropped, `$ARGUMENTS` replaced by "rest" and `$1`, `$2`… by its words.
// Two names are built in: `/test` runs the plan's test command, `/git:commit` is a checkpoint.
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import type {Plan, PlanIssue, Step} from '../types.js';
import {UsageError} from '../util/errors.js';

export type SlashAction = {kind: 'prompt'; prompt: string; file: string} | {kind: 'run'; run: string} | {kind: 'checkpoint'};

/** Where command files are looked up, in order, relative to the repository. */
export const COMMAND_DIRS = ['.claude/commands', '.specify/commands'];

/** A slash command that cannot be used; `fix` says what to do, `tried` the files looked at. */
export class SlashError extends UsageError {
	constructor(
		readonly reason: string,
		readonly fix: string,
		readonly tried: string[] = [],
		readonly file?: string,
	) {
		super(`${reason} — ${fix}`);
		this.name = 'SlashError';
	}
}

export interface ParsedSlash {
	/** "review:code" */
	name: string;
	/** ["review", "code"] */
	segments: string[];
	/** The text after the name, trimmed: "src/api". */
	args: string;
}

const NAME = /^\/([A-Za-z0-9_][\w.-]*(?::[A-Za-z0-9_][\w.-]*)*)(?:\s+([\s\S]*))?$/;

export function parseSlash(slash: string): ParsedSlash {
	const m = NAME.exec(slash.trim());
	if (!m) {
		throw new SlashError(
			`"${slash}" is not a slash command`,
			'write it as /name or /folder:name followed by its arguments, e.g. slash: /review:code src/api',
		);
	}
	return {name: m[1], segments: m[1].split(':'), args: (m[2] ?? '').trim()};
}

/** The command files `/a:b` may live in, relative to the repository, in lookup order. */
export function commandFileCandidates(segments: string[]): string[] {
	return COMMAND_DIRS.map((dir) => path.posix.join(dir, ...segments.slice(0, -1), `${segments[segments.length - 1]}.md`));
}

export async function resolveSlash(slash: string, plan: Plan, cwd: string): Promise<SlashAction> {
	const parsed = parseSlash(slash);
	if (parsed.name === 'test') {
		if (!plan.test) throw new SlashError('/test runs the plan\'s test command, and the plan has no `test:`', 'add `test: <your test command>` at the top of the plan');
		return {kind: 'run', run: parsed.args ? `${plan.test} ${parsed.args}` : plan.test};
	}
	if (parsed.name === 'git:commit') return {kind: 'checkpoint'};

	const tried = commandFileCandidates(parsed.segments);
	for (const rel of tried) {
		const file = path.join(cwd, rel);
		let text: string;
		try {
			text = await readFile(file, 'utf8');
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') continue;
			throw new SlashError(`cannot read the command file of /${parsed.name} (${code ?? 'error'})`, 'check its permissions', tried, file);
		}
		const body = stripFrontMatter(text, file);
		if (!body.trim()) throw new SlashError(`the command file of /${parsed.name} is empty`, 'write the prompt in it, below the front matter', tried, file);
		return {kind: 'prompt', prompt: expandArguments(body, parsed.args), file};
	}
	throw new SlashError(
		`no command file for /${parsed.name} (tried ${tried.join(', ')})`,
		`create ${tried[0]} with the prompt ($ARGUMENTS stands for the text after the command), or replace \`slash:\` with \`prompt:\``,
		tried,
	);
}

/** The prompt text of a command file: everything after its `---` front matter. */
export function stripFrontMatter(text: string, file: string): string {
	const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
	if (!/^---[ \t]*$/.test(lines[0] ?? '')) return text.trim();
	const end = lines.findIndex((line, i) => i > 0 && /^(?:---|\.\.\.)[ \t]*$/.test(line));
	if (end < 0) throw new SlashError('its front matter opened with --- on line 1 is never closed', 'add a --- line after the front matter', [], file);
	return lines.slice(end + 1).join('\n').trim();
}

/**
 * `$ARGUMENTS` → all arguments, `$1`… → the nth word (quotes group words; missing → "").
 * A command that uses neither still gets its arguments, appended, so they are never lost.
 */
export function expandArguments(body: string, args: string): string {
	const words = splitWords(args);
	let used = false;
	// One pass, so a "$1" inside the inserted arguments is not expanded again.
	const out = body.replace(/\$ARGUMENTS\b|\$([1-9]\d*)/g, (_, n: string | undefined) => {
		used = true;
		return n === undefined ? args : (words[Number(n) - 1] ?? '');
	});
	return !used && args ? `${out}\n\nArguments: ${args}` : out;
}

function splitWords(args: string): string[] {
	const words: string[] = [];
	for (const m of args.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
	return words;
}

/** Every slash step that cannot be resolved, as plan issues naming the step, the files tried and the fix. */
export async function checkSlashCommands(plan: Plan, cwd: string): Promise<PlanIssue[]> {
	const steps: Step[] = plan.phases.flatMap((phase) => phase.steps.filter((s) => s.slash && !s.done));
	if (steps.length === 0) return [];
	const source = plan.source.format === 'speckit' ? undefined : await readFile(plan.source.path, 'utf8').catch(() => undefined);
	const issues: PlanIssue[] = [];
	for (const step of steps) {
		try {
			await resolveSlash(step.slash!, plan, cwd);
		} catch (error) {
			if (!(error instanceof SlashError)) throw error;
			const pos = error.file ? {} : slashPosition(source, step.id);
			issues.push({
				file: error.file ?? plan.source.path,
				...pos,
				severity: 'error',
				message: `step ${step.id}: ${error.reason}`,
				fix: error.fix,
			});
		}
	}
	return issues;
}

/** Line and column of the `slash:` value of a step, found in the plan text (best effort). */
function slashPosition(text: string | undefined, stepId: string): {line?: number; col?: number} {
	if (!text) return {};
	const lines = text.split('\n');
	const escaped = stepId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const idLine = new RegExp(`["']?\\bid["']?\\s*:\\s*["']?${escaped}["']?\\s*(?:[,}#]|$)`);
	const start = lines.findIndex((line) => idLine.test(line));
	if (start < 0) return {};
	for (let i = start; i < lines.length; i++) {
		// The next step or phase begins: this step has no slash line of its own.
		if (i > start && /["']?\bid["']?\s*:/.test(lines[i])) break;
		const m = /["']?\bslash["']?\s*:\s*/.exec(lines[i]);
		if (m) return {line: i + 1, col: m.index + m[0].length + 1};
	}
	return {};
}
