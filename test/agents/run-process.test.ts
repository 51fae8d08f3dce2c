import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {formatDuration, runProcess, killAllGroups, type RunResult} from '../../source/agents/run-process.js';
import {isGroupAlive, isProcessAlive, killGroup, liveGroups, stopGroup} from '../../source/agents/kill-tree.js';
import {LineSplitter} from '../../source/agents/line-splitter.js';
import {sanitizeLine} from '../../source/agents/sanitize.js';
import {seeded} from '../helpers/seeded.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/agents');
const fixture = (name: string) => path.join(fixtures, name);
const node = process.execPath;

let tmp: string;
beforeAll(() => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-run-'));
});
afterAll(() => {
	fs.rmSync(tmp, {recursive: true, force: true});
});

/** Gone = no such process, or a zombie (this container's init never reaps orphans). */
function gone(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch {
		return true;
	}
	return !isProcessAlive(pid);
}

function collect() {
	const lines: Array<[string, 'stdout' | 'stderr']> = [];
	return {lines, onLine: (line: string, stream: 'stdout' | 'stderr') => lines.push([line, stream])};
}

function pidFrom(lines: Array<[string, string]>, label: string): number {
	const found = lines.find(([line]) => line.startsWith(`${label} `));
	if (!found) throw new Error(`no "${label}" line in ${JSON.stringify(lines)}`);
	return Number(found[0].slice(label.length + 1));
}

describe('runProcess: exit, streams, log, env, cwd', () => {
	it('interleaves stdout and stderr lines in arrival order into onLine and the log', async () => {
		const {lines, onLine} = collect();
		const logPath = path.join(tmp, 'deep', 'logs', 'T001.log');
		const result = await runProcess({
			argv: [node, fixture('interleave.mjs'), '0'],
			cwd: tmp,
			env: {ORCH_TEST_VAR: 'hello from env'},
			logPath,
			onLine,
		});
		expect(result.outcome).toBe('exited');
		expect(result.exitCode).toBe(0);
		expect(result.signal).toBeNull();
		expect(result.error).toBeUndefined();
		expect(lines).toEqual([
			['out 1', 'stdout'],
			['err 1', 'stderr'],
			['out 2', 'stdout'],
			['err 2', 'stderr'],
			['out 3', 'stdout'],
			['err 3', 'stderr'],
			['env hello from env', 'stdout'],
			[`cwd ${fs.realpathSync(tmp)}`, 'stdout'],
			['no newline at the end', 'stdout'],
		]);
		expect(result.lines).toBe(9);
		const log = fs.readFileSync(logPath, 'utf8');
		expect(result.bytes).toBe(Buffer.byteLength(log));
		expect(log).toBe(
			'out 1\nerr 1\r\nout 2\nerr 2\r\nout 3\nerr 3\r\n' +
				`env hello from env\ncwd ${fs.realpathSync(tmp)}\nno newline at the end`,
		);
		expect(result.durationMs).toBeGreaterThan(100);
	});

	it('onLines gets the same lines as onLine, a chunk at a time, in order', async () => {
		const one = collect();
		const script = 'for i in $(seq 1 20000); do echo "line $i"; echo "err $i" >&2; done; printf tail';
		await runProcess({argv: ['bash', '-c', script], cwd: tmp, onLine: one.onLine});
		const batched: Array<[string, 'stdout' | 'stderr']> = [];
		let calls = 0;
		const result = await runProcess({
			argv: ['bash', '-c', script],
			cwd: tmp,
			onLines: (lines, stream) => {
				calls++;
				for (const line of lines) batched.push([line, stream]);
			},
		});
		const byStream = (all: Array<[string, string]>, stream: string) => all.filter(([, s]) => s === stream).map(([l]) => l);
		expect(byStream(batched, 'stdout')).toEqual(byStream(one.lines, 'stdout'));
		expect(byStream(batched, 'stderr')).toEqual(byStream(one.lines, 'stderr'));
		expect(byStream(batched, 'stdout').at(-1)).toBe('tail');
		expect(result.lines).toBe(40_001);
		expect(calls).toBeLessThan(40_001);
	});

	it('reports a non-zero exit code with a one-line error and appends to an existing log', async () => {
		const logPath = path.join(tmp, 'append.log');
		fs.writeFileSync(logPath, 'earlier run\n');
		const result = await runProcess({argv: ['bash', '-c', 'echo failing; exit 3'], cwd: tmp, logPath});
		expect(result).toMatchObject({outcome: 'exited', exitCode: 3, error: 'exited with code 3', lines: 1});
		expect(fs.readFileSync(logPath, 'utf8')).toBe('earlier run\nfailing\n');
	});

	it('leaves the parent environment in, env overrides it', async () => {
		const {lines, onLine} = collect();
		process.env.ORCH_PARENT_ONLY = 'parent';
		try {
			await runProcess({
				argv: ['bash', '-c', 'echo "$ORCH_PARENT_ONLY $HOME_OVERRIDE"'],
				cwd: tmp,
				env: {HOME_OVERRIDE: 'child'},
				onLine,
			});
		} finally {
			delete process.env.ORCH_PARENT_ONLY;
		}
		expect(lines).toEqual([['parent child', 'stdout']]);
	});

	it('feeds input on stdin, and stdin is closed (not inherited) without it', async () => {
		const withInput = collect();
		await runProcess({argv: ['cat'], cwd: tmp, input: 'first\nsecond', onLine: withInput.onLine});
		expect(withInput.lines.map(([line]) => line)).toEqual(['first', 'second']);

		// cat on an ignored stdin reads EOF at once instead of waiting on the terminal.
		const without = await runProcess({argv: ['cat'], cwd: tmp, timeoutMs: 3000});
		expect(without).toMatchObject({outcome: 'exited', exitCode: 0, lines: 0});
	});

	it('gives onSpawn the pid, which leads its own process group', async () => {
		let spawned = 0;
		const {lines, onLine} = collect();
		await runProcess({
			argv: ['bash', '-c', 'echo "$$ $(ps -o pgid= -p $$)"'],
			cwd: tmp,
			onSpawn: (pid) => (spawned = pid),
			onLine,
		});
		const [pid, pgid] = lines[0][0].trim().split(/\s+/).map(Number);
		expect(spawned).toBeGreaterThan(1);
		expect(pid).toBe(spawned);
		expect(pgid).toBe(spawned);
		expect(pgid).not.toBe(process.pid);
		expect(liveGroups()).not.toContain(spawned);
	});

	it('a throwing onLine does not crash the run', async () => {
		const result = await runProcess({
			argv: ['bash', '-c', 'echo one; echo two'],
			cwd: tmp,
			onLine: () => {
				throw new Error('consumer bug');
			},
		});
		expect(result).toMatchObject({outcome: 'exited', exitCode: 0, lines: 2});
		expect(result.error).toBe('output handler failed: consumer bug');
	});
});

