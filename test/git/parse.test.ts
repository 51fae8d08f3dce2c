import {describe, expect, it} from 'vitest';
import {
	formatMessage,
	mergeChanges,
	parseAddVerbose,
	parseCommitSummary,
	parseNameStatus,
	parseNumstat,
	parsePorcelainPaths,
	parseRawNumstat,
	parseTrailers,
} from '../../source/git/parse.js';

describe('parseNameStatus', () => {
	it('reads -z records, renames with both paths, copies as added', () => {
		const text = 'M\0a.ts\0A\0new file.ts\0D\0gone\0R087\0old/x.ts\0new/x.ts\0C100\0src\0copy\0T\0link\0';
		expect(parseNameStatus(text)).toEqual([
			{status: 'M', path: 'a.ts'},
			{status: 'A', path: 'new file.ts'},
			{status: 'D', path: 'gone'},
			{status: 'R', path: 'new/x.ts', oldPath: 'old/x.ts'},
			{status: 'A', path: 'copy'},
			{status: 'M', path: 'link'},
		]);
	});

	it('accepts --raw records', () => {
		const text = ':100644 100644 d68dd40 3ec703c M\0a\0:100644 100644 e69de29 e69de29 R100\0sp ace\0sp2\0';
		expect(parseNameStatus(text)).toEqual([
			{status: 'M', path: 'a'},
			{status: 'R', path: 'sp2', oldPath: 'sp ace'},
		]);
	});

	it('returns nothing for empty output', () => {
		expect(parseNameStatus('')).toEqual([]);
	});
});

describe('parseNumstat', () => {
	it('reads counts, binary files and renames', () => {
		const text = '1\t0\ta\0-\t-\tbin\x003\t2\t\0old name\0new name\0';
		expect(parseNumstat(text)).toEqual([
			{path: 'a', added: 1, removed: 0, binary: false},
			{path: 'bin', added: 0, removed: 0, binary: true},
			{path: 'new name', oldPath: 'old name', added: 3, removed: 2, binary: false},
		]);
	});

	it('keeps tabs and newlines inside names', () => {
		expect(parseNumstat('2\t1\ta\tb\nc\0')).toEqual([{path: 'a\tb\nc', added: 2, removed: 1, binary: false}]);
	});
});

describe('parseRawNumstat / mergeChanges', () => {
	it('merges one `diff --raw --numstat -z` output by path', () => {
		const text =
			':100644 100644 d68dd40 3ec703c M\0a\0:000000 100644 0000000 8352675 A\0bin\0:100644 100644 e69de29 e69de29 R100\0sp ace\0sp2\0' +
			'1\t0\ta\0-\t-\tbin\x000\t0\t\0sp ace\0sp2\0';
		expect(parseRawNumstat(text)).toEqual([
			{path: 'a', status: 'M', added: 1, removed: 0},
			{path: 'bin', status: 'A', added: 0, removed: 0, binary: true},
			{path: 'sp2', status: 'R', added: 0, removed: 0, oldPath: 'sp ace'},
		]);
	});

	it('gives zero counts to a path numstat does not list', () => {
		expect(mergeChanges([{status: 'D', path: 'x'}], [])).toEqual([{path: 'x', status: 'D', added: 0, removed: 0}]);
	});
});

describe('parsePorcelainPaths', () => {
	it('lists paths, a rename by its new name, and skips the source path', () => {
		expect(parsePorcelainPaths(' M a.ts\0R  new.ts\0old.ts\0?? dir/\0?? sp ace\0')).toEqual(['a.ts', 'new.ts', 'dir/', 'sp ace']);
	});
});

describe('parseAddVerbose', () => {
	it('reads add and remove lines', () => {
		expect(parseAddVerbose("add 'a b'\nremove 'c'\nadd 'qu'ote'\n")).toEqual(['a b', 'c', "qu'ote"]);
		expect(parseAddVerbose('')).toEqual([]);
	});

	it('gives up (null) on a line it cannot read', () => {
		expect(parseAddVerbose("add 'new\nline'\n")).toBeNull();
	});
});

describe('parseCommitSummary', () => {
	it('reads the hash and the file count', () => {
		const hash = 'c4d80c9a270fdef56a17b25fe759ba4514a965b1';
		expect(parseCommitSummary(`[main ${hash}] T001 do it\n 3 files changed, 2 insertions(+)\n`)).toEqual({hash, filesChanged: 3});
		expect(parseCommitSummary(`[master (root-commit) ${hash}] x\n 1 file changed, 1 insertion(+)\n create mode 100644 a\n`)).toEqual({
			hash,
			filesChanged: 1,
		});
		expect(parseCommitSummary(`[detached HEAD ${hash}] x\n`)).toEqual({hash, filesChanged: null});
		expect(parseCommitSummary('nothing to commit')).toBeNull();
	});
});

describe('trailers', () => {
	it('formats a message with a trailer block and reads it back', () => {
		const message = formatMessage('orchestrator(x): T001 Title\n', {'Orchestrator-Step': 'x/T001', Other: 'a\nb'});
		expect(message).toBe('orchestrator(x): T001 Title\n\nOrchestrator-Step: x/T001\nOther: a b\n');
		expect(parseTrailers(message)).toEqual([
			['Orchestrator-Step', 'x/T001'],
			['Other', 'a b'],
		]);
	});

	it('finds no trailers in a one-paragraph message', () => {
		expect(parseTrailers('Orchestrator-Step: x/T001')).toEqual([]);
		expect(formatMessage('subject', {})).toBe('subject\n');
	});
});
