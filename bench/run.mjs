// The benchmark suite: `npm run bench` (builds dist/ first), or `node bench/run.mjs [case…] [--runs N]`
// after a build. Cases: checkpoint (issue 2), flood and keys (issue 3), import (issue 4), parallel (issue 5).
//
// Method (shared/notes/perf-anchors.md): every figure of ours is set against a baseline measured in
// the same run; baseline and ours alternate (A B, then B A, …) in fresh temp repos prepared outside
// the timing; each figure is the median of N runs and each ratio the median of the per-pair ratios.
// N defaults per case (RUNS below): more where one run is short and the machine's noise is large.
// Prints a table per case and writes it to bench/RESULTS.md: the sections of the cases run now are
// replaced, those of other cases are kept as they were.
// The whole suite takes a few minutes; nothing is installed at run time (no tmux: flood is skipped).
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, openSync, closeSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {setTimeout as sleep} from 'node:timers/promises';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// BENCH_CLI=path/to/cli.js times another build (an A/B of two builds, alternating calls).
const cli = process.env.BENCH_CLI ? path.resolve(process.env.BENCH_CLI) : path.join(root, 'dist/cli.js');
const resultsPath = path.join(root, 'bench/RESULTS.md');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const MEMORY_DIR = '.specify/agents/context/implementation';

// ---------------------------------------------------------------------------------------------
// Helpers

/** Runs a process; resolves with its exit code, wall ms (spawn to close) and captured output. */
function run(cmd, args, opts = {}) {
	return new Promise((resolve, reject) => {
		const start = performance.now();
		const child = spawn(cmd, args, {cwd: opts.cwd, env: opts.env ?? process.env, stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout?.setEncoding('utf8').on('data', (d) => (stdout += d));
		child.stderr?.setEncoding('utf8').on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code, signal) => resolve({code: code ?? signal, ms: performance.now() - start, stdout, stderr}));
	});
}

function sh(cmd, args, cwd) {
	const r = spawnSync(cmd, args, {cwd, encoding: 'utf8', maxBuffer: 64 << 20});
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}: ${r.stderr || r.stdout}`);
	return r.stdout;
}

/** cmd args wrapped in /usr/bin/time -v when present, so the peak RSS can be read afterwards. */
function timed(cmd, args, rssFile) {
	return TIME ? [TIME, ['-v', '-o', rssFile, cmd, ...args]] : [cmd, args];
}

/** Peak RSS in MiB from a /usr/bin/time -v report, or null. */
function peakMiB(rssFile) {
	if (!existsSync(rssFile)) return null;
	const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(rssFile, 'utf8'));
	return m ? Number(m[1]) / 1024 : null;
}

const median = (xs) => {
	const s = xs.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
	if (s.length === 0) return null;
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const range = (xs) => {
	const s = xs.filter((x) => x != null && Number.isFinite(x));
	return s.length ? [Math.min(...s), Math.max(...s)] : null;
};

const fmtMs = (ms) => (ms == null ? 'n/a' : ms >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);
const fmtMiB = (m) => (m == null ? 'n/a' : `${m.toFixed(0)} MiB`);
const fmtRatio = (r) => (r == null ? 'n/a' : `${r.toFixed(2)}×`);
const withRange = (fmt, xs) => {
	const r = range(xs);
	return r && xs.length > 1 ? `${fmt(median(xs))} (${fmt(r[0])}–${fmt(r[1])})` : fmt(median(xs));
};

function git(cwd, ...args) {
	return sh('git', args, cwd).trim();
}

/** A git repo with a committed identity that needs no global config. */
function initRepo(dir) {
	mkdirSync(dir, {recursive: true});
	git(dir, 'init', '-q', '-b', 'main');
	git(dir, 'config', 'user.name', 'bench');
	git(dir, 'config', 'user.email', 'bench@example.invalid');
	git(dir, 'config', 'commit.gpgsign', 'false');
	git(dir, 'config', 'gc.auto', '0');
}

function commitAll(dir, message) {
	git(dir, 'add', '-A');
	git(dir, 'commit', '-q', '-m', message);
}

const hasTmux = () => spawnSync('tmux', ['-V']).status === 0;

/** A tmux server of one case's own (own socket, no user config), for detached 120×40 sessions. */
function tmuxServer(name) {
	const socket = `orc-bench-${name}-${process.pid}`;
	const tmux = (...args) => spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {encoding: 'utf8'});
	return {
		tmux,
		/** Starts `command` in a detached 120×40 session, in `cwd` when given. */
		open(session, command, cwd) {
			const made = tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', session, ...(cwd ? ['-c', cwd] : []), command);
			if (made.status !== 0) throw new Error(`tmux new-session failed: ${made.stderr}`);
		},
		close() {
			tmux('kill-server');
			rmSync(path.join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid()}`, socket), {force: true});
		},
	};
}

/** `bash -c command` in a fresh copy of `template` with stdout on /dev/null: the baseline of an output case. */
async function toDevNull(template, dest, command, rssFile) {
	const repo = freshCopy(template, dest);
	const devnull = openSync('/dev/null', 'w');
	const [cmd, args] = rssFile ? timed('bash', ['-c', command], rssFile) : ['bash', ['-c', command]];
	const r = await run(cmd, args, {cwd: repo, stdio: ['ignore', devnull, 'pipe']});
	closeSync(devnull);
	if (r.code !== 0) throw new Error(`baseline exited ${r.code}: ${r.stderr}`);
	rmSync(repo, {recursive: true, force: true});
	return r.ms;
}

/** A fresh copy of a template repo, with the index's stat data refreshed outside any timing. */
function freshCopy(template, dest) {
	sh('cp', ['-a', template, dest], os.tmpdir());
	spawnSync('git', ['update-index', '-q', '--refresh'], {cwd: dest});
	return dest;
}

function readEvents(repo) {
	const file = path.join(repo, MEMORY_DIR, 'events.jsonl');
	if (!existsSync(file)) return [];
	const out = [];
	for (const line of readFileSync(file, 'utf8').split('\n')) {
		if (!line) continue;
		try {
			out.push(JSON.parse(line));
		} catch {
			// a line being written right now
		}
	}
	return out;
}

function tail(text, n = 4) {
	return text.trim().split('\n').slice(-n).join(' | ');
}

function machine() {
	const v = (cmd, args) => {
		const r = spawnSync(cmd, args, {encoding: 'utf8'});
		return r.status === 0 ? r.stdout.trim().split('\n')[0] : 'absent';
	};
	return {
		nproc: os.availableParallelism(),
		cpu: os.cpus()[0]?.model?.trim() ?? 'unknown',
		node: process.version,
		git: v('git', ['--version']).replace('git version ', ''),
		tmux: v('tmux', ['-V']).replace('tmux ', ''),
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		load: os.loadavg()[0].toFixed(1),
	};
}