describe('runProcess: spawn errors never throw', () => {
	it('a missing executable', async () => {
		const result = await runProcess({argv: ['orch-no-such-command-xyz', '--flag'], cwd: tmp});
		expect(result.outcome).toBe('spawn-error');
		expect(result.error).toBe('orch-no-such-command-xyz: not found (ENOENT)');
		expect(result.exitCode).toBeNull();
	});

	it('a file that is not executable', async () => {
		const file = path.join(tmp, 'not-executable.sh');
		fs.writeFileSync(file, 'echo hi\n', {mode: 0o644});
		const result = await runProcess({argv: [file], cwd: tmp});
		expect(result.outcome).toBe('spawn-error');
		expect(result.error).toBe(`${file}: permission denied (EACCES)`);
	});

	it('a missing cwd, an empty argv, an unwritable log', async () => {
		const missing = path.join(tmp, 'nope');
		expect(await runProcess({argv: ['true'], cwd: missing})).toMatchObject({
			outcome: 'spawn-error',
			error: `cwd ${missing}: not found (ENOENT)`,
		});
		expect((await runProcess({argv: [], cwd: tmp})).outcome).toBe('spawn-error');
		const blocker = path.join(tmp, 'a-file');
		fs.writeFileSync(blocker, '');
		const result = await runProcess({argv: ['true'], cwd: tmp, logPath: path.join(blocker, 'x.log')});
		expect(result.outcome).toBe('spawn-error');
		expect(result.error).toMatch(/^log .*x\.log: .*\((EEXIST|ENOTDIR)\)$/);
		for (const r of [result]) expect(r.error).not.toContain('\n');
	});
});

