// Runs a phase's checks (shell commands) and turns each into a CheckResult with a readable
// summary ("12 passed"), the tail of its output, and the fail-then-pass / measure verdicts.
import {runProcess} from '../agents/run-process.js';
import {stripAnsi} from '../agents/sanitize.js';
import type {CheckResult, CheckSpec} from '../types.js';

const TAIL_LINES = 30;

export interface CheckContext {
	cwd: string;
	logPath?: string;
	signal?: AbortSignal;
	/** fail-then-pass: did this check pass before the phase's steps ran? */
	passedBefore?: boolean;
	/** measure: the number recorded at the baseline step. */
	baseline?: number;
	timeoutMs?: number;
}

export async function runCheck(check: CheckSpec, ctx: CheckContext): Promise<CheckResult> {
	const lines: string[] = [];
	const result = await runProcess({
		argv: ['bash', '-c', check.command],
		cwd: ctx.cwd,
		logPath: ctx.logPath,
		signal: ctx.signal,
		timeoutMs: ctx.timeoutMs,
		env: {FORCE_COLOR: '0', NO_COLOR: '1'},
		onLine(line) {
			lines.push(line);
			if (lines.length > 4 * TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
		},
	});
	const clean = lines.map(l => stripAnsi(l).replace(/\r/g, '')).filter(l => l.trim() !== '');
	const base: CheckResult = {
		command: check.command,
		name: check.name,
		ok: result.outcome === 'exited' && result.exitCode === 0,
		exitCode: result.exitCode,
		durationMs: result.durationMs,
		tail: clean.slice(-TAIL_LINES),
		summary: summarizeTestOutput(clean),
	};
	if (result.outcome !== 'exited') base.note = result.error;
	if (check.expect === 'fail-then-pass') {
		if (ctx.passedBefore === true) {
			base.ok = false;
			base.note = 'does not reproduce the bug: it already passed before the fix';
		} else if (ctx.passedBefore === undefined) {
			base.note = 'no run before the fix was recorded';
		}
	}
	if (check.measure) {
		const value = lastNumber(clean, check.measure.metric);
		base.value = value;
		const verdict = judgeMeasure(value, ctx.baseline, check.measure);
		if (verdict) {
			base.ok = false;
			base.note = verdict;
		} else if (value !== undefined && ctx.baseline !== undefined) {
			base.summary = `${check.measure.metric ?? 'value'} ${ctx.baseline} → ${value}`;
		}
	}
	return base;
}

/** Reads the number a measure command printed: after `metric` when given, else the last number. */
export function lastNumber(lines: string[], metric?: string): number | undefined {
	for (let i = lines.length - 1; i >= 0; i--) {
		const line = lines[i];
		if (metric) {
			const at = line.indexOf(metric);
			if (at < 0) continue;
			const match = /-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/i.exec(line.slice(at + metric.length));
			if (match) return Number(match[0]);
			continue;
		}
		const all = line.match(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi);
		if (all) return Number(all.at(-1));
	}
	return undefined;
}

export function judgeMeasure(value: number | undefined, baseline: number | undefined, spec: NonNullable<CheckSpec['measure']>): string | undefined {
	if (value === undefined) return `printed no number${spec.metric ? ` after "${spec.metric}"` : ''}`;
	if (baseline === undefined) return `no baseline recorded at ${spec.baseline_step}`;
	const change = baseline === 0 ? 0 : (value - baseline) / Math.abs(baseline);
	const improvement = spec.better === 'lower' ? -change : change;
	const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
	if (improvement < 0) return `regression: ${baseline} → ${value} (${pct(-improvement)} worse)`;
	const min = spec.min_change ?? 0;
	if (improvement < min) return `improvement ${pct(improvement)} is below the required ${pct(min)} (${baseline} → ${value})`;
	return undefined;
}

/** Recognises the closing line of the common test runners. */
export function summarizeTestOutput(lines: string[]): string | undefined {
	const patterns: Array<[RegExp, (m: RegExpExecArray) => string]> = [
		[/Tests?:?\s+(?:(\d+) failed[, |]+)?(\d+) passed/i, m => (m[1] ? `${m[2]} passed, ${m[1]} failed` : `${m[2]} passed`)],
		[/(\d+) passed(?:,? (\d+) failed)?/i, m => (m[2] ? `${m[1]} passed, ${m[2]} failed` : `${m[1]} passed`)],
		[/(\d+) passing/i, m => `${m[1]} passed`],
		[/^# pass\s+(\d+)/i, m => `${m[1]} passed`],
		[/(\d+) failed/i, m => `${m[1]} failed`],
		[/^ok\s+\S+/, m => m[0]],
	];
	for (let i = lines.length - 1; i >= Math.max(0, lines.length - 40); i--) {
		for (const [pattern, render] of patterns) {
			const match = pattern.exec(lines[i]);
			if (match) return render(match);
		}
	}
	return undefined;
}