function plan(id, steps, extra = '') {
	const lines = [`id: ${id}`, `title: Bench ${id}`, 'phases:', `  - id: ${id}`, `    title: ${id}`, '    steps:'];
	for (const s of steps) {
		lines.push(`      - id: ${s.id}`, `        title: ${s.title}`, `        run: ${JSON.stringify(s.run)}`);
		if (s.parallel) lines.push('        parallel: true');
		if (s.files) lines.push(`        files: [${s.files.join(', ')}]`);
	}
	lines.push('    gate:', '      approve: false', '      tag: false');
	return lines.join('\n') + '\n' + extra;
}

// ---------------------------------------------------------------------------------------------
// Cases. Each returns {title, rows: [{metric, baseline, ours, ratio, target, pass}], notes: []}.

/** Issue 2: 100 checkpointed steps in a 2,000-file repo against a bash loop making the same commits. */
async function checkpointCase({runs, tmp}) {
	const STEPS = 100;
	const FILES = 2000;
	const template = path.join(tmp, 'checkpoint-template');
	initRepo(template);
	mkdirSync(path.join(template, 'src'));
	for (let i = 1; i <= FILES; i++) writeFileSync(path.join(template, 'src', `f${i}.txt`), `file ${i}\n`);
	const steps = Array.from({length: STEPS}, (_, k) => ({id: `S${String(k + 1).padStart(3, '0')}`, title: `touch f${k + 1}`, run: `echo ${k + 1} >> src/f${k + 1}.txt`}));
	writeFileSync(path.join(template, 'plan.yaml'), plan('checkpoint', steps));
	commitAll(template, 'initial: 2,000 files');
	const baseScript = path.join(tmp, 'checkpoint-baseline.sh');
	writeFileSync(
		baseScript,
		[
			'set -e',
			'cd "$1"',
			`for i in $(seq 1 ${STEPS}); do`,
			'  bash -c "echo $i >> src/f$i.txt"',
			'  git add -A',
			'  git commit -q -m "step $i"',
			'done',
		].join('\n') + '\n',
	);

	// The floor of any Node program here: the same commands from a bare loop over child_process.spawn
	// (no execa, no simple-git, no bookkeeping), their output read and dropped.
	const nodeScript = path.join(tmp, 'checkpoint-node-floor.mjs');
	writeFileSync(
		nodeScript,
		[
			"import {spawn} from 'node:child_process';",
			'const cwd = process.argv[2];',
			"const run = (cmd, args) => new Promise((resolve, reject) => { const c = spawn(cmd, args, {cwd, stdio: ['ignore', 'pipe', 'pipe']}); c.stdout.resume(); c.stderr.resume(); c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`)))); });",
			`for (let i = 1; i <= ${STEPS}; i++) {`,
			"\tawait run('bash', ['-c', `echo ${i} >> src/f${i}.txt`]);",
			"\tawait run('git', ['add', '-A']);",
			"\tawait run('git', ['commit', '-q', '-m', `step ${i}`]);",
			'}',
		].join('\n') + '\n',
	);
	// The same loop through the two libraries the project is built on (execa for the agent, with the
	// runner's options; simple-git for git, with the commands ours runs: both print, so simple-git's
	// 50 ms wait for silent commands never applies): what the libraries cost before any code of ours.
	const libsScript = path.join(tmp, 'checkpoint-libs-floor.mjs');
	writeFileSync(
		libsScript,
		[
			`import {execa} from ${JSON.stringify(import.meta.resolve('execa'))};`,
			`import {simpleGit} from ${JSON.stringify(import.meta.resolve('simple-git'))};`,
			'const cwd = process.argv[2];',
			'const git = simpleGit({baseDir: cwd});',
			`for (let i = 1; i <= ${STEPS}; i++) {`,
			"	const agent = execa('bash', ['-c', `echo ${i} >> src/f${i}.txt`], {cwd, detached: true, cleanup: true, buffer: false, reject: false, stdin: 'ignore'});",
			'	agent.stdout.resume();',
			'	agent.stderr.resume();',
			'	if ((await agent).exitCode !== 0) throw new Error(`step ${i} failed`);',
			"	await git.raw(['add', '-A', '--verbose']);",
			"	await git.raw(['commit', '--no-verify', '-m', `step ${i}`]);",
			'}',
		].join('\n') + '\n',
	);
	const commands = {
		base: () => ['bash', [baseScript]],
		node: () => [process.execPath, [nodeScript]],
		libs: () => [process.execPath, [libsScript]],
		ours: () => [process.execPath, [cli, 'run', 'plan.yaml', '--headless', '--yes']],
	};

	const one = async (which, n) => {
		const repo = freshCopy(template, path.join(tmp, `checkpoint-${which}-${n}`));
		const rss = path.join(tmp, `checkpoint-${which}-${n}.time`);
		const [file, fileArgs] = commands[which]();
		const [cmd, args] = timed(file, which === 'ours' ? fileArgs : [...fileArgs, repo], rss);
		const r = await run(cmd, args, {cwd: repo, env: {...process.env, CI: '1'}});
		if (r.code !== 0) throw new Error(`${which} exited ${r.code}: ${tail(r.stderr || r.stdout)}`);
		const commits = Number(git(repo, 'rev-list', '--count', 'HEAD')) - 1;
		if (commits !== STEPS) throw new Error(`${which} made ${commits} commits, expected ${STEPS}`);
		const result = {ms: r.ms, rss: peakMiB(rss), split: which === 'ours' ? stepSplit(readEvents(repo)) : null};
		rmSync(repo, {recursive: true, force: true});
		return result;
	};

	await one('ours', 0); // warm-up: file cache, git's and node's first start
	const base = [];
	const ours = [];
	const floor = [];
	const libs = [];
	const programs = ['base', 'node', 'libs', 'ours'];
	for (let n = 1; n <= runs; n++) {
		const got = {};
		// Rotating order: each program runs first, second, … in turn.
		const shift = (n - 1) % programs.length;
		for (const which of [...programs.slice(shift), ...programs.slice(0, shift)]) got[which] = await one(which, n);
		base.push(got.base);
		ours.push(got.ours);
		floor.push(got.node);
		libs.push(got.libs);
		log(`  checkpoint run ${n}: bash ${fmtMs(got.base.ms)} · bare node ${fmtMs(got.node.ms)} · node + execa + simple-git ${fmtMs(got.libs.ms)} · ours ${fmtMs(got.ours.ms)}`);
	}
	const ratios = ours.map((o, i) => o.ms / base[i].ms);
	const ratio = median(ratios);
	const floorRatios = floor.map((f, i) => f.ms / base[i].ms);
	const overFloor = ours.map((o, i) => o.ms / floor[i].ms);
	const libsRatios = libs.map((l, i) => l.ms / base[i].ms);
	const overLibs = ours.map((o, i) => o.ms / libs[i].ms);
	const split = (key) => fmtMs(median(ours.map((o) => o.split?.[key])));
	const oursRss = median(ours.map((o) => o.rss));
	return {
		title: `checkpoint (issue 2): ${STEPS} shell steps, one commit each, in a ${FILES.toLocaleString('en')}-file repo`,
		rows: [
			{metric: 'whole run, wall', baseline: withRange(fmtMs, base.map((b) => b.ms)), ours: withRange(fmtMs, ours.map((o) => o.ms)), ratio: fmtRatio(ratio), target: '≤ 1.30×', pass: ratio != null && ratio <= 1.3},
			{metric: 'per step (wall / 100)', baseline: fmtMs(median(base.map((b) => b.ms)) / STEPS), ours: fmtMs(median(ours.map((o) => o.ms)) / STEPS), ratio: fmtRatio(ratio), target: '', pass: null},
			{metric: 'floor: the same commands from a bare Node loop (child_process.spawn, no libraries)', baseline: withRange(fmtMs, base.map((b) => b.ms)), ours: withRange(fmtMs, floor.map((f) => f.ms)), ratio: fmtRatio(median(floorRatios)), target: '', pass: null},
			{metric: 'ours against the bare Node loop', baseline: fmtMs(median(floor.map((f) => f.ms))), ours: fmtMs(median(ours.map((o) => o.ms))), ratio: fmtRatio(median(overFloor)), target: '', pass: null},
			{metric: 'floor with the libraries: the same loop with execa (agent) and simple-git (add, commit)', baseline: withRange(fmtMs, base.map((b) => b.ms)), ours: withRange(fmtMs, libs.map((l) => l.ms)), ratio: fmtRatio(median(libsRatios)), target: '', pass: null},
			{metric: 'ours against the loop with the libraries', baseline: fmtMs(median(libs.map((l) => l.ms))), ours: fmtMs(median(ours.map((o) => o.ms))), ratio: fmtRatio(median(overLibs)), target: '', pass: null},
			{metric: 'peak RSS', baseline: fmtMiB(median(base.map((b) => b.rss))), ours: fmtMiB(oursRss), ratio: '', target: '', pass: null},
		],
		notes: [
			'Baseline: a bash loop running the same 100 commands through `bash -c`, each followed by `git add -A; git commit -q`, in an identical fresh repo.',
			'Ours: `node dist/cli.js run plan.yaml --headless --yes` (one phase, a gate with no checks), whole process. All four checked to make exactly 100 commits.',
			'Floor: a 10-line Node script that spawns the same `bash -c`, `git add -A` and `git commit -q` with child_process.spawn and drops their output: what any Node program pays here for starting processes (a fork of a ~45 MB Node process instead of a ~6 MB bash), before any work of its own.',
			'Floor with the libraries: the same loop with the agent started by execa (the runner\'s options: own process group, streamed, not buffered) and git called through simple-git with the commands ours runs (`add -A --verbose`, `commit --no-verify`, both printing), all output dropped: what the two libraries the project is built on cost before any code of ours. The four programs run in rotating order.',
			`Ratio: median of the per-run ratios (${ratios.map((r) => r.toFixed(2)).join(', ')}).`,
			`Where ours spends a step (medians from events.jsonl): step_started → step_finished (agent, add, commit, diff) ${split('inside')}; step_finished → next step_started ${split('between')}; the rest of the process (node start-up, plan load, start checkpoint before the first step; gate, tag and summary after the last) ${fmtMs(median(ours.map((o) => o.split && o.ms - o.split.span)))}.`,
		],
	};
}

