// spec-kit import: a tasks.md (any template generation since 2025-08) becomes a Plan.
// One pass over the lines with a small state machine; every regex is anchored and linear.
//
// What counts as a step: a checkbox line whose text starts with a task id,
// `- [ ] T001 [P] [US1] Description`, `* [x] **T001** …`, indented or not, outside fenced code,
// HTML comments and the template's non-task sections (Dependencies, Parallel Example, Notes, …).
// Checkboxes without an id (acceptance criteria, prerequisites, validation checklists) are not
// steps; under a task they are part of its prompt.
//
// A file with no task id at all is not a spec-kit task list (the corpus has a hand-written one whose
// headings are "### Task 1.1: …" with nested checklists). Guessing steps from bare checkboxes would
// run acceptance criteria as code changes, so it is refused with one PlanError line that says how
// to fix it.

import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type {Phase, Plan, PlanIssue, Step} from '../types.js';
import {PlanError} from './load-plan.js';
import {planSource} from './plan-source.js';
import {extractPaths} from './speckit-paths.js';

export interface SpecKitImport {
	plan: Plan;
	warnings: PlanIssue[];
}

/** Files and folders of a spec-kit feature folder that give an agent the feature's context. */
export const CONTEXT_FILES = ['spec.md', 'plan.md', 'data-model.md', 'research.md', 'quickstart.md', 'contracts/'];

const CHECKBOX_LINE = /^[ \t]*[-*+][ \t]+\[[ xX]\]/;
const TASK_ID = /^(\*\*)?(T\d+(?:[a-z]|\.\d+)?)(\*\*)?(?![\w])/;
const BULLET = /^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
/** What may stand between a task id and its text: "T001: …", "T001 - …". */
const ID_SEPARATORS = ':：.-–—';
const STORY = /^(?:US[-_ ]?\d+[a-z]?|Story[-_ ]?\d*)$/i;
const PRIORITY = /^P\d$/i;
const PHASE_HEADING = /^(?:phase|Phase|PHASE)[ \t]+(\d+(?:\.\d+)*|[A-Z]|[IVX]+)(?!\w)/;
const DOC_TITLE = /^[^:：]{0,40}\btasks?[ \t]*[:：][ \t]*(.+)$/i;
/** Template sections that talk about tasks but hold none (their T-ids are references). */
const NON_TASK_SECTION =
	/^(?:dependenc|parallel|execution flow|notes\b|validation checklist|task generation rules|implementation strategy|format\b|path conventions|task statistics|test count summary)/i;
const EXPLICIT_DEP = /\b(?:depends on|depend on|after|requires|blocked by)[ \t]+(T\d+[a-z]?(?:[ \t]*(?:,|and|&|\/|-|–|to)[ \t]*T\d+[a-z]?)*)/gi;
const TITLE_MAX = 80;

interface PhaseDraft {
	title: string;
	/** Heading level (1-6); 0 for the implicit phase of tasks before any heading. */
	level: number;
	/** Number from "Phase 3.1:" (used when the title gives no slug). */
	number?: string;
	line: number;
	tasks: TaskDraft[];
}

interface TaskDraft {
	id: string;
	/** The id as written (T012 for the step T012-2). */
	baseId: string;
	line: number;
	indent: number;
	done: boolean;
	parallel: boolean;
	story?: string;
	/** The line after the checkbox, as written ("**T001** [P] …"). */
	head: string;
	/** Description: the text after the markers plus wrapped continuation lines. */
	description: string;
	/** Wrapped continuation lines (trimmed), also part of the description; made at the first one. */
	wrapped?: string[];
	/** Sub-bullets and later paragraphs under the task: prompt only; made at the first one. */
	extra?: string[];
	phase: PhaseDraft;
}

interface OpenTask {
	task: TaskDraft;
	/** A blank line was seen since the task line. */
	blank: boolean;
	/** A sub-bullet was seen: later indented text belongs to it. */
	sub: boolean;
}