describe('runProcess: stopping kills the whole group', () => {
	it('timeout: outcome, one-line error, grandchildren gone, well under 5 s', async () => {
		const {lines, onLine} = collect();
		const t0 = Date.now();
		let leader = 0;
		const result = await runProcess({
			argv: ['bash', fixture('grandchild.sh')],
			cwd: tmp,
			timeoutMs: 400,
			onLine,
			onSpawn: (pid) => (leader = pid),
		});
		expect(Date.now() - t0).toBeLessThan(3000);
		expect(result.outcome).toBe('timeout');
		expect(result.error).toBe('timed out after 400ms');
		expect(result.signal).toBe('SIGTERM');
		const grandchild = pidFrom(lines, 'grandchild');
		const foreground = pidFrom(lines, 'foreground');
		expect(gone(grandchild)).toBe(true);
		expect(gone(foreground)).toBe(true);
		expect(isGroupAlive(leader)).toBe(false);
	});

	it('the same with the brief\'s one-liner `sleep 100 & sleep 100`', async () => {
		let leader = 0;
		const result = await runProcess({
			argv: ['bash', '-c', 'sleep 100 & sleep 100'],
			cwd: tmp,
			timeoutMs: 300,
			onSpawn: (pid) => (leader = pid),
		});
		expect(result.outcome).toBe('timeout');
		expect(isGroupAlive(leader)).toBe(false);
	});

	it('stall: prints once then hangs → stopped after stallMs of silence', async () => {
		const {lines, onLine} = collect();
		const t0 = Date.now();
		const result = await runProcess({argv: [node, fixture('print-then-hang.mjs')], cwd: tmp, stallMs: 500, onLine});
		const elapsed = Date.now() - t0;
		expect(result.outcome).toBe('stalled');
		expect(result.error).toBe('no output for 500ms');
		expect(lines).toEqual([['started', 'stdout']]);
		expect(elapsed).toBeGreaterThanOrEqual(450);
		expect(elapsed).toBeLessThan(3000);
	});

	it('stall is measured from the last output, not from the start', async () => {
		// Prints every 100 ms for 0.8 s: never silent for 500 ms, so it is not stalled.
		const result = await runProcess({
			argv: ['bash', '-c', 'for i in 1 2 3 4 5 6 7 8; do echo $i; sleep 0.1; done'],
			cwd: tmp,
			stallMs: 500,
		});
		expect(result).toMatchObject({outcome: 'exited', exitCode: 0, lines: 8});
	});

	it('abort via AbortSignal stops the group', async () => {
		const controller = new AbortController();
		const {lines, onLine} = collect();
		const promise = runProcess({
			argv: ['bash', fixture('grandchild.sh')],
			cwd: tmp,
			signal: controller.signal,
			onLine: (line, stream) => {
				onLine(line, stream);
				if (line.startsWith('foreground')) controller.abort();
			},
		});
		const result = await promise;
		expect(result.outcome).toBe('aborted');
		expect(result.error).toBe('aborted');
		expect(gone(pidFrom(lines, 'grandchild'))).toBe(true);
		expect(gone(pidFrom(lines, 'foreground'))).toBe(true);
	});

	it('an already aborted signal starts nothing', async () => {
		const controller = new AbortController();
		controller.abort();
		let spawned = false;
		const result = await runProcess({argv: ['true'], cwd: tmp, signal: controller.signal, onSpawn: () => (spawned = true)});
		expect(result.outcome).toBe('aborted');
		expect(spawned).toBe(false);
	});

	it('an abort that comes while the log file is being opened still stops the run', async () => {
		const controller = new AbortController();
		const promise = runProcess({
			argv: ['sleep', '100'],
			cwd: tmp,
			logPath: path.join(tmp, 'abort-early', 'x.log'),
			signal: controller.signal,
			timeoutMs: 3000,
		});
		controller.abort();
		expect((await promise).outcome).toBe('aborted');
	});

	it('SIGKILL follows SIGTERM after the grace period when SIGTERM is ignored', async () => {
		const {lines, onLine} = collect();
		const t0 = Date.now();
		const result = await runProcess({
			argv: ['bash', fixture('ignore-term.sh')],
			cwd: tmp,
			timeoutMs: 300,
			killGraceMs: 300,
			onLine,
		});
		expect(result.outcome).toBe('timeout');
		expect(result.signal).toBe('SIGKILL');
		expect(Date.now() - t0).toBeLessThan(3000);
		expect(gone(pidFrom(lines, 'child'))).toBe(true);
	});

	it('background processes left by a leader that exits are ended too (no orphans)', async () => {
		const {lines, onLine} = collect();
		const t0 = Date.now();
		// The background sleep keeps stdout open: without the group kill this would last 100 s.
		const result = await runProcess({argv: ['bash', '-c', 'sleep 100 & echo "bg $!"; exit 0'], cwd: tmp, onLine});
		expect(result).toMatchObject({outcome: 'exited', exitCode: 0});
		expect(Date.now() - t0).toBeLessThan(3000);
		expect(gone(pidFrom(lines, 'bg'))).toBe(true);
	});

	it('killAllGroups stops every running group synchronously', async () => {
		const spawned: number[] = [];
		const runs = [1, 2].map(() =>
			runProcess({argv: ['bash', '-c', 'sleep 100 & sleep 100'], cwd: tmp, onSpawn: (pid) => spawned.push(pid)}),
		);
		while (spawned.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
		expect(liveGroups()).toEqual(expect.arrayContaining(spawned));
		killAllGroups();
		for (const pid of spawned) expect(isGroupAlive(pid)).toBe(false);
		const results: RunResult[] = await Promise.all(runs);
		for (const result of results) expect(result).toMatchObject({outcome: 'aborted', error: 'stopped (SIGTERM)'});
		expect(liveGroups()).toEqual([]);
	});
});

describe('kill-tree for crash recovery', () => {
	it('stopGroup ends a group this process did not start through runProcess; killGroup refuses bad pids', async () => {
		const {spawn} = await import('node:child_process');
		const child = spawn('bash', ['-c', 'sleep 100 & sleep 100'], {detached: true, stdio: 'ignore'});
		const pid = child.pid!;
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(isGroupAlive(pid)).toBe(true);
		expect(await stopGroup(pid, 500)).toBe(true);
		expect(isGroupAlive(pid)).toBe(false);
		expect(killGroup(0, 0)).toBe(false);
		expect(killGroup(1, 0)).toBe(false);
		expect(killGroup(-5, 0)).toBe(false);
		expect(isGroupAlive(process.pid)).toBe(false);
	});
});

describe('runProcess: volume and bytes', () => {
	it('a flood of 200,000 lines arrives complete and in order, and the log has them all', async () => {
		const logPath = path.join(tmp, 'flood.log');
		let count = 0;
		let outOfOrder = 0;
		const t0 = Date.now();
		const result = await runProcess({
			argv: [node, fixture('flood.mjs'), '200000'],
			cwd: tmp,
			logPath,
			onLine: (line) => {
				count++;
				if (line !== `line ${count}`) outOfOrder++;
			},
		});
		const elapsed = Date.now() - t0;
		expect(result.outcome).toBe('exited');
		expect(count).toBe(200_000);
		expect(outOfOrder).toBe(0);
		expect(result.lines).toBe(200_000);
		const log = fs.readFileSync(logPath, 'utf8');
		expect(result.bytes).toBe(Buffer.byteLength(log));
		expect(log.split('\n').length - 1).toBe(200_000);
		expect(log.endsWith('line 200000\r\n')).toBe(true);
		expect(elapsed).toBeLessThan(10_000);
	});

	it('a producer that writes one line per write (many small chunks) loses nothing', async () => {
		const logPath = path.join(tmp, 'flood-lines.log');
		let count = 0;
		let outOfOrder = 0;
		const result = await runProcess({
			argv: [node, fixture('flood-lines.mjs'), '50000'],
			cwd: tmp,
			logPath,
			onLine: (line) => {
				count++;
				if (line !== `line ${count}`) outOfOrder++;
			},
		});
		expect(result).toMatchObject({outcome: 'exited', exitCode: 0, lines: 50_000});
		expect(count).toBe(50_000);
		expect(outOfOrder).toBe(0);
		const log = fs.readFileSync(logPath, 'utf8');
		expect(log.split('\n').length - 1).toBe(50_000);
		expect(result.bytes).toBe(Buffer.byteLength(log));
	});

	it('invalid UTF-8 and escape sequences: raw lines as printed, sanitized lines inert', async () => {
		const {lines, onLine} = collect();
		const result = await runProcess({argv: [node, fixture('hostile-output.mjs')], cwd: tmp, onLine});
		expect(result.outcome).toBe('exited');
		const raw = lines.map(([line]) => line);
		expect(raw[0]).toBe('bad \uFFFD\uFFFD \uFFFD(');
		expect(raw[2]).toContain('\x1b[1A'); // onLine gets the line unsanitized
		expect(raw.at(-1)).toBe('caf\u00e9 \u4e2d\u6587 ok'); // a character split across writes
		const shown = raw.map(sanitizeLine);
		expect(shown).toEqual([
			'bad \uFFFD\uFFFD \uFFFD(',
			'cleared',
			'updown',
			'title',
			'clip',
			'link text',
			'progress 100%',
			'\x1b[31mred and never reset\x1b[0m',
			'caf\u00e9 \u4e2d\u6587 ok',
		]);
		for (const line of shown) {
			// Nothing left but SGR sequences and printable text.
			expect(line.replace(/\x1b\[[0-9;:]*m/g, '')).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
		}
	});
});

describe('LineSplitter', () => {
	const split = (chunks: Array<string | number[]>, maxLine?: number) => {
		const out: string[] = [];
		const splitter = new LineSplitter((line) => out.push(line), maxLine);
		for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : Uint8Array.from(chunk));
		splitter.end();
		return out;
	};

	it('joins lines across chunks and handles \\n, \\r\\n and a \\r\\n split between chunks', () => {
		expect(split(['ab', 'c\nde', 'f\r', '\ng\r\n', '\n'])).toEqual(['abc', 'def', 'g', '']);
	});

	it('flushes the last line without a newline once, at the end', () => {
		const out: string[] = [];
		const splitter = new LineSplitter((line) => out.push(line));
		splitter.push(Buffer.from('one\ntwo'));
		expect(out).toEqual(['one']);
		splitter.end();
		splitter.end();
		expect(out).toEqual(['one', 'two']);
	});

	it('decodes a multi-byte character split between chunks, and invalid bytes as U+FFFD', () => {
		const euro = [...Buffer.from('€')]; // 3 bytes
		expect(split([[0x61, euro[0]], [euro[1]], [euro[2], 0x0a]])).toEqual(['a€']);
		expect(split([[0x61, 0xff, 0x62, 0x0a, 0xe2, 0x82]])).toEqual(['a\uFFFDb', '\uFFFD']);
		// An incomplete sequence right before a newline does not swallow it.
		expect(split([[0x61, 0xe2, 0x82, 0x0a, 0x62, 0x0a]])).toEqual(['a\uFFFD', 'b']);
	});

	it('decodes as TextDecoder does (invalid bytes, a byte order mark at the start only), whatever the chunks', () => {
		expect(split([[0xef, 0xbb], [0xbf, 0x61, 0x0a, 0xef, 0xbb, 0xbf, 0x62, 0x0a]])).toEqual(['a', '\uFEFFb']);
		const pick = seeded(7);
		const bytes = [0x00, 0x0a, 0x0d, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xbb, 0xf0, 0xf4, 0xf5, 0xff, 0x9f];
		for (let n = 0; n < 3000; n++) {
			const input = Array.from({length: 1 + pick(16)}, () => (pick(3) ? bytes[pick(bytes.length)]! : pick(256)));
			const chunks: number[][] = [];
			for (let i = 0; i < input.length; ) {
				const size = 1 + pick(4);
				chunks.push(input.slice(i, i + size));
				i += size;
			}
			const text = new TextDecoder('utf-8', {fatal: false}).decode(Uint8Array.from(input));
			const parts = text.split('\n');
			if (parts.at(-1) === '') parts.pop(); // the text ended with a newline: no unfinished line
			const expected = parts.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
			expect(split(chunks), Buffer.from(input).toString('hex')).toEqual(expected);
		}
	});

	it('cuts a line without newline into pieces of the maximum length', () => {
		const long = 'x'.repeat(200 * 1024);
		const out = split([long.slice(0, 70_000), long.slice(70_000), '\nnext\n']);
		expect(out.slice(0, -1).map((l) => l.length)).toEqual([65536, 65536, 65536, 200 * 1024 - 3 * 65536]);
		expect(out.at(-1)).toBe('next');
		// never splits a surrogate pair
		const emoji = split(['a' + '😀'.repeat(4) + '\n'], 4);
		expect(emoji.join('')).toBe('a' + '😀'.repeat(4));
		for (const piece of emoji) expect(piece).not.toMatch(/[\uD800-\uDBFF]$/);
	});

	it('is linear: 1 MiB of one-byte chunks', () => {
		const text = 'abcdefghi\n'.repeat(100_000);
		const bytes = Buffer.from(text);
		let n = 0;
		const splitter = new LineSplitter(() => n++);
		const t0 = Date.now();
		for (let i = 0; i < bytes.length; i += 7) splitter.push(bytes.subarray(i, i + 7));
		splitter.end();
		expect(n).toBe(100_000);
		expect(Date.now() - t0).toBeLessThan(3000);
	});
});

describe('formatDuration', () => {
	it('reads like a person would write it', () => {
		expect(formatDuration(250)).toBe('250ms');
		expect(formatDuration(1500)).toBe('1.5s');
		expect(formatDuration(30_000)).toBe('30s');
		expect(formatDuration(90_000)).toBe('1m30s');
		expect(formatDuration(120_000)).toBe('2m');
	});
});