/** Medians of a run's per-step times from its events: inside a step, between steps, first to last. */
function stepSplit(events) {
	const inside = [];
	const between = [];
	let lastEnd = null;
	let first = null;
	let start = null;
	for (const e of events) {
		const t = Date.parse(e.time);
		if (e.type === 'step_started') {
			start = t;
			first ??= t;
			if (lastEnd != null) between.push(t - lastEnd);
		} else if (e.type === 'step_finished' && start != null) {
			inside.push(t - start);
			lastEnd = t;
		}
	}
	return first == null ? null : {inside: median(inside), between: median(between), span: lastEnd - first};
}

/** Issue 3: 200,000 lines printed line by line under the full UI in tmux, against the same command to /dev/null. */
async function floodCase({runs, tmp}) {
	const LINES = 200_000;
	if (!hasTmux()) return {title: 'flood (issue 3)', skipped: 'tmux is not installed on this machine: case skipped', rows: [], notes: []};
	const template = path.join(tmp, 'flood-template');
	initRepo(template);
	// One write per line: what a chatty agent does (seq writes 64 KB chunks and hides the cost).
	writeFileSync(path.join(template, 'flood.mjs'), 'const n = Number(process.argv[2]);\nfor (let i = 1; i <= n; i++) process.stdout.write(`line ${i} of the flood\\n`);\n');
	const command = `node flood.mjs ${LINES}`;
	writeFileSync(path.join(template, 'plan.yaml'), plan('flood', [{id: 'flood', title: `print ${LINES} lines`, run: command}]));
	commitAll(template, 'flood producer');
	const server = tmuxServer('flood');
	const {tmux} = server;

	const baseline = async (n) => {
		const rss = path.join(tmp, `flood-base-${n}.time`);
		const ms = await toDevNull(template, path.join(tmp, `flood-base-${n}`), command, rss);
		return {ms, rss: peakMiB(rss)};
	};

	// Floors: the agent's output into a regular file (what giving it its log file as stdout would
	// cost), the cheapest reader of a pipe (cat), and a bare Node reader (child_process.spawn with a
	// stdout pipe, chunks dropped): each costs the agent more per write than /dev/null, and a pipe
	// makes it wait whenever its reader is behind.
	const fileRun = async (n) => {
		const repo = freshCopy(template, path.join(tmp, `flood-file-${n}`));
		const r = await run('bash', ['-c', `${command} > ${JSON.stringify(path.join(tmp, `flood-file-${n}.log`))}`], {cwd: repo});
		if (r.code !== 0) throw new Error(`file floor exited ${r.code}: ${r.stderr}`);
		rmSync(repo, {recursive: true, force: true});
		rmSync(path.join(tmp, `flood-file-${n}.log`), {force: true});
		return {ms: r.ms};
	};
	const catRun = async (n) => {
		const repo = freshCopy(template, path.join(tmp, `flood-cat-${n}`));
		const r = await run('bash', ['-c', `${command} | cat > /dev/null`], {cwd: repo});
		if (r.code !== 0) throw new Error(`cat floor exited ${r.code}: ${r.stderr}`);
		rmSync(repo, {recursive: true, force: true});
		return {ms: r.ms};
	};
	const readerScript = path.join(tmp, 'flood-node-reader.mjs');
	writeFileSync(
		readerScript,
		[
			"import {spawn} from 'node:child_process';",
			'const start = performance.now();',
			"const c = spawn('bash', ['-c', process.argv[2]], {cwd: process.argv[3], stdio: ['ignore', 'pipe', 'pipe']});",
			"let bytes = 0;",
			"c.stdout.on('data', (d) => (bytes += d.length));",
			'c.stderr.resume();',
			"c.on('exit', () => console.log(JSON.stringify({ms: performance.now() - start, bytes})));",
		].join('\n') + '\n',
	);
	const nodeReader = async (n) => {
		const repo = freshCopy(template, path.join(tmp, `flood-reader-${n}`));
		const r = await run(process.execPath, [readerScript, command, repo]);
		if (r.code !== 0) throw new Error(`node reader exited ${r.code}: ${r.stderr}`);
		rmSync(repo, {recursive: true, force: true});
		return {ms: JSON.parse(r.stdout).ms};
	};

	const ours = async (n) => {
		const repo = freshCopy(template, path.join(tmp, `flood-ours-${n}`));
		const rss = path.join(tmp, `flood-ours-${n}.time`);
		const exitFile = path.join(tmp, `flood-ours-${n}.exit`);
		const inner = [TIME ? `${TIME} -v -o ${rss}` : '', `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} run plan.yaml --yes`].join(' ');
		const start = performance.now();
		server.open(`flood${n}`, `env -u CI TERM=xterm-256color ${inner}; echo $? > ${exitFile}`, repo);
		// With --yes the plan ends at the summary screen, which waits for q.
		let finished = false;
		let quitSent = false;
		let screen = '';
		while (!existsSync(exitFile)) {
			if (performance.now() - start > 120_000) {
				tmux('kill-session', '-t', `flood${n}`);
				throw new Error(`no end after 120 s; screen: ${tail(screen, 6)}`);
			}
			if (!finished) finished = readEvents(repo).some((e) => e.type === 'session_finished');
			if (finished && !quitSent) {
				screen = tmux('capture-pane', '-p', '-t', `flood${n}`).stdout ?? '';
				if (process.env.BENCH_SHOW_SCREEN) log(screen);
				tmux('send-keys', '-t', `flood${n}`, 'q');
				quitSent = true;
			}
			await sleep(finished ? 50 : 100);
		}
		const code = Number(readFileSync(exitFile, 'utf8').trim());
		const events = readEvents(repo);
		const at = (pred) => {
			const e = events.find(pred);
			return e ? Date.parse(e.time) : null;
		};
		const session = at((e) => e.type === 'session_started');
		const stepStart = at((e) => e.type === 'step_started' && e.step === 'flood');
		const stepEnd = at((e) => e.type === 'step_finished' && e.step === 'flood');
		// The agent process alone, spawn to exit, as measured by the runner (what "must not slow
		// the agent" is about); step_started → step_finished adds spawn set-up and the checkpoint.
		const agentMs = events.find((e) => e.type === 'step_finished' && e.step === 'flood')?.agentMs ?? null;
		const logFile = path.join(repo, MEMORY_DIR, 'logs', 'flood.log');
		const logLines = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter((l) => l.startsWith('line ')).length : 0;
		if (code !== 0 || stepEnd == null) throw new Error(`ours exited ${code}, step_finished ${stepEnd ? 'seen' : 'missing'}; screen: ${tail(screen, 6)}`);
		rmSync(repo, {recursive: true, force: true});
		// The board's frame on the last screen: the full UI ran, not the headless fallback.
		if (agentMs == null) throw new Error('step_finished carries no agentMs: rebuild dist/');
		return {ms: agentMs, stepMs: stepEnd - stepStart, fromSession: stepEnd - session, rss: peakMiB(rss), logLines, ui: screen.includes('┌ Phases')};
	};

	const base = [];
	const our = [];
	const cats = [];
	const readers = [];
	const files = [];
	try {
		await baseline(0);
		await ours(0); // warm-up
		const kinds = {b: baseline, o: ours, c: catRun, r: nodeReader, f: fileRun};
		const orders = [['b', 'f', 'c', 'r', 'o'], ['o', 'b', 'f', 'c', 'r'], ['r', 'o', 'b', 'f', 'c'], ['c', 'r', 'o', 'b', 'f'], ['f', 'c', 'r', 'o', 'b']];
		for (let n = 1; n <= runs; n++) {
			const got = {};
			for (const k of orders[(n - 1) % orders.length]) got[k] = await kinds[k](n);
			base.push(got.b);
			our.push(got.o);
			cats.push(got.c);
			readers.push(got.r);
			files.push(got.f);
			log(`  flood run ${n}: /dev/null ${fmtMs(got.b.ms)} · > file ${fmtMs(got.f.ms)} · | cat ${fmtMs(got.c.ms)} · bare node reader ${fmtMs(got.r.ms)} · ours (agent) ${fmtMs(got.o.ms)} · step ${fmtMs(got.o.stepMs)} · peak ${fmtMiB(got.o.rss)}`);
		}
	} finally {
		server.close();
	}
	const ratios = our.map((o, i) => o.ms / base[i].ms);
	const ratio = median(ratios);
	const stepRatios = our.map((o, i) => o.stepMs / base[i].ms);
	const catRatios = cats.map((c, i) => c.ms / base[i].ms);
	const fileRatios = files.map((f, i) => f.ms / base[i].ms);
	const readerRatios = readers.map((r, i) => r.ms / base[i].ms);
	const overReader = our.map((o, i) => o.ms / readers[i].ms);
	const peak = median(our.map((o) => o.rss));
	const maxPeak = Math.max(...our.map((o) => o.rss ?? 0));
	const lost = our.filter((o) => o.logLines !== LINES).map((o) => o.logLines);
	return {
		title: `flood (issue 3): an agent printing ${LINES.toLocaleString('en')} lines, one write each, under the full UI in tmux 120×40`,
		rows: [
			{metric: 'agent wall (spawn → exit, under the UI)', baseline: withRange(fmtMs, base.map((b) => b.ms)), ours: withRange(fmtMs, our.map((o) => o.ms)), ratio: fmtRatio(ratio), target: '≤ 1.20×', pass: ratio != null && ratio <= 1.2},
			{metric: 'whole step (step_started → step_finished, incl. checkpoint)', baseline: withRange(fmtMs, base.map((b) => b.ms)), ours: withRange(fmtMs, our.map((o) => o.stepMs)), ratio: fmtRatio(median(stepRatios)), target: '', pass: null},
			{metric: 'floor: the same command writing to a regular file (`> file`)', baseline: withRange(fmtMs, base.map((b) => b.ms)), ours: withRange(fmtMs, files.map((f) => f.ms)), ratio: fmtRatio(median(fileRatios)), target: '', pass: null},
			{metric: 'floor: the same command piped into `cat > /dev/null`', baseline: withRange(fmtMs, base.map((b) => b.ms)), ours: withRange(fmtMs, cats.map((c) => c.ms)), ratio: fmtRatio(median(catRatios)), target: '', pass: null},
			{metric: 'floor: a bare Node reader (child_process.spawn, chunks dropped), spawn → exit', baseline: withRange(fmtMs, base.map((b) => b.ms)), ours: withRange(fmtMs, readers.map((r) => r.ms)), ratio: fmtRatio(median(readerRatios)), target: '', pass: null},
			{metric: 'ours against the bare Node reader', baseline: fmtMs(median(readers.map((r) => r.ms))), ours: fmtMs(median(our.map((o) => o.ms))), ratio: fmtRatio(median(overReader)), target: '', pass: null},
			{metric: 'peak RSS of the orchestrator process', baseline: fmtMiB(median(base.map((b) => b.rss))), ours: `${fmtMiB(peak)} (max ${fmtMiB(maxPeak)})`, ratio: '', target: '≤ 150 MB', pass: TIME ? maxPeak * 1.048576 <= 150 : null},
			{metric: 'process start → step_finished', baseline: '', ours: withRange(fmtMs, our.map((o) => o.fromSession)), ratio: '', target: '', pass: null},
		],
		notes: [
			`Command: \`${command}\` (one process.stdout.write per line). Baseline: the same command through \`bash -c\` with stdout on /dev/null, timed by this script from spawn to exit.`,
			'Ours: `env -u CI node dist/cli.js run plan.yaml --yes` in a detached tmux session (120×40), wrapped in `/usr/bin/time -v` for the peak RSS; the agent time is the runner\'s own spawn-to-exit figure (`agentMs` of step_finished in events.jsonl), the step time the difference of the step_started and step_finished timestamps; `q` is sent once session_finished is logged.',
			`Full-screen UI (the board) on the last screen of ${our.filter((o) => o.ui).length} of ${our.length} runs.`,
			lost.length ? `LOG INCOMPLETE: the step log held ${lost.join(', ')} lines instead of ${LINES}.` : `Every run's step log held all ${LINES.toLocaleString('en')} lines.`,
			`Ratio: median of the per-run ratios (${ratios.map((r) => r.toFixed(2)).join(', ')}). The 150 MB target is checked against the largest peak of all runs.`,
			'Floors: the agent writes into a regular file, a pipe (cat) or a socket pair (Node\'s child stdio, as in ours) instead of /dev/null; each write then costs it more, and through a pipe or socket it also waits whenever the reader is behind. The five kinds run in rotating order.',
		],
	};
}

