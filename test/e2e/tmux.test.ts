// The real binary in a real terminal: tmux at 120×40, keys with send-keys, the screen with
// capture-pane. Covers what ink-testing-library cannot: raw mode, the alternate screen and
// its restoration, a second terminal tailing the same session.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {CLI, cleanupTempDirs, git, makeRepo, memoryFile, readJson, tempDir, writeFiles} from '../helpers/repo.js';

const hasTmux = (() => {
	try {
		execFileSync('tmux', ['-V'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();

const socket = `orch-e2e-${process.pid}`;
function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
}
function screen(target: string): string {
	return tmux('capture-pane', '-p', '-t', target);
}
async function waitFor(target: string, predicate: (text: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
	const end = Date.now() + timeoutMs;
	let text = '';
	while (Date.now() < end) {
		text = screen(target);
		if (predicate(text)) return text;
		await new Promise(r => setTimeout(r, 150));
	}
	throw new Error(`timed out waiting for ${what}; screen was:\n${text}`);
}

const PLAN = `id: e2e
title: Terminal test
phases:
  - id: first
    title: First phase
    steps:
      - id: T001
        title: Write the greeting
        run: "echo 'hello from T001'; printf 'hello\\\\n' > greeting.txt"
        files: [greeting.txt]
    gate:
      checks: ["test -f greeting.txt"]
  - id: second
    title: Second phase
    steps:
      - id: T002
        title: Slow worker
        run: "for i in 1 2 3 4 5 6 7 8; do echo \\"working $i\\"; sleep 0.4; done; echo done > work.txt"
        files: [work.txt]
    gate:
      checks: ["test -f work.txt"]
`;

describe.skipIf(!hasTmux)('full-screen UI in tmux', () => {
	let repo: string;
	let exitFile: string;

	beforeAll(() => {
		if (!fs.existsSync(CLI)) execFileSync('npm', ['run', 'build', '--silent'], {cwd: path.dirname(path.dirname(CLI))});
	});
	afterEach(() => {
		try {
			tmux('kill-server');
		} catch {}
	});
	afterAll(() => {
		cleanupTempDirs();
		// kill-server leaves the server's socket file in tmux's folder: one per test run otherwise.
		fs.rmSync(path.join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid!()}`, socket), {force: true});
	});

	test('gate, approve, tail from a second window, roll back with confirmation, quit restores the terminal', async () => {
		repo = makeRepo();
		writeFiles(repo, {'plan.yaml': PLAN});
		exitFile = path.join(tempDir(), 'exit');
		const command = `cd ${repo} && env -u CI node ${CLI} run plan.yaml; echo $? > ${exitFile}; sleep 60`;
		tmux('new-session', '-d', '-s', 'run', '-x', '120', '-y', '40', command);

		// The first gate waits: board, output and gate are all on screen.
		let text = await waitFor('run', t => t.includes('GATE') && t.includes('[a] approve') && t.includes('hello from T001'), 'the first gate');
		expect(text).toContain('First phase');
		expect(text).toContain('T001');
		expect(text).toContain('hello from T001');
		expect(text).toContain('greeting.txt');
		expect(tmux('display', '-p', '-t', 'run', '#{alternate_on}').trim()).toBe('1');

		// a approves: the phase is tagged and the slow step starts.
		tmux('send-keys', '-t', 'run', 'a');
		text = await waitFor('run', t => /working \d/.test(t), 'the second step running');
		expect(git(repo, 'tag', '--list')).toContain('orchestrator/e2e/first');

		// A second terminal tails the same session and shows the same running step.
		tmux('new-window', '-d', '-t', 'run', '-n', 'tail', `cd ${repo} && env -u CI node ${CLI} tail; sleep 60`);
		const tail = await waitFor('run:tail', t => t.includes('read-only') && t.includes('T002') && /working \d/.test(t), 'tail showing T002');
		expect(tail).toContain('Slow worker');
		expect(tail).not.toContain('[a] approve');
		tmux('send-keys', '-t', 'run:tail', 'q');

		// The second gate: b asks first; n keeps everything; b then y rolls back to the first phase.
		text = await waitFor('run', t => t.includes('GATE') && t.includes('Second phase') && t.includes('[b] roll back'), 'the second gate waiting for a decision');
		const secondHead = git(repo, 'rev-parse', 'HEAD');
		tmux('send-keys', '-t', 'run', 'b');
		await waitFor('run', t => /\[y\] yes/.test(t), 'the rollback question');
		tmux('send-keys', '-t', 'run', 'n');
		await waitFor('run', t => !/\[y\] yes/.test(t) && t.includes('[b] roll back'), 'the gate again after n');
		expect(git(repo, 'rev-parse', 'HEAD')).toBe(secondHead);
		tmux('send-keys', '-t', 'run', 'b');
		await waitFor('run', t => /\[y\] yes/.test(t), 'the rollback question');
		tmux('send-keys', '-t', 'run', 'y');
		const firstTag = git(repo, 'rev-parse', 'orchestrator/e2e/first^{commit}');
		const end = Date.now() + 15_000;
		while (git(repo, 'rev-parse', 'HEAD') !== firstTag && Date.now() < end) await new Promise(r => setTimeout(r, 150));
		expect(git(repo, 'rev-parse', 'HEAD')).toBe(firstTag);
		expect(fs.existsSync(path.join(repo, 'work.txt'))).toBe(false);
		await waitFor('run', t => t.includes('↺') || /paused/i.test(t), 'the rolled-back step on the board');

		// q leaves: no alternate screen, cursor visible, the state saved.
		tmux('send-keys', '-t', 'run', 'q');
		await waitFor('run', () => fs.existsSync(exitFile), 'the process to exit');
		expect(tmux('display', '-p', '-t', 'run', '#{alternate_on}').trim()).toBe('0');
		expect(tmux('display', '-p', '-t', 'run', '#{cursor_flag}').trim()).toBe('1');
		const state = readJson(memoryFile(repo, 'current-phase.json'));
		expect(state.session.steps.T002.status).toBe('rolled_back');
		expect(state.phases_completed).toEqual(['first']);
	}, 90_000);

	test('resize down to 60×15 and below, Ctrl-C stops the agent and restores the terminal; SIGTERM too', async () => {
		for (const signal of ['C-c', 'TERM'] as const) {
			const repo = makeRepo();
			const pidFile = path.join(tempDir(), 'agent.pid');
			writeFiles(repo, {
				'plan.yaml': `id: stop\ntitle: Stop test\nphases:\n  - id: only\n    title: Only phase\n    steps:\n      - id: T001\n        title: Long runner\n        run: "echo $$ > ${pidFile}; for i in $(seq 1 600); do echo tick $i; sleep 0.1; done"\n    gate:\n      checks: ["true"]\n`,
			});
			const exit = path.join(tempDir(), 'exit');
			tmux('new-session', '-d', '-s', 'stop', '-x', '120', '-y', '40', `cd ${repo} && env -u CI node ${CLI} run plan.yaml; echo $? > ${exit}; sleep 60`);
			await waitFor('stop', t => /tick \d+/.test(t), 'the agent output');
			if (signal === 'C-c') {
				// The layout follows the terminal down to 60×15; below that one line says so.
				tmux('resize-window', '-t', 'stop', '-x', '60', '-y', '15');
				const small = await waitFor('stop', t => t.includes('Phases') && t.split('\n').some(l => l.includes('tick')), 'the 60×15 layout');
				expect(Math.max(...small.split('\n').map(l => l.trimEnd().length))).toBeLessThanOrEqual(60);
				tmux('resize-window', '-t', 'stop', '-x', '50', '-y', '10');
				await waitFor('stop', t => /too small/i.test(t), 'the too-small line');
				tmux('resize-window', '-t', 'stop', '-x', '120', '-y', '40');
				await waitFor('stop', t => t.includes('Long runner'), 'the full layout again');
				tmux('send-keys', '-t', 'stop', 'C-c');
			} else {
				const pane = tmux('display', '-p', '-t', 'stop', '#{pane_pid}').trim();
				const node = execFileSync('pgrep', ['-P', pane, '-f', 'cli.js'], {encoding: 'utf8'}).trim().split('\n')[0];
				process.kill(Number(node), 'SIGTERM');
			}
			const deadline = Date.now() + 15_000;
			while (!fs.existsSync(exit) && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
			expect(fs.readFileSync(exit, 'utf8').trim()).toBe('130');
			expect(tmux('display', '-p', '-t', 'stop', '#{alternate_on}').trim()).toBe('0');
			expect(tmux('display', '-p', '-t', 'stop', '#{cursor_flag}').trim()).toBe('1');
			const agentPid = Number(fs.readFileSync(pidFile, 'utf8').trim());
			expect(() => process.kill(agentPid, 0)).toThrow();
			const state = readJson(memoryFile(repo, 'current-phase.json'));
			expect(state.status).toBe('interrupted');
			tmux('kill-server');
		}
	}, 90_000);
});
