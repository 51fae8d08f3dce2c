// Small text helpers for fixed-width rows.
import stringWidth from 'string-width';
import {stripAnsi} from '../agents/sanitize.js';
import type {FileChange, StepStatus} from '../types.js';

/** Cuts a plain string to `width` columns, marking the cut with an ellipsis. */
export function fit(text: string, width: number): string {
	if (width <= 0) return '';
	if (stringWidth(text) <= width) return text;
	let out = '';
	for (const ch of text) {
		if (stringWidth(out + ch) > width - 1) break;
		out += ch;
	}
	return out + '…';
}

/** Pads (or cuts) to exactly `width` columns. */
export function pad(text: string, width: number): string {
	const cut = fit(text, width);
	return cut + ' '.repeat(Math.max(0, width - stringWidth(cut)));
}

/**
 * Patch text comes straight from `git diff`: file contents may hold escape sequences or other
 * control bytes. Make them visible and inert instead of letting the terminal act on them.
 */
export function inertLine(line: string): string {
	return line
		.replace(/\t/g, '    ')
		.replace(/\x1b/g, '␛')
		// eslint-disable-next-line no-control-regex
		.replace(/[\x00-\x08\x0a-\x1f\x7f\x9b]/g, '?');
}

export const STEP_ICON: Record<Exclude<StepStatus, 'running'>, string> = {
	pending: '○',
	done: '✓',
	failed: '✗',
	skipped: '↷',
	rolled_back: '↺',
};

export const STEP_COLOR: Record<StepStatus, string | undefined> = {
	pending: 'gray',
	running: 'yellow',
	done: 'green',
	failed: 'red',
	skipped: 'gray',
	rolled_back: 'magenta',
};

export function fileTotals(files: readonly FileChange[]): {added: number; removed: number} {
	let added = 0;
	let removed = 0;
	for (const f of files) {
		added += f.added;
		removed += f.removed;
	}
	return {added, removed};
}

/** "M src/api.ts +52 −0" columns: status, path, counts. */
export function fileCounts(file: FileChange): string {
	return file.binary ? 'binary' : `+${file.added} −${file.removed}`;
}

/** Cuts from the start ("…/api/export.ts"): the end of a path says the most. */
export function fitStart(text: string, width: number): string {
	if (width <= 0) return '';
	if (stringWidth(text) <= width) return text;
	const chars = [...text];
	let out = '';
	for (let i = chars.length - 1; i >= 0; i--) {
		if (stringWidth(chars[i] + out) > width - 1) break;
		out = chars[i] + out;
	}
	return '…' + out;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Terminal cells the string takes (escape sequences take none; wide characters take two).
 * Here, not in agents/sanitize.ts: string-width builds an emoji expression and an Intl.Segmenter
 * when it loads (~90 ms), which a headless run should not pay.
 */
export function visibleWidth(s: string): number {
	const plain = stripAnsi(s);
	if (PRINTABLE_ASCII.test(plain)) return plain.length;
	return stringWidth(plain);
}