/**
 * Issue 3, item 7: an agent printing 10,000 lines a second (the issue's rate) must neither slow
 * down nor make the UI lag on keys. The agent's wall time under the UI against /dev/null, and the
 * time from a key to the screen that answers it (`?` opens the help, `?` closes it) during that
 * output against the same keys while the running agent prints nothing.
 */
async function keysCase({runs, tmp}) {
	const RATE = 10_000;
	const SECONDS = 5;
	const TOGGLES = 4; // `?` twice each: open, close
	const PAUSE = 150;
	if (!hasTmux()) return {title: 'keys (issue 3)', skipped: 'tmux is not installed on this machine: case skipped', rows: [], notes: []};
	const template = path.join(tmp, 'keys-template');
	initRepo(template);
	// Paced from the clock: RATE lines a second, one write each; an agent that is held up (its
	// reader behind) catches up by writing more per tick, so its wall time shows any hold-up.
	writeFileSync(
		path.join(template, 'paced.mjs'),
		[
			'const [rate, seconds] = process.argv.slice(2).map(Number);',
			'const total = rate * seconds;',
			'const start = performance.now();',
			'let i = 0;',
			'const tick = () => {',
			'\tconst due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));',
			'\twhile (i < due) process.stdout.write(`line ${++i} of the paced output\\n`);',
			'\tif (i < total) setTimeout(tick, 5);',
			'};',
			'tick();',
		].join('\n') + '\n',
	);
	const loud = `node paced.mjs ${RATE} ${SECONDS}`;
	const quiet = `node paced.mjs 0 0; sleep ${SECONDS}`;
	writeFileSync(path.join(template, 'loud.yaml'), plan('keys', [{id: 'loud', title: `print ${RATE} lines a second`, run: loud}]));
	writeFileSync(path.join(template, 'quiet.yaml'), plan('keys', [{id: 'quiet', title: 'print nothing', run: quiet}]));
	commitAll(template, 'paced producer');
	const server = tmuxServer('keys');
	const {tmux} = server;
	const HELP = 'Help · ? or esc to close';

	const baseline = async (n) => ({ms: await toDevNull(template, path.join(tmp, `keys-base-${n}`), loud)});

	/** Sends `key`, then reads the screen until `shown(screen)`; the key-to-screen time in ms. */
	const answer = async (session, key, shown) => {
		const start = performance.now();
		tmux('send-keys', '-t', session, key);
		for (;;) {
			const screen = tmux('capture-pane', '-p', '-t', session).stdout ?? '';
			if (shown(screen)) return performance.now() - start;
			if (performance.now() - start > 5000) throw new Error(`no answer to "${key}" after 5 s; screen: ${tail(screen, 6)}`);
			await sleep(2);
		}
	};

	const ours = async (which, n) => {
		const repo = freshCopy(template, path.join(tmp, `keys-${which}-${n}`));
		const exitFile = path.join(tmp, `keys-${which}-${n}.exit`);
		const session = `keys${which}${n}`;
		server.open(session, `env -u CI TERM=xterm-256color ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} run ${which}.yaml --yes; echo $? > ${exitFile}`, repo);
		const started = performance.now();
		const waitFor = async (pred, what) => {
			while (!pred()) {
				if (performance.now() - started > 60_000) throw new Error(`${which}: no ${what} after 60 s`);
				await sleep(20);
			}
		};
		await waitFor(() => readEvents(repo).some((e) => e.type === 'agent_spawned'), 'agent_spawned');
		await sleep(1000); // into the output (the agent's node has started)
		const latencies = [];
		// A pause before each key, as between a person's keypresses: back to back, every key would
		// land within Ink's frame interval (34 ms at 30 fps) of the frame before and wait for it.
		for (let k = 0; k < TOGGLES; k++) {
			await sleep(PAUSE);
			latencies.push(await answer(session, '?', (screen) => screen.includes(HELP)));
			await sleep(PAUSE);
			latencies.push(await answer(session, '?', (screen) => !screen.includes(HELP)));
		}
		const during = !readEvents(repo).some((e) => e.type === 'step_finished');
		await waitFor(() => readEvents(repo).some((e) => e.type === 'session_finished'), 'session_finished');
		tmux('send-keys', '-t', session, 'q');
		await waitFor(() => existsSync(exitFile), 'exit');
		const agentMs = readEvents(repo).find((e) => e.type === 'step_finished')?.agentMs ?? null;
		rmSync(repo, {recursive: true, force: true});
		if (!during) throw new Error(`${which}: the agent ended before the keys were measured`);
		return {agentMs, latencies};
	};

	// The floor of the measurement itself: a shell loop that redraws its screen on every key.
	const floorRun = async (n) => {
		const session = `keysfloor${n}`;
		server.open(session, `bash -c 'stty -echo -icanon; while true; do c=$(dd bs=1 count=1 2>/dev/null); clear; echo "key $c $RANDOM"; done'`);
		await sleep(300);
		const latencies = [];
		for (let k = 0; k < 2 * TOGGLES; k++) {
			await sleep(PAUSE);
			const before = tmux('capture-pane', '-p', '-t', session).stdout ?? '';
			latencies.push(await answer(session, 'x', (screen) => screen !== before && screen.includes('key x')));
		}
		tmux('kill-session', '-t', session);
		return {latencies};
	};

	const base = [];
	const loudRuns = [];
	const quietRuns = [];
	const floorRuns = [];
	try {
		await ours('loud', 0); // warm-up
		for (let n = 1; n <= runs; n++) {
			const order = n % 2 ? ['b', 'l', 'q'] : ['q', 'l', 'b'];
			const got = {};
			for (const k of order) got[k] = k === 'b' ? await baseline(n) : await ours(k === 'l' ? 'loud' : 'quiet', n);
			base.push(got.b);
			loudRuns.push(got.l);
			quietRuns.push(got.q);
			floorRuns.push(await floorRun(n));
			log(`  keys run ${n}: agent /dev/null ${fmtMs(got.b.ms)} · under the UI ${fmtMs(got.l.agentMs)} · key → screen while printing ${fmtMs(median(got.l.latencies))} (max ${fmtMs(Math.max(...got.l.latencies))}) · while quiet ${fmtMs(median(got.q.latencies))} · shell loop ${fmtMs(median(floorRuns.at(-1).latencies))}`);
		}
	} finally {
		server.close();
	}
	const wallRatios = loudRuns.map((l, i) => l.agentMs / base[i].ms);
	const loudLat = loudRuns.map((l) => median(l.latencies));
	const quietLat = quietRuns.map((q) => median(q.latencies));
	const allLoud = loudRuns.flatMap((l) => l.latencies);
	const allQuiet = quietRuns.flatMap((q) => q.latencies);
	const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];
	return {
		title: `keys (issue 3): an agent printing ${RATE.toLocaleString('en')} lines a second for ${SECONDS} s under the full UI in tmux 120×40`,
		rows: [
			{metric: 'agent wall (spawn → exit): /dev/null against under the UI', baseline: withRange(fmtMs, base.map((b) => b.ms)), ours: withRange(fmtMs, loudRuns.map((l) => l.agentMs)), ratio: fmtRatio(median(wallRatios)), target: '', pass: null},
			{metric: 'key → screen (median per run): agent printing nothing against printing', baseline: withRange(fmtMs, quietLat), ours: withRange(fmtMs, loudLat), ratio: fmtRatio(median(loudLat.map((l, i) => l / quietLat[i]))), target: '', pass: null},
			{metric: 'key → screen, 90th percentile of every key', baseline: fmtMs(p90(allQuiet)), ours: fmtMs(p90(allLoud)), ratio: '', target: '', pass: null},
			{metric: 'floor: key → screen for a shell loop that redraws on each key (tmux and the measurement alone)', baseline: '', ours: withRange(fmtMs, floorRuns.map((f) => median(f.latencies))), ratio: '', target: '', pass: null},
		],
		notes: [
			`Agent: \`${loud}\`, ${RATE.toLocaleString('en')} lines a second paced by the clock, one write per line; held up, it writes more per tick to catch up, so its wall time shows any hold-up (${SECONDS} s when none). Baseline: the same command with stdout on /dev/null.`,
			`Keys: one second into the output, \`?\` (help opens) and \`?\` again (it closes), ${TOGGLES} times each, ${PAUSE} ms apart; each time is from \`tmux send-keys\` to the first \`capture-pane\` that shows the answer (the screen is read every ~5 ms, so the figure includes tmux's own round trips). Baseline for the keys: the same plan shape with an agent that prints nothing (\`sleep ${SECONDS}\`), so the same running screen without the output.`,
			`Ratios: median of the per-run ratios (agent wall ${wallRatios.map((r) => r.toFixed(2)).join(', ')}).`,
		],
	};
}