export function importSpecKit(text: string, absPath: string, opts: {cwd: string}): SpecKitImport {
	const warnings: PlanIssue[] = [];
	const warn = (line: number | undefined, message: string, fix?: string) =>
		warnings.push({file: absPath, line, severity: 'warning', message, ...(fix ? {fix} : {})});

	// Without a \r in the file (the usual case) a plain split does the same, ~6× faster on 1 MB.
	const lines = text.includes('\r') ? text.split(/\r\n|\n|\r/) : text.split('\n');
	const phases: PhaseDraft[] = [];
	const tasks: TaskDraft[] = [];
	let docTitle: string | undefined;
	let current: PhaseDraft | null = null;
	let implicit: PhaseDraft | null = null;
	let ignoreLevel = 0;
	let ignoredSection = '';
	let open: OpenTask | null = null;
	let fence: {char: string; len: number; inTask: boolean; line: number} | null = null;
	let inComment = false;
	let checkboxesWithoutId = 0;
	const occurrences = new Map<string, TaskDraft[]>();

	let i = 0;
	// YAML front matter (template versions since 2025-10): skip it whole.
	if (lines[0]?.trim() === '---') {
		for (let j = 1; j < lines.length; j++) {
			if (lines[j]!.trim() === '---' || lines[j]!.trim() === '...') {
				i = j + 1;
				break;
			}
		}
	}

	for (; i < lines.length; i++) {
		const line = lines[i]!;
		const lineNo = i + 1;

		if (inComment) {
			if (line.includes('-->')) inComment = false;
			continue;
		}
		if (fence) {
			if (isFenceClose(line, fence.char, fence.len)) {
				if (fence.inTask && open) addExtra(open.task, line);
				fence = null;
			} else if (fence.inTask && open) {
				addExtra(open.task, line);
			}
			continue;
		}
		// The first visible character says which of the checks below can match at all: most lines
		// are task lines, which need neither the fence, the comment nor the heading test.
		let at = 0;
		while (at < line.length && isSpace(line.charCodeAt(at))) at++;
		const first = line.charCodeAt(at);
		const fenceOpen = first === 96 || first === 126 ? matchFenceOpen(line) : null; // ` ~
		if (fenceOpen) {
			const inTask = open !== null && indentOf(line) > open.task.indent;
			if (inTask) addExtra(open!.task, line);
			else open = null;
			fence = {...fenceOpen, inTask, line: lineNo};
			continue;
		}
		// A comment that opens at the start of the line and does not close on it.
		if (first === 60 && line.startsWith('<!--', at) && line.indexOf('-->', at + 4) === -1) {
			inComment = true;
			open = null;
			continue;
		}

		const heading = first === 35 ? matchHeading(line) : null; // #
		if (heading) {
			open = null;
			const {level, text: headingText} = heading;
			if (ignoreLevel && level > ignoreLevel) continue;
			ignoreLevel = 0;
			const phase = matchPhase(headingText);
			if (phase) {
				current = {title: phase.title, number: phase.number, level, line: lineNo, tasks: []};
				phases.push(current);
			} else if (NON_TASK_SECTION.test(headingText)) {
				ignoreLevel = level;
				ignoredSection = headingText;
				if (!current || level <= current.level) current = null;
			} else if (current && level > current.level) {
				// A subheading inside a phase ("### Tests for User Story 1").
			} else if (level === 1 && docTitle === undefined) {
				docTitle = DOC_TITLE.exec(headingText)?.[1]?.trim() ?? headingText;
				current = null;
			} else {
				// Any other section at phase level: a phase if it holds tasks (hand-made task lists).
				current = {title: cleanTitle(headingText) || headingText, level, line: lineNo, tasks: []};
				phases.push(current);
			}
			continue;
		}

		const bullet = first === 45 || first === 42 || first === 43; // - * +
		const textAt = bullet ? taskTextAt(line) : -1;
		const taskText = textAt === -1 ? '' : line.slice(textAt);
		const idMatch = textAt === -1 ? null : TASK_ID.exec(taskText);
		if (idMatch) {
			open = null;
			if (ignoreLevel) {
				warn(lineNo, `task ${idMatch[2]} is in the section "${ignoredSection}", not under a phase: not imported`,
					'move it under a "## Phase N: …" heading');
				continue;
			}
			let phase = current;
			if (!phase) {
				if (!implicit) {
					implicit = {title: 'Tasks', level: 0, line: lineNo, tasks: []};
					phases.push(implicit);
				}
				phase = implicit;
			}
			const task = parseTask(line, taskText, idMatch, lineNo, phase);
			const earlier = occurrences.get(task.baseId);
			if (earlier) {
				task.id = `${task.baseId}-${earlier.length + 1}`;
				earlier.push(task);
				warn(lineNo, `task id ${task.baseId} appears again (first at line ${earlier[0]!.line}): imported as ${task.id}`,
					`give the task at line ${lineNo} its own id`);
			} else {
				occurrences.set(task.baseId, [task]);
			}
			phase.tasks.push(task);
			tasks.push(task);
			open = {task, blank: false, sub: false};
			continue;
		}
		if (bullet && CHECKBOX_LINE.test(line) && !(open && indentOf(line) > open.task.indent)) checkboxesWithoutId++;

		if (!open) continue;
		if (at === line.length) {
			open.blank = true;
			continue;
		}
		const indent = indentOf(line);
		const task = open.task;
		if (indent > task.indent) {
			if (BULLET.test(line)) {
				open.sub = true;
				addExtra(task, line);
			} else if (!open.blank && !open.sub) {
				addWrapped(task, line);
			} else {
				addExtra(task, line);
			}
		} else if (!open.blank && !open.sub && isLazyContinuation(line)) {
			// Markdown's lazy continuation: a wrapped line that was not indented.
			addWrapped(task, line);
		} else {
			open = null;
		}
	}

	if (fence) {
		warn(fence.line, 'this code block is never closed: every line after it was read as code, not as tasks',
			`close it with ${fence.char.repeat(fence.len)}`);
	}

	if (tasks.length === 0) {
		const extra = checkboxesWithoutId > 0 ? `: ${checkboxesWithoutId} checkbox${checkboxesWithoutId === 1 ? '' : 'es'} carry no task id` : '';
		throw new PlanError([
			{
				file: absPath,
				severity: 'error',
				message: `no spec-kit task lines (- [ ] T001 …) found${extra}`,
				fix: 'number the tasks as spec-kit does ("- [ ] T001 [P] Description in path/to/file") or write a plan.yaml',
			},
		]);
	}

	const featureDir = path.dirname(absPath);
	const contextFiles = CONTEXT_FILES.filter((name) => fs.existsSync(path.join(featureDir, name))).map(
		(name) => toPosix(path.relative(opts.cwd, path.join(featureDir, name))) + (name.endsWith('/') ? '/' : ''),
	);
	const tasksRel = toPosix(path.relative(opts.cwd, absPath)) || path.basename(absPath);

	const usedPhaseIds = new Set<string>();
	const planPhases: Phase[] = [];
	for (const draft of phases) {
		if (draft.tasks.length === 0) continue; // headings of empty or placeholder-only phases
		// The id leaves out asides: "Setup (Shared Infrastructure)" → setup.
		const base = slug(draft.title.replace(/[ \t]*[(（][^()（）]*[)）]/g, '')) || slug(draft.title);
		const phaseId = uniqueSlug(
			base || (draft.number ? `phase-${slug(draft.number)}` : `phase-${planPhases.length + 1}`),
			usedPhaseIds,
		);
		planPhases.push({
			id: phaseId,
			title: draft.title,
			steps: buildSteps(draft, phaseId, occurrences, {warn}),
			gate: {checks: [], approve: true, tag: true},
		});
	}

	// No test command: tasks.md names none. The plan check warns "no phase is tested" once.

	const stem = path.basename(absPath, path.extname(absPath));
	const folder = path.basename(featureDir);
	const id = slug(stem.toLowerCase() === 'tasks' || /^\d+[-_]/.test(folder) ? folder : stem) || 'tasks';
	const plan: Plan = {
		id,
		title: docTitle || id,
		agents: {},
		strict: false,
		max_files: 25,
		phases: planPhases,
		source: planSource(absPath, 'speckit', text),
		speckit: {featureDir, tasksPath: absPath, contextFiles, tasksRel},
	};
	return {plan, warnings};
}

