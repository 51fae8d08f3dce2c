import {describe, expect, it} from 'vitest';
import {sanitizeLine, stripAnsi} from '../../source/agents/sanitize.js';
import {visibleWidth} from '../../source/ui/text.js';

const ESC = '\x1b';
const RESET = `${ESC}[0m`;

/** What may remain after sanitizing: SGR sequences and printable text. */
function expectInert(line: string): void {
	expect(line.replace(/\x1b\[[0-9;:]*m/g, '')).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
}

describe('sanitizeLine', () => {
	it.each([
		['plain text stays as it is', 'hello world', 'hello world'],
		['empty line', '', ''],
		['unicode untouched', 'café 中文 😀', 'café 中文 😀'],
		['clear screen and home', `${ESC}[2J${ESC}[Hcleared`, 'cleared'],
		['erase in line', `abc${ESC}[K`, 'abc'],
		['erase whole line', `${ESC}[2Kabc`, 'abc'],
		['cursor up / down / position', `a${ESC}[1Ab${ESC}[3Bc${ESC}[10;20Hd${ESC}[5Ge`, 'abcde'],
		['scroll region and private modes', `${ESC}[1;24r${ESC}[?25l${ESC}[?1049hx${ESC}[?2004h`, 'x'],
		['OSC title with BEL', `${ESC}]0;evil title\x07after`, 'after'],
		['OSC title with ST', `${ESC}]2;evil title${ESC}\\after`, 'after'],
		['OSC 52 clipboard write', `${ESC}]52;c;ZWNobyBoYWNrZWQ=\x07ok`, 'ok'],
		['OSC 8 hyperlink keeps its text', `see ${ESC}]8;id=1;https://example.com${ESC}\\the docs${ESC}]8;;${ESC}\\ now`, 'see the docs now'],
		['unterminated OSC swallows the rest', `ok${ESC}]0;never ends`, 'ok'],
		['DCS string', `a${ESC}P1$r0m${ESC}\\b`, 'ab'],
		['APC and PM strings', `a${ESC}_Gf=100;payload${ESC}\\b${ESC}^private${ESC}\\c`, 'abc'],
		['SOS string', `a${ESC}Xsos${ESC}\\b`, 'ab'],
		['reset terminal ESC c', `${ESC}cfresh`, 'fresh'],
		['save/restore cursor ESC 7 / ESC 8', `${ESC}7a${ESC}8b`, 'ab'],
		['charset designation ESC ( B', `${ESC}(Bx${ESC})0y`, 'xy'],
		['keypad modes and reverse index', `${ESC}=${ESC}>${ESC}Mz`, 'z'],
		['a lone ESC at the end', `text${ESC}`, 'text'],
		['unterminated CSI at the end', `text${ESC}[31`, 'text'],
		['C0 controls dropped (bell, NUL, form feed, vertical tab)', 'a\x07b\x00c\x0cd\x0be', 'abcde'],
		['DEL dropped', 'a\x7fb', 'ab'],
		['backspaces removed', 'abc\b\bd', 'abcd'],
		['8-bit CSI (C1) removed', 'a\u009b2Jb', 'ab'],
		['8-bit OSC removed', 'a\u009d0;title\u0007b', 'ab'],
		['other C1 controls removed', 'a\u0085b\u008dc', 'abc'],
		['\\r progress keeps the text after the last \\r', 'progress 10%\rprogress 50%\rprogress 100%', 'progress 100%'],
		['trailing \\r is not a progress reset', 'done 100%\r', 'done 100%'],
		['\\r followed by erase-line', `50%\r${ESC}[K100%`, '100%'],
		['tab to the next stop of 8', 'a\tb', 'a       b'],
		['tabs at several columns', '\tx\tyy\tzzzzzzzz\t!', '        x       yy      zzzzzzzz        !'],
		['tab stops count cells, not escape codes', `${ESC}[1mab${ESC}[22m\tc`, `${ESC}[1mab${ESC}[22m      c${RESET}`], // 22 is not a full reset: one is added
		['tab stops count wide characters as two cells', '中\tx', '中      x'],
	])('%s', (_name, input, expected) => {
		const out = sanitizeLine(input);
		expect(out).toBe(expected);
		expectInert(out);
	});

	it('keeps SGR colours, including 256 and truecolour forms', () => {
		const line = `${ESC}[1;31mbold red${ESC}[0m ${ESC}[38;5;208morange${ESC}[39m ${ESC}[38:2::255:0:0mtc${ESC}[m`;
		expect(sanitizeLine(line)).toBe(line);
	});

	it('appends a reset when the line leaves a colour open', () => {
		expect(sanitizeLine(`${ESC}[31mred`)).toBe(`${ESC}[31mred${RESET}`);
		expect(sanitizeLine(`${ESC}[31mred${ESC}[0m then ${ESC}[42mgreen bg`)).toBe(
			`${ESC}[31mred${ESC}[0m then ${ESC}[42mgreen bg${RESET}`,
		);
		expect(sanitizeLine(`${ESC}[0;32mgreen`)).toBe(`${ESC}[0;32mgreen${RESET}`);
	});

	it('adds no reset when the colour is closed', () => {
		expect(sanitizeLine(`${ESC}[31mred${ESC}[0m`)).toBe(`${ESC}[31mred${ESC}[0m`);
		expect(sanitizeLine(`${ESC}[31mred${ESC}[m`)).toBe(`${ESC}[31mred${ESC}[m`);
		expect(sanitizeLine(`${ESC}[2Kplain`)).toBe('plain');
	});

	it('drops SGR look-alikes that are not colours (private or with intermediates)', () => {
		expect(sanitizeLine(`a${ESC}[>4;2mb${ESC}[?1mc`)).toBe('abc');
	});

	it('keeps the colour set before a \\r for the text after it', () => {
		expect(sanitizeLine(`${ESC}[32m 10%\r 100%`)).toBe(`${ESC}[32m 100%${RESET}`);
	});

	it('everything at once ends inert and keeps the visible words', () => {
		const line = `${ESC}[?25l${ESC}]0;t\x07${ESC}[2K\r${ESC}[36m⠋${ESC}[39m Building\t${ESC}]8;;http://x\x07link${ESC}]8;;\x07\x07${ESC}[1A\b`;
		const out = sanitizeLine(line);
		expectInert(out);
		expect(stripAnsi(out)).toBe('⠋ Building      link');
	});

	it('a long hostile line stays linear', () => {
		const unit = `${ESC}[31mx${ESC}[0m${ESC}[2K\x07${ESC}]0;t\x07`;
		const line = unit.repeat(20_000);
		const t0 = Date.now();
		const out = sanitizeLine(line);
		expect(Date.now() - t0).toBeLessThan(1000);
		expect(stripAnsi(out)).toBe('x'.repeat(20_000));
	});
});

describe('stripAnsi', () => {
	it('removes all escape sequences, colours included, and keeps text', () => {
		expect(stripAnsi(`${ESC}[1;31mred${ESC}[0m ${ESC}]8;;u${ESC}\\link${ESC}]8;;${ESC}\\ ${ESC}[2Kdone`)).toBe('red link done');
		expect(stripAnsi('no escapes\there')).toBe('no escapes\there');
	});
});

describe('visibleWidth', () => {
	it('counts cells: escape codes none, CJK and emoji two', () => {
		expect(visibleWidth('hello')).toBe(5);
		expect(visibleWidth(`${ESC}[31mhello${ESC}[0m`)).toBe(5);
		expect(visibleWidth('中文')).toBe(4);
		expect(visibleWidth('😀!')).toBe(3);
		expect(visibleWidth('café')).toBe(4);
		expect(visibleWidth('')).toBe(0);
	});
});