/** Issue 4: validate --json of a 10,000-task spec-kit tasks.md against node's own start-up. */
async function importCase({runs, tmp}) {
	const TASKS = 10_000;
	const PHASES = 10;
	const dir = path.join(tmp, 'import');
	mkdirSync(dir);
	const lines = ['# Tasks: Bench feature', '', '**Input**: Design documents from `/specs/001-bench/`', ''];
	let n = 0;
	for (let p = 1; p <= PHASES; p++) {
		lines.push(`## Phase ${p}: User Story ${p} - Part ${p} (Priority: P${(p % 3) + 1})`, '');
		for (let k = 0; k < TASKS / PHASES; k++) {
			n++;
			const id = `T${String(n).padStart(5, '0')}`;
			const par = k % 5 === 0 ? '' : ' [P]';
			lines.push(`- [${n % 7 === 0 ? 'X' : ' '}] ${id}${par} [US${p}] Implement part ${n} in src/story${p}/module${n}.py and tests/story${p}/test_module${n}.py`);
		}
		lines.push('');
	}
	lines.push('## Dependencies', '', '- T00002 depends on T00001', '');
	const tasks = path.join(dir, 'tasks.md');
	writeFileSync(tasks, lines.join('\n'));
	const outFile = path.join(tmp, 'import-validate.json');

	// In-process: bundle a tiny entry over the real sources (no TypeScript at run time).
	const bundle = path.join(root, 'bench/out/import-inprocess.mjs');
	const {build} = await import('esbuild');
	await build({
		stdin: {
			contents: [
				"import {readFileSync} from 'node:fs';",
				"import {importSpecKit} from './source/plan/speckit.ts';",
				"import {loadPlan} from './source/plan/load-plan.ts';",
				"import {executionBatches} from './source/plan/schedule.ts';",
				'const [file, cwd] = process.argv.slice(2);',
				'let t = performance.now();',
				"const {plan} = importSpecKit(readFileSync(file, 'utf8'), file, {cwd});",
				'const order = executionBatches(plan);',
				'const cold = performance.now() - t;',
				't = performance.now();',
				'const loaded = await loadPlan(file, {cwd});',
				'const order2 = executionBatches(loaded.plan);',
				'const load = performance.now() - t;',
				'const steps = plan.phases.reduce((s, p) => s + p.steps.length, 0);',
				'console.log(JSON.stringify({cold, load, steps, phases: plan.phases.length, batches: order.length, batches2: order2.length}));',
			].join('\n'),
			resolveDir: root,
			sourcefile: 'import-inprocess-entry.ts',
			loader: 'ts',
		},
		outfile: bundle,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		banner: {js: "import {createRequire as __cr} from 'node:module'; const require = __cr(import.meta.url);"},
		logLevel: 'warning',
	});

	// validate checks that the default agent's CLI is on PATH: a fake `claude` stands in for it.
	const bin = path.join(tmp, 'import-bin');
	mkdirSync(bin);
	writeFileSync(path.join(bin, 'claude'), '#!/bin/sh\nexit 0\n', {mode: 0o755});
	const fakeEnv = {...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`};
	// This machine's environment sets NODE_EXTRA_CA_CERTS: node then reads that certificate bundle at
	// every start, before any script. The same pair is also timed without it, as on a stock machine.
	const caCerts = process.env.NODE_EXTRA_CA_CERTS;
	const stockEnv = {...fakeEnv};
	delete stockEnv.NODE_EXTRA_CA_CERTS;
	const validate = async (agentArgs, env = fakeEnv) => {
		const fd = openSync(outFile, 'w');
		const r = await run(process.execPath, [cli, 'validate', 'tasks.md', '--json', ...agentArgs], {cwd: dir, env, stdio: ['ignore', fd, 'pipe']});
		closeSync(fd);
		if (r.code !== 0) throw new Error(`validate ${agentArgs.join(' ')} exited ${r.code}: ${tail(r.stderr || readFileSync(outFile, 'utf8'))}`);
		const json = JSON.parse(readFileSync(outFile, 'utf8'));
		const steps = json.phases.reduce((n, p) => n + p.steps.length, 0);
		if (steps !== TASKS || json.phases.length !== PHASES)
			throw new Error(`validate --json gave ${steps} steps in ${json.phases.length} phases, expected ${TASKS} in ${PHASES}`);
		return {ms: r.ms, batches: json.order.length};
	};
	const CLAUDE = [];
	const SHELL = ['--agent', 'shell'];
	const floor = async (env = process.env) => (await run(process.execPath, ['-e', '0'], {env})).ms;
	const inProcess = async () => {
		const r = await run(process.execPath, [bundle, tasks, dir]);
		if (r.code !== 0) throw new Error(`in-process bundle exited ${r.code}: ${tail(r.stderr)}`);
		return JSON.parse(r.stdout);
	};

	await floor();
	const {batches} = await validate(CLAUDE);
	await validate(SHELL);
	const ours = [];
	const shell = [];
	const base = [];
	const inproc = [];
	const stockBase = [];
	const stock = [];
	for (let k = 1; k <= runs; k++) {
		if (k % 2) {
			base.push(await floor());
			ours.push((await validate(CLAUDE)).ms);
			shell.push((await validate(SHELL)).ms);
		} else {
			shell.push((await validate(SHELL)).ms);
			ours.push((await validate(CLAUDE)).ms);
			base.push(await floor());
		}
		if (caCerts) {
			stockBase.push(await floor(stockEnv));
			stock.push((await validate(CLAUDE, stockEnv)).ms);
		}
		inproc.push(await inProcess());
		log(`  import run ${k}: node -e 0 ${fmtMs(base.at(-1))} · validate ${fmtMs(ours.at(-1))} · with --agent shell ${fmtMs(shell.at(-1))} · in-process ${fmtMs(inproc.at(-1).cold)}${caCerts ? ` · without NODE_EXTRA_CA_CERTS: node -e 0 ${fmtMs(stockBase.at(-1))}, validate ${fmtMs(stock.at(-1))}` : ""}`);
	}
	const ratios = ours.map((o, i) => o / base[i]);
	const shellRatios = shell.map((o, i) => o / base[i]);
	const oursMed = median(ours);
	const shellMed = median(shell);
	const baseMed = median(base);
	const cold = median(inproc.map((r) => r.cold));
	const load = median(inproc.map((r) => r.load));
	return {
		title: `import (issue 4): a ${TASKS.toLocaleString('en')}-task spec-kit tasks.md, ${PHASES} phases, [P] markers and file paths`,
		rows: [
			{metric: '`validate tasks.md --json` (default agent claude, a fake on PATH), whole process', baseline: withRange(fmtMs, base), ours: withRange(fmtMs, ours), ratio: fmtRatio(median(ratios)), target: '≤ 300 ms', pass: oursMed <= 300},
			{metric: 'the same minus node start-up', baseline: '', ours: fmtMs(oursMed - baseMed), ratio: '', target: '', pass: null},
			{metric: '`validate tasks.md --json --agent shell`, whole process', baseline: withRange(fmtMs, base), ours: withRange(fmtMs, shell), ratio: fmtRatio(median(shellRatios)), target: '≤ 300 ms', pass: shellMed <= 300},
			...(caCerts
				? [{metric: '`validate tasks.md --json`, whole process, with NODE_EXTRA_CA_CERTS unset (node as it starts by default)', baseline: withRange(fmtMs, stockBase), ours: withRange(fmtMs, stock), ratio: fmtRatio(median(stock.map((o, i) => o / stockBase[i]))), target: '≤ 300 ms', pass: median(stock) <= 300}]
				: []),
			{metric: 'in-process importSpecKit + executionBatches (cold)', baseline: '', ours: withRange(fmtMs, inproc.map((r) => r.cold)), ratio: '', target: '≤ 300 ms', pass: cold <= 300},
			{metric: 'in-process loadPlan + executionBatches (after the above)', baseline: '', ours: withRange(fmtMs, inproc.map((r) => r.load)), ratio: '', target: '', pass: null},
		],
		notes: [
			`Baseline: \`node -e 0\`, alternated with ours in the same run. validate's JSON is checked on every run: ${TASKS} steps in ${PHASES} phases (${batches} batches). Baseline is the same \`node -e 0\` figure for both validate rows.`,
			'In-process: importSpecKit and executionBatches from source/, bundled with esbuild into bench/out/ and timed with performance.now() in a fresh process (first call, so JIT warm-up included).',
			`Load: ${fmtMs(load)} is the full loadPlan path (file read, import, plan checks) run second in the same process.`,
			...(caCerts
				? [`This machine sets NODE_EXTRA_CA_CERTS=${caCerts}: every node process reads that bundle at start-up (node -e 0: ${fmtMs(baseMed)} with it, ${fmtMs(median(stockBase))} without, alternated in this run). The first row is the target's; the stock row shows the same command where node starts as it does by default.`]
				: []),
		],
	};
}

