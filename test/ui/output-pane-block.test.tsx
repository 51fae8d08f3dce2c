// The output pane draws plain ASCII lines as one text block: it must look exactly like the
// row-per-line rendering it replaces (cut with an ellipsis, padded by the pane, colours untouched).
import {describe, expect, test} from 'vitest';
import {plainBlock} from '../../source/ui/components/output-pane.js';
import {renderApp, samplePlan, startStep, storeFor} from './helpers.js';

describe('plainBlock', () => {
	test('joins plain lines and cuts long ones like truncate-end', () => {
		expect(plainBlock(['a', '', 'abcdef'], 4)).toBe('a\n\nabc…');
		expect(plainBlock(['abcd'], 4)).toBe('abcd');
		expect(plainBlock([], 4)).toBe('');
	});

	test('gives up on colours, tabs left over and wide characters', () => {
		expect(plainBlock(['ok', '\x1b[31mred\x1b[0m'], 10)).toBeNull();
		expect(plainBlock(['日本'], 10)).toBeNull();
		expect(plainBlock(['a\tb'], 10)).toBeNull();
	});
});

describe('output pane rows', () => {
	test('plain and coloured output render the same text in the same place', async () => {
		const long = 'x'.repeat(200);
		const plain = storeFor(samplePlan());
		startStep(plain, 'T001');
		plain.getState().appendOutput(new Map([['T001', ['first', '', long, 'last']]]));
		const coloured = storeFor(samplePlan());
		startStep(coloured, 'T001');
		coloured.getState().appendOutput(new Map([['T001', ['first', '', long, '\x1b[32mlast\x1b[0m']]]));
		const a = await renderApp(plain);
		const b = await renderApp(coloured);
		const rows = (frame: string) => frame.split('\n').filter(line => /│(first|x+…|last) *│/.test(line));
		expect(rows(a.frame())).toHaveLength(3);
		expect(rows(a.frame())).toEqual(rows(b.frame()));
		a.unmount();
		b.unmount();
	});
});
