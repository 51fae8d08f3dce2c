// Agent output made safe to draw inside a pane: colours (SGR) stay, everything that moves the
// cursor, clears the screen, sets titles, writes the clipboard or talks to the terminal goes.
import {eastAsianWidth} from 'get-east-asian-width';

const TAB = 8;

// One pass over a line. Alternatives, in order:
//  1. strings: OSC (ESC ]), DCS (ESC P), SOS (ESC X), PM (ESC ^), APC (ESC _) and their 8-bit
//     forms, up to BEL / ST / the end of the line (an unterminated one swallows the rest, as a
//     terminal would). OSC 8 hyperlinks lose both sequences and keep the text between them.
//  2. CSI (ESC [ or 8-bit 0x9B): groups params, intermediates, final.
//  3. any other ESC sequence (ESC c, ESC 7, ESC ( B, ESC =, ...), or a lone ESC.
//  4. C0 controls except tab, DEL, C1 controls.
const SEQUENCE =
	/(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)|(?:\x1b\[|\x9b)([0-?]*)([ -/]*)([@-~]|$)|\x1b[ -/]*[0-~]?|[\x00-\x08\x0a-\x1a\x1c-\x1f\x7f-\x9f]/g;

/** Same sequences as SEQUENCE, without the bare control characters. */
const ANSI =
	/(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)|(?:\x1b\[|\x9b)[0-?]*[ -/]*(?:[@-~]|$)|\x1b[ -/]*[0-~]?/g;

/** Anything that needs work: a control character (tab included, it must be expanded). */
const NEEDS_WORK = /[\x00-\x1f\x7f-\x9f]/;

const SGR = /\x1b\[[0-9;:]*m/g;
const SGR_PARAMS = /^[0-9;:]*$/;
const RESET_ONLY = /^[0;:]*$/;

// State of the current replace pass (sanitizeLine is synchronous, so module state is safe).
let sgrOpen = false;

function replaceSequence(match: string, params?: string, intermediates?: string, final?: string): string {
	if (final === 'm' && intermediates === '' && SGR_PARAMS.test(params!)) {
		sgrOpen = !RESET_ONLY.test(params!);
		return `\x1b[${params}m`;
	}
	return '';
}

/**
 * One raw line of agent output → one line that is safe to render: SGR colours kept (and reset at
 * the end when left open), every other escape or control sequence removed, `\r` progress
 * collapsed to what a terminal would finally show, tabs expanded to spaces.
 */
export function sanitizeLine(line: string): string {
	if (!NEEDS_WORK.test(line)) return line;
	let text = line;
	if (text.includes('\r')) text = collapseCarriageReturns(text);
	sgrOpen = false;
	text = text.replace(SEQUENCE, replaceSequence);
	if (text.includes('\t')) text = expandTabs(text);
	if (sgrOpen) text += '\x1b[0m';
	return text;
}

/** "50%\r75%\r100%" → "100%": the text after the last \r, with the colours set before it. */
function collapseCarriageReturns(line: string): string {
	let end = line.length;
	while (end > 0 && line.charCodeAt(end - 1) === 13) end--;
	const cut = line.lastIndexOf('\r', end - 1);
	if (cut === -1) return end === line.length ? line : line.slice(0, end);
	const colours = line.slice(0, cut).match(SGR);
	const rest = line.slice(cut + 1, end);
	return colours ? colours.join('') + rest : rest;
}

function expandTabs(text: string): string {
	const parts = text.split('\t');
	let out = parts[0];
	let column = cells(parts[0]);
	for (let i = 1; i < parts.length; i++) {
		const pad = TAB - (column % TAB);
		out += ' '.repeat(pad) + parts[i];
		column += pad + cells(parts[i]);
	}
	return out;
}

const C1_INTRODUCER = /[\x90-\x9f]/;

/** Every escape sequence removed (colours too); plain characters, tabs and newlines kept. */
export function stripAnsi(s: string): string {
	if (!s.includes('\x1b') && !C1_INTRODUCER.test(s)) return s;
	return s.replace(ANSI, '');
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}\p{Cc}]/u;

/**
 * Terminal cells of a piece of line, for tab stops: code points by their East Asian width,
 * marks and format characters none. Not string-width (the UI's measure): it builds an emoji
 * expression and an Intl.Segmenter when it loads (~90 ms), which headless runs need not pay;
 * an emoji sequence joined by ZWJ counts a little wide here, which moves a tab stop at worst.
 */
function cells(text: string): number {
	if (PRINTABLE_ASCII.test(text)) return text.length;
	let n = 0;
	for (const ch of stripAnsi(text)) if (!ZERO_WIDTH.test(ch)) n += eastAsianWidth(ch.codePointAt(0)!);
	return n;
}