/** Issue 5: 4 independent parallel steps of `sleep 1`, --max-parallel 4 against --max-parallel 1. */
async function parallelCase({runs, tmp}) {
	const N = 4;
	const template = path.join(tmp, 'parallel-template');
	initRepo(template);
	mkdirSync(path.join(template, 'out'));
	writeFileSync(path.join(template, 'out/.keep'), '');
	const steps = Array.from({length: N}, (_, k) => ({id: `P${k + 1}`, title: `sleep and write p${k + 1}`, run: `sleep 1 && echo ${k + 1} > out/p${k + 1}.txt`, parallel: true, files: [`out/p${k + 1}.txt`]}));
	writeFileSync(path.join(template, 'plan.yaml'), plan('parallel', steps));
	commitAll(template, 'parallel plan');

	const one = async (max, n) => {
		const repo = freshCopy(template, path.join(tmp, `parallel-${max}-${n}`));
		const r = await run(process.execPath, [cli, 'run', 'plan.yaml', '--headless', '--yes', '--max-parallel', String(max)], {cwd: repo, env: {...process.env, CI: '1'}});
		if (r.code !== 0) throw new Error(`--max-parallel ${max} exited ${r.code}: ${tail(r.stderr || r.stdout)}`);
		const tree = git(repo, 'rev-parse', 'HEAD^{tree}');
		const worktrees = git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length - 1;
		const events = readEvents(repo);
		const starts = events.filter((e) => e.type === 'step_started').map((e) => Date.parse(e.time));
		const ends = events.filter((e) => e.type === 'step_finished').map((e) => Date.parse(e.time));
		// Steps that ran at the same time: started before the first one finished.
		const overlapped = starts.filter((t) => t < Math.min(...ends)).length;
		rmSync(repo, {recursive: true, force: true});
		return {ms: r.ms, tree, worktrees, overlapped};
	};

	await one(N, 0); // warm-up
	const seq = [];
	const par = [];
	for (let n = 1; n <= runs; n++) {
		const got = n % 2 ? {s: await one(1, n), p: await one(N, n)} : {p: await one(N, n), s: await one(1, n)};
		seq.push(got.s);
		par.push(got.p);
		log(`  parallel run ${n}: --max-parallel 1 ${fmtMs(got.s.ms)} · --max-parallel ${N} ${fmtMs(got.p.ms)} (${got.p.overlapped} at once)`);
	}
	const parMed = median(par.map((p) => p.ms));
	const sameTree = par.every((p, i) => p.tree === seq[i].tree);
	const leftover = Math.max(...par.map((p) => p.worktrees), ...seq.map((s) => s.worktrees));
	return {
		title: `parallel (issue 5): ${N} independent [P] steps that each sleep 1 s and write their own file`,
		rows: [
			{metric: `\`run --max-parallel ${N}\`, whole process`, baseline: withRange(fmtMs, seq.map((s) => s.ms)), ours: withRange(fmtMs, par.map((p) => p.ms)), ratio: fmtRatio(median(par.map((p, i) => p.ms / seq[i].ms))), target: '< 3 s', pass: parMed < 3000},
			{metric: 'steps running at once (max over runs)', baseline: String(Math.max(...seq.map((s) => s.overlapped))), ours: String(Math.max(...par.map((p) => p.overlapped))), ratio: '', target: String(N), pass: par.every((p) => p.overlapped === N)},
			{metric: 'same tree as the sequential run · worktrees left', baseline: '', ours: `${sameTree ? 'yes' : 'NO'} · ${leftover}`, ratio: '', target: 'yes · 0', pass: sameTree && leftover === 0},
		],
		notes: ['Baseline: the same plan with `--max-parallel 1`, alternated with the parallel run; both `--headless --yes`, whole-process wall from spawn to exit.'],
	};
}