/**
 * Where the text of a task line starts, or -1 when the line is not one: what
 * /^[ \t]*[-*+][ \t]+\[[ xX]\][ \t]+(.*)$/ would capture, without a match array and three strings
 * per line. The checkbox's mark is the character two before the closing bracket.
 */
export function taskTextAt(line: string): number {
	const n = line.length;
	let i = 0;
	while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
	const bullet = line.charCodeAt(i);
	if (bullet !== 45 && bullet !== 42 && bullet !== 43) return -1; // - * +
	i++;
	const afterBullet = i;
	while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
	if (i === afterBullet || line.charCodeAt(i) !== 91 || line.charCodeAt(i + 2) !== 93) return -1; // [ ]
	const mark = line.charCodeAt(i + 1);
	if (mark !== 32 && mark !== 120 && mark !== 88) return -1; // ' ' x X
	i += 3;
	const afterBox = i;
	while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
	if (i === afterBox) return -1;
	// "." stops at line separators: the pattern fails on a line that holds one.
	return line.indexOf('\u2028', i) === -1 && line.indexOf('\u2029', i) === -1 ? i : -1;
}

/** The checkbox of a line that taskTextAt accepted: done unless it is "[ ]". */
function checkboxDone(line: string): boolean {
	return line.charCodeAt(line.indexOf('[') + 1) !== 32;
}

