// Headless output: one readable line per event (or the events as JSON lines with --json).
// The same events that go to events.jsonl; this only formats them.
import type {CheckResult, PhaseReport, SessionEvent} from '../types.js';
import {stripAnsi} from '../agents/sanitize.js';
import {formatDuration} from '../store/session.js';
import type {EventLog} from './event-log.js';

export interface PrinterOptions {
	json: boolean;
	/** Print agent output lines (prefixed with the step id). */
	showOutput: boolean;
	write: (text: string) => void;
}

export function attachPrinter(events: EventLog, opts: PrinterOptions): () => void {
	return events.on(event => {
		const text = printedEvent(event, opts);
		if (text) opts.write(text);
	});
}

/**
 * What the headless output prints for one event ('' for nothing), newline-terminated: a readable
 * line (or several: agent output, a report), or JSON lines with `json` (agent output one line each).
 * `tail` without a terminal prints a session's events.jsonl through this too.
 */
export function printedEvent(event: SessionEvent, opts: {json: boolean; showOutput: boolean}): string {
	if (opts.json) {
		if (event.type === 'output' && Array.isArray(event.lines)) {
			return (event.lines as string[]).map(line => JSON.stringify({type: 'output', time: event.time, step: event.step, line: stripAnsi(line)}) + '\n').join('');
		}
		return JSON.stringify(event) + '\n';
	}
	const text = formatEvent(event, opts.showOutput);
	return text ? text + '\n' : '';
}

export function formatReport(report: PhaseReport): string[] {
	const lines = [`  report: ${report.steps} steps · ${report.files.length} files · ${formatDuration(report.durationMs)} · ~${formatDuration(report.remainingMs)} left`];
	for (const f of report.files.slice(0, 20)) lines.push(`    ${f.status} ${f.path}  +${f.added} −${f.removed}`);
	if (report.files.length > 20) lines.push(`    … and ${report.files.length - 20} more files`);
	for (const check of report.checks) lines.push(`    ${checkLine(check)}`);
	for (const warning of report.warnings) lines.push(`    ⚠ ${warning}`);
	return lines;
}

function checkLine(check: CheckResult): string {
	return `${check.ok ? '✓' : '✗'} ${check.name ?? check.command}${check.summary ? ` (${check.summary})` : ''}${check.note ? ` — ${check.note}` : ''} ${formatDuration(check.durationMs)}`;
}

export function formatEvent(event: SessionEvent, showOutput = true): string | null {
	const e = event as SessionEvent & Record<string, any>;
	switch (event.type) {
		case 'session_started':
			return `▶ session ${e.id} · ${e.title} · ${e.phases} phases, ${e.steps} steps${e.resumed ? ' (resumed)' : ''}`;
		case 'session_resumed':
			return e.notes?.length ? `↻ resumed: ${e.notes.join('; ')}` : '↻ resumed';
		case 'phase_started':
			return `▶ phase ${e.phase} · ${e.title}`;
		case 'step_started':
			return `  ● ${e.step} ${e.title} (${e.agent}${e.preset && e.preset !== e.agent ? `/${e.preset}` : ''})${e.attempt > 1 ? ` attempt ${e.attempt}` : ''}`;
		case 'output':
			if (!showOutput) return null;
			return (e.lines as string[]).map(l => `    ${e.step} │ ${stripAnsi(l)}`).join('\n') || null;
		case 'step_finished':
			// A step of a batch that could not be combined: the batch_conflict line says it once.
			if (!e.ok) return e.batch ? null : `  ✗ ${e.step} failed: ${e.error ?? (e.warnings?.[0] ?? 'file scope')}`;
			return `  ✓ ${e.step} ${e.noChanges ? 'no changes' : `${String(e.commit).slice(0, 8)} · ${e.files} file(s)`}${e.warnings?.length ? ` · ⚠ ${e.warnings.join('; ')}` : ''}`;
		case 'step_skipped':
			return `  ↷ ${e.step} skipped`;
		case 'step_interrupted':
			return `  ■ ${e.step} interrupted`;
		case 'fix_forward':
			return `  ⚒ fix forward ${e.step} for ${e.for}`;
		case 'gate_opened':
			// A failed step was already reported by its step_finished line.
			return e.kind === 'failure' ? null : `  ◆ gate ${e.phase}: running checks`;
		case 'batch_conflict':
			return `  ⚠ parallel batch ${(e.steps as string[]).join(', ')} not applied: ${e.why}`;
		case 'check_finished':
			return `    ${e.ok ? '✓' : '✗'} ${e.command}${e.summary ? ` (${e.summary})` : ''}${e.note ? ` — ${e.note}` : ''}`;
		case 'gate_ready':
			return [`  ◆ gate ${e.phase}: ${e.message}`, ...formatReport(e.report as PhaseReport)].join('\n');
		case 'gate_decided':
			return `  ◆ ${e.kind === 'failure' ? `failure of ${e.step}` : `gate ${e.phase}`}: ${e.decision}`;
		case 'checkpoint':
			return e.tag ? `  ⚑ tag ${e.tag}` : null;
		case 'rollback':
			return `  ↺ rolled back to ${e.to} (${String(e.commit).slice(0, 8)}); previous state kept under ${e.saved}`;
		case 'phase_approved':
			return `  ✓ phase ${e.phase} approved`;
		case 'phase_skipped':
			return `  ↷ phase ${e.phase} skipped`;
		case 'session_paused':
			return `⏸ waiting for approval at the gate of ${e.phase}: continue with \`orchestrator resume\` in a terminal, or \`orchestrator resume --yes\``;
		case 'paused':
			return '⏸ paused';
		case 'continued':
			return '▶ continued';
		case 'session_interrupted':
			return '■ interrupted: the state is saved; `orchestrator resume` continues';
		case 'session_finished':
			return e.result === 'done' ? '✓ done' : '✗ stopped at a failure: `orchestrator resume` opens the failure again; `orchestrator rollback --list` shows the checkpoints';
		case 'error':
			return `✗ ${e.message}`;
		case 'checkpoint_adopted':
			return `  ⚑ adopted ${String(e.commit).slice(0, 8)} as the checkpoint of ${e.step}`;
		case 'plan_changed':
			return '  ⚠ the plan changed since the session started: steps are matched by id';
		default:
			return null;
	}
}