const CASES = {checkpoint: checkpointCase, flood: floodCase, keys: keysCase, import: importCase, parallel: parallelCase};
/** Runs per case without --runs: a flood or an import run takes under a second, a checkpoint run ~20 s (four programs). */
const RUNS = {checkpoint: 7, flood: 9, keys: 5, import: 9, parallel: 5};

// ---------------------------------------------------------------------------------------------
// Output

function log(line) {
	process.stdout.write(line + '\n');
}
// `node bench/run.mjs | head` must not crash the suite before it cleans up.
process.stdout.on('error', () => {});

function section(name, result, info, runs) {
	const out = [`<!-- case:${name} -->`, `## ${result.title}`, ''];
	out.push(`machine: ${info.nproc} CPUs (${info.cpu}) · node ${info.node} · git ${info.git} · tmux ${info.tmux} · ${info.date} · load average ${info.load} at the start · median of ${runs} runs`, '');
	if (result.error) out.push(`**ERROR**: ${result.error}`, '');
	else if (result.skipped) out.push(`**SKIPPED**: ${result.skipped}`, '');
	else {
		out.push('| metric | baseline | ours | ratio | target | result |', '|---|---|---|---|---|---|');
		for (const r of result.rows) out.push(`| ${r.metric} | ${r.baseline} | ${r.ours} | ${r.ratio} | ${r.target} | ${r.pass == null ? '' : r.pass ? 'pass' : '**FAIL**'} |`);
		out.push('');
		for (const note of result.notes) out.push(`- ${note}`);
		out.push('');
	}
	out.push(`<!-- /case:${name} -->`);
	return out.join('\n');
}