/**
 * The end (the closing bracket) of a "[P]"-style marker at `pos` ("[P]", "[US1]", "[P1]": one to
 * sixteen characters, none of them white space), or -1.
 */
function markerEnd(text: string, pos: number): number {
	if (text.charCodeAt(pos) !== 91) return -1; // [
	const limit = Math.min(text.length, pos + 18);
	for (let i = pos + 1; i < limit; i++) {
		const c = text.charCodeAt(i);
		if (c === 93) return i > pos + 1 ? i : -1; // ]
		if (isSpace(c)) return -1;
	}
	return -1;
}

function parseTask(line: string, taskText: string, idMatch: RegExpExecArray, lineNo: number, phase: PhaseDraft): TaskDraft {
	const head = taskText.trim();
	const baseId = idMatch[2]!;
	// A position in head instead of a new string per marker: "T001 [P] [US1] Description".
	let pos = skipSpace(head, idMatch[0].length);
	let parallel = false;
	let story: string | undefined;
	// "T001: …", "T001 - …"
	if (ID_SEPARATORS.includes(head[pos] ?? '\n')) {
		pos++;
		while (head[pos] === ' ' || head[pos] === '\t') pos++;
	}
	for (;;) {
		const end = markerEnd(head, pos);
		if (end === -1) break;
		const c = head.charCodeAt(pos + 1);
		if (end === pos + 2 && (c === 80 || c === 112)) parallel = true; // P p
		else {
			const label = head.slice(pos + 1, end);
			if (STORY.test(label)) story ??= label;
			else if (!PRIORITY.test(label)) break;
		}
		pos = skipSpace(head, end + 1);
	}
	return {
		id: baseId,
		baseId,
		line: lineNo,
		indent: indentOf(line),
		done: checkboxDone(line),
		parallel,
		story,
		head,
		description: head.slice(pos).trim(),
		phase,
	};
}

/** The first position at or after `from` that trimStart would keep. */
function skipSpace(text: string, from: number): number {
	let i = from;
	while (i < text.length && isSpace(text.charCodeAt(i))) i++;
	return i;
}

interface BuildContext {
	warn: (line: number | undefined, message: string, fix?: string) => void;
}

