// The one key table: the input handler dispatches through it and the help overlay lists it,
// so a key can never work without being documented (or be documented without working).
import type {Key} from 'ink';
import type {Decision} from '../types.js';

export type Command =
	| 'approve'
	| 'retry'
	| 'rollback'
	| 'fix'
	| 'skip'
	| 'pause'
	| 'focusNext'
	| 'focusPrev'
	| 'down'
	| 'up'
	| 'pageDown'
	| 'pageUp'
	| 'top'
	| 'bottom'
	| 'select'
	| 'back'
	| 'help'
	| 'quit'
	| 'interrupt';

export type KeyGroup = 'decision' | 'session' | 'navigation' | 'app';

export interface KeyBinding {
	command: Command;
	/** How the keys are written in the status bar and the help. */
	label: string;
	/** Short name for the status bar. */
	short: string;
	/** One line for the help overlay. */
	help: string;
	group: KeyGroup;
	/** For decision keys: what `decide()` receives. */
	decision?: Decision;
	/** Changes the session: not offered in read-only mode (tail). */
	mutates?: boolean;
	match(input: string, key: Key): boolean;
}

const letter = (ch: string) => (input: string, key: Key) => input === ch && !key.ctrl && !key.meta;

export const KEYMAP: readonly KeyBinding[] = [
	{command: 'approve', label: 'a', short: 'approve', help: 'approve the open gate', group: 'decision', decision: 'approve', mutates: true, match: letter('a')},
	{command: 'retry', label: 'r', short: 'retry', help: "retry the failed step, or re-run the gate's checks", group: 'decision', decision: 'retry', mutates: true, match: letter('r')},
	{command: 'rollback', label: 'b', short: 'roll back', help: 'roll back to the last checkpoint (asks y/n)', group: 'decision', decision: 'rollback', mutates: true, match: letter('b')},
	{command: 'fix', label: 'f', short: 'fix forward', help: 'fix forward: run the bug-fixer agent with the failure', group: 'decision', decision: 'fix', mutates: true, match: letter('f')},
	{command: 'skip', label: 's', short: 'skip', help: 'skip the failed step (asks y/n)', group: 'decision', decision: 'skip', mutates: true, match: letter('s')},
	{command: 'pause', label: 'p', short: 'pause', help: 'pause after the current step / continue', group: 'session', mutates: true, match: letter('p')},
	{command: 'focusNext', label: 'tab', short: 'focus', help: 'focus the next pane: board, output, diff', group: 'navigation', match: (_i, key) => key.tab && !key.shift},
	{command: 'focusPrev', label: 'shift+tab', short: 'focus back', help: 'focus the previous pane', group: 'navigation', match: (_i, key) => key.tab && key.shift},
	{command: 'down', label: 'j ↓', short: 'down', help: 'move down / scroll down in the focused pane', group: 'navigation', match: (input, key) => key.downArrow || letter('j')(input, key)},
	{command: 'up', label: 'k ↑', short: 'up', help: 'move up / scroll up in the focused pane', group: 'navigation', match: (input, key) => key.upArrow || letter('k')(input, key)},
	{command: 'pageDown', label: 'PgDn', short: 'page down', help: 'one page down (diff: scroll the patch)', group: 'navigation', match: (_i, key) => key.pageDown},
	{command: 'pageUp', label: 'PgUp', short: 'page up', help: 'one page up (diff: scroll the patch)', group: 'navigation', match: (_i, key) => key.pageUp},
	{command: 'top', label: 'g', short: 'top', help: 'go to the first row / the top', group: 'navigation', match: (input, key) => letter('g')(input, key) || key.home},
	{command: 'bottom', label: 'G', short: 'end', help: 'go to the last row / the end (output: follow again)', group: 'navigation', match: (input, key) => letter('G')(input, key) || key.end},
	{command: 'select', label: 'enter', short: 'show step', help: "on the board: pin that step's output and diff (again: follow the running step)", group: 'navigation', match: (_i, key) => key.return},
	{command: 'back', label: 'esc', short: 'back', help: 'close help or a question; unpin the shown step', group: 'navigation', match: (_i, key) => key.escape},
	{command: 'help', label: '?', short: 'help', help: 'show or hide this help', group: 'app', match: letter('?')},
	{command: 'quit', label: 'q', short: 'quit', help: 'quit (asks y/n while an agent runs; the state is saved either way)', group: 'app', match: letter('q')},
	{command: 'interrupt', label: 'ctrl+c', short: 'interrupt', help: 'interrupt at once: stop the running agents and leave', group: 'app', match: (input, key) => input === '\u0003' || (key.ctrl && input === 'c')},
];

/** The binding of a keypress, or undefined. Ctrl-C is checked first: it must always work. */
export function bindingFor(input: string, key: Key): KeyBinding | undefined {
	const interrupt = KEYMAP.find(b => b.command === 'interrupt');
	if (interrupt?.match(input, key)) return interrupt;
	return KEYMAP.find(b => b.match(input, key));
}

export function bindingOf(command: Command): KeyBinding {
	const binding = KEYMAP.find(b => b.command === command);
	if (!binding) throw new Error(`no key binding for ${command}`);
	return binding;
}

/** The decision keys the open gate offers, in table order. */
export function decisionBindings(options: readonly Decision[]): KeyBinding[] {
	return KEYMAP.filter(b => b.decision !== undefined && options.includes(b.decision));
}