function writeResults(sections) {
	const header = [
		'# Benchmark results',
		'',
		'Written by `npm run bench` (bench/run.mjs); do not edit by hand. Each case runs baseline and ours',
		'alternately in the same call, in fresh temp repos prepared outside the timing; figures are medians',
		'(min–max in brackets), ratios the median of the per-run ratios. Rerun one case with',
		'`node bench/run.mjs CASE [--runs N]` after `npm run build`.',
		'',
	].join('\n');
	const old = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '';
	const kept = new Map();
	for (const m of old.matchAll(/<!-- case:(\w+) -->[\s\S]*?<!-- \/case:\1 -->/g)) kept.set(m[1], m[0]);
	for (const [name, text] of sections) kept.set(name, text);
	const ordered = Object.keys(CASES).filter((n) => kept.has(n)).map((n) => kept.get(n));
	writeFileSync(resultsPath, header + '\n' + ordered.join('\n\n') + '\n');
}

function printTable(result) {
	log(`\n${result.title}`);
	if (result.error) return log(`  ERROR: ${result.error}`);
	if (result.skipped) return log(`  SKIPPED: ${result.skipped}`);
	for (const r of result.rows) {
		const verdict = r.pass == null ? '' : r.pass ? 'pass' : 'FAIL';
		log(`  ${r.metric.replaceAll('`', '')}: ${r.baseline ? `baseline ${r.baseline} · ` : ''}ours ${r.ours}${r.ratio ? ` · ${r.ratio}` : ''}${r.target ? ` · target ${r.target}` : ''}${verdict ? ` · ${verdict}` : ''}`);
	}
}

// ---------------------------------------------------------------------------------------------

async function main() {
	const argv = process.argv.slice(2);
	let runs;
	const names = [];
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--runs') runs = Number(argv[++i]);
		else if (argv[i].startsWith('--runs=')) runs = Number(argv[i].slice(7));
		else if (argv[i] === '-h' || argv[i] === '--help') {
			log(`usage: node bench/run.mjs [${Object.keys(CASES).join('|')} …] [--runs N]`);
			return 0;
		} else names.push(argv[i]);
	}
	if (runs !== undefined && (!Number.isInteger(runs) || runs < 1)) {
		process.stderr.write('--runs needs a whole number ≥ 1\n');
		return 2;
	}
	const unknown = names.filter((n) => !CASES[n]);
	if (unknown.length) {
		process.stderr.write(`unknown case ${unknown.join(', ')}: choose from ${Object.keys(CASES).join(', ')}\n`);
		return 2;
	}
	if (!existsSync(cli)) {
		process.stderr.write('dist/cli.js is missing: run `npm run build` first (or `npm run bench`)\n');
		return 2;
	}
	const selected = names.length ? names : Object.keys(CASES);
	const info = machine();
	log(`bench: ${selected.map((n) => `${n} ×${runs ?? RUNS[n]}`).join(', ')} · ${info.nproc} CPUs · node ${info.node}`);
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'orc-bench-'));
	const sections = [];
	let failed = 0;
	const started = performance.now();
	try {
		for (const name of selected) {
			const t = performance.now();
			const caseInfo = machine();
			let result;
			try {
				result = await CASES[name]({runs: runs ?? RUNS[name], tmp});
			} catch (error) {
				result = {title: name, error: error.message, rows: [], notes: []};
			}
			if (result.error || result.rows.some((r) => r.pass === false)) failed++;
			printTable(result);
			log(`  (${((performance.now() - t) / 1000).toFixed(0)} s)`);
			sections.push([name, section(name, result, caseInfo, runs ?? RUNS[name])]);
		}
	} finally {
		rmSync(tmp, {recursive: true, force: true});
	}
	writeResults(sections);
	log(`\n${failed ? `${failed} case(s) missed a target or failed` : 'every target met'} · ${((performance.now() - started) / 1000).toFixed(0)} s · written to bench/RESULTS.md`);
	return 0;
}

process.exitCode = await main();