/**
 * Steps of one phase with explicit depends_on: a task waits for the previous non-[P] task of its
 * phase; a non-[P] task also waits for the [P] tasks since then (the whole parallel batch); the
 * first task of a phase waits for nothing (phases run one after another). "depends on T012" in
 * the text adds edges to earlier tasks. A [P] task that names a file of an earlier [P] task of the
 * same batch waits for it, so a parallel batch never shares a file.
 */
function buildSteps(
	draft: PhaseDraft,
	phaseId: string,
	occurrences: Map<string, TaskDraft[]>,
	ctx: BuildContext,
): Step[] {
	const steps: Step[] = [];
	let lastSerial: string | undefined;
	let batch: string[] = [];
	let batchFiles = new Map<string, string>();
	let batchGlobs: Array<{id: string; match: (p: string) => boolean; glob: string}> = [];
	// Indexed loops: this runs once per task of the file, mostly before the JIT compiles it, and a
	// for…of there allocates an iterator and a result object per element.
	const tasks = draft.tasks;
	for (let t = 0; t < tasks.length; t++) {
		const task = tasks[t]!;
		const files = extractPaths(task.description);
		const deps: string[] = [];
		if (task.parallel) {
			if (lastSerial) deps.push(lastSerial);
			for (let f = 0; f < files.length; f++) {
				const file = files[f]!;
				const shared = sharedWith(file, batchFiles, batchGlobs);
				if (shared && !deps.includes(shared)) {
					deps.push(shared);
					ctx.warn(task.line, `[P] task ${task.id} names ${file}, as does ${shared}: it runs after ${shared}`,
						`drop [P] from ${task.id} or split the file`);
				}
			}
			batch.push(task.id);
			for (let f = 0; f < files.length; f++) {
				const file = files[f]!;
				if (hasGlob(file)) batchGlobs.push({id: task.id, glob: file, match: picomatch(file, {dot: true})});
				else batchFiles.set(file, task.id);
			}
		} else {
			if (lastSerial) deps.push(lastSerial);
			for (let k = 0; k < batch.length; k++) deps.push(batch[k]!);
			lastSerial = task.id;
			batch = [];
			batchFiles = new Map();
			batchGlobs = [];
		}
		const refs = explicitDeps(task.description);
		for (let r = 0; r < refs.length; r++) {
			const ref = refs[r]!;
			const target = resolveRef(ref, task, occurrences);
			if (!target) {
				ctx.warn(task.line, `task ${task.id} depends on ${ref}, which is not an earlier task: dependency ignored`,
					`refer to a task above line ${task.line}`);
			} else if (target !== task.id && !deps.includes(target)) {
				deps.push(target);
			}
		}
		const step: Step = {
			id: task.id,
			title: shorten(task.description) || `Task ${task.baseId}`,
			phaseId,
			agent: undefined,
			prompt: taskPrompt(task),
			files,
			depends_on: deps,
			parallel: task.parallel,
			done: task.done,
			sourceLine: task.line,
		};
		if (task.story) step.story = task.story;
		steps.push(step);
	}
	return steps;
}

function sharedWith(
	file: string,
	literals: Map<string, string>,
	globs: Array<{id: string; match: (p: string) => boolean; glob: string}>,
): string | undefined {
	if (hasGlob(file)) {
		const matcher = picomatch(file, {dot: true});
		for (const [literal, id] of literals) if (matcher(literal)) return id;
		const prefix = staticPrefix(file);
		for (const g of globs) {
			const other = staticPrefix(g.glob);
			if (prefix.startsWith(other) || other.startsWith(prefix)) return g.id;
		}
		return undefined;
	}
	const direct = literals.get(file);
	if (direct) return direct;
	for (let i = 0; i < globs.length; i++) if (globs[i]!.match(file)) return globs[i]!.id;
	return undefined;
}

function hasGlob(p: string): boolean {
	return /[*?{]/.test(p);
}

function staticPrefix(glob: string): string {
	const at = glob.search(/[*?{[]/);
	return at === -1 ? glob : glob.slice(0, at);
}

/** What explicitDeps returns for the usual task: one empty list, read only. */
const NO_REFS: readonly string[] = [];

function explicitDeps(description: string): readonly string[] {
	// Every reference the pattern below yields is an upper-case T and a digit: most tasks have none.
	if (!/T\d/.test(description)) return NO_REFS;
	const refs: string[] = [];
	EXPLICIT_DEP.lastIndex = 0;
	for (let m = EXPLICIT_DEP.exec(description); m; m = EXPLICIT_DEP.exec(description)) {
		const list = m[1]!;
		// "T012-T015" / "T012 to T015": a range of ids with the same width.
		const range = /^T(\d+)[ \t]*(?:-|–|to)[ \t]*T(\d+)$/.exec(list);
		if (range && range[1]!.length === range[2]!.length) {
			const from = Number(range[1]);
			const to = Number(range[2]);
			if (to >= from && to - from <= 200) {
				for (let n = from; n <= to; n++) refs.push(`T${String(n).padStart(range[1]!.length, '0')}`);
				continue;
			}
		}
		for (const id of list.match(/T\d+[a-z]?/g) ?? []) refs.push(id);
	}
	return refs;
}

/** The latest task with that id above the referring line (ids may repeat in template files). */
function resolveRef(ref: string, from: TaskDraft, occurrences: Map<string, TaskDraft[]>): string | undefined {
	const list = occurrences.get(ref);
	if (!list) return undefined;
	let best: TaskDraft | undefined;
	for (const t of list) if (t.line < from.line) best = t;
	return best?.id;
}

/**
 * The task as written: its line, wrapped lines, then sub-bullets and paragraphs under it. Where it
 * comes from and the feature files to read are added by buildPrompt (plan/speckit-prompt.ts), once
 * per prompt instead of once per step of the plan.
 */
function taskPrompt(task: TaskDraft): string {
	let body = task.wrapped ? [task.head, ...task.wrapped].join('\n') : task.head;
	if (task.extra) body += `\n${dedent(task.extra).join('\n')}`;
	return body;
}

function dedent(lines: string[]): string[] {
	let min = Infinity;
	for (const l of lines) if (l.trim() !== '') min = Math.min(min, indentOf(l));
	if (!Number.isFinite(min) || min === 0) return lines.map((l) => l.replace(/[ \t]+$/, ''));
	return lines.map((l) => stripIndent(l, min).replace(/[ \t]+$/, ''));
}

function stripIndent(line: string, width: number): string {
	let col = 0;
	let i = 0;
	while (i < line.length && col < width && (line[i] === ' ' || line[i] === '\t')) {
		col += line[i] === '\t' ? 4 - (col % 4) : 1;
		i++;
	}
	return line.slice(i);
}

function addExtra(task: TaskDraft, line: string): void {
	(task.extra ??= []).push(line);
}

function addWrapped(task: TaskDraft, line: string): void {
	const more = line.trim();
	(task.wrapped ??= []).push(more);
	task.description = task.description ? `${task.description} ${more}` : more;
}

function isLazyContinuation(line: string): boolean {
	const t = line.trimStart();
	if (t === '' || BULLET.test(line)) return false;
	return !/^(?:[#>|<`~*_=]|-{3,}|\d{1,9}[.)][ \t])/.test(t);
}

/** Columns of leading whitespace (a tab advances to the next multiple of 4). */
function indentOf(line: string): number {
	let col = 0;
	for (let i = 0; i < line.length; i++) {
		const ch = line[i];
		if (ch === ' ') col++;
		else if (ch === '\t') col += 4 - (col % 4);
		else break;
	}
	return col;
}

function matchFenceOpen(line: string): {char: string; len: number} | null {
	let at = 0;
	while (at < line.length && isSpace(line.charCodeAt(at))) at++;
	const code = line.charCodeAt(at);
	if (code !== 96 && code !== 126) return null; // ` ~
	const ch = line[at]!;
	let n = 0;
	while (line[at + n] === ch) n++;
	if (n < 3) return null;
	// A backtick fence's info string may not contain backticks.
	if (ch === '`' && line.indexOf('`', at + n) !== -1) return null;
	return {char: ch, len: n};
}

/** What String.prototype.trim removes (ASCII and Unicode white space, line terminators, BOM). */
function isSpace(c: number): boolean {
	if (c === 32 || (c >= 9 && c <= 13)) return true;
	if (c < 160) return false;
	return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function isFenceClose(line: string, ch: string, len: number): boolean {
	const t = line.trim();
	if (t.length < len) return false;
	for (let i = 0; i < t.length; i++) if (t[i] !== ch) return false;
	return true;
}

function matchHeading(line: string): {level: number; text: string} | null {
	let i = 0;
	while (i < 3 && line[i] === ' ') i++;
	let level = 0;
	while (line[i + level] === '#') level++;
	if (level === 0 || level > 6) return null;
	const after = line[i + level];
	if (after !== undefined && after !== ' ' && after !== '\t') return null;
	let text = line.slice(i + level).trim();
	// Closing hashes: "## Setup ##"
	let end = text.length;
	while (end > 0 && text[end - 1] === '#') end--;
	if (end < text.length && (end === 0 || text[end - 1] === ' ' || text[end - 1] === '\t')) text = text.slice(0, end).trim();
	return {level, text};
}

function matchPhase(text: string): {number: string; title: string} | null {
	const m = PHASE_HEADING.exec(text);
	if (!m) return null;
	const rest = text.slice(m[0].length).replace(/^[ \t]*[:：.\-–—]?[ \t]*/, '');
	const title = cleanTitle(rest);
	return {number: m[1]!, title: title || `Phase ${m[1]}`};
}

/**
 * A heading without its decorations: "User Story 1 - Title (Priority: P1) 🎯 MVP" →
 * "User Story 1 - Title"; "Tests First (TDD) ⚠️ MUST COMPLETE BEFORE 3.3" → "Tests First (TDD)".
 */
export function cleanTitle(text: string): string {
	let t = text;
	const emoji = t.search(/\p{Extended_Pictographic}/u);
	if (emoji > 0 && t.slice(0, emoji).trim() !== '') t = t.slice(0, emoji);
	t = t.replace(/[\p{Extended_Pictographic}\uFE0F\u200D]/gu, '');
	t = t.replace(/[ \t]*[(（\[][ \t]*(?:priority[ \t]*[:：]?[ \t]*)?P\d+[ \t]*[)）\]][ \t]*$/i, '');
	t = t.replace(/[ \t]*[-–—]?[ \t]*\bMVP[ \t]*$/, '');
	t = t.replace(/\s+/g, ' ').trim();
	return t.replace(/[ \t]*[-–—:：,][ \t]*$/, '').trim();
}

/** ASCII slug: "User Story 1 - 版本创建 (P1)" → "user-story-1". */
export function slug(text: string): string {
	const s = text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	if (s.length <= 48) return s;
	const cut = s.slice(0, 48);
	const dash = cut.lastIndexOf('-');
	return dash > 24 ? cut.slice(0, dash) : cut;
}

function uniqueSlug(base: string, used: Set<string>): string {
	let id = base;
	for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
	used.add(id);
	return id;
}

/** A title of about 80 characters, cut at a word when there is one. */
function shorten(text: string): string {
	if (text.length <= TITLE_MAX) return text;
	let cut = text.slice(0, TITLE_MAX - 1);
	// Do not split a surrogate pair.
	if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
	const space = cut.lastIndexOf(' ');
	if (space >= TITLE_MAX - 20) cut = cut.slice(0, space);
	let end = cut.length;
	while (end > 0 && ' \t,;:.-–—'.includes(cut[end - 1]!)) end--;
	return `${cut.slice(0, end)}…`;
}

function toPosix(p: string): string {
	return path.sep === '/' ? p : p.split(path.sep).join('/');
}
