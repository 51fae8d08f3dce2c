import React, {memo} from 'react';
import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import {stripAnsi} from '../../agents/sanitize.js';
import type {SessionState} from '../../types.js';
import {formatDuration} from '../../store/session.js';
import {decisionBindings} from '../keymap.js';
import {fileCounts, fileTotals, inertLine} from '../text.js';

export interface GateLine {
	text: string;
	color?: string;
	bold?: boolean;
	dim?: boolean;
	/** Lower = kept first when the panel is short. */
	priority: number;
}

const TAIL_LINES = 6;

/** What the gate panel says, line by line, with what to keep when space is short. */
export function gateLines(session: SessionState, readOnly: boolean, width = Infinity): GateLine[] {
	const gate = session.gate;
	if (!gate) return [];
	const phase = session.phases.find(p => p.id === gate.phaseId);
	const phaseTitle = phase?.title ?? gate.phaseId;
	const lines: GateLine[] = [];
	if (gate.kind === 'failure') {
		const what = gate.stepId ? `${gate.stepId} ${session.steps[gate.stepId]?.title ?? ''}`.trim() : phaseTitle;
		lines.push({text: `FAILED ${what} · ${gate.message}`, color: 'red', bold: true, priority: 0});
	} else {
		lines.push({text: `GATE ${phaseTitle} · ${gate.status === 'checking' ? 'running checks…' : gate.message}`, color: 'yellow', bold: true, priority: 0});
	}
	const report = gate.report;
	if (report) {
		const totals = fileTotals(report.files);
		const remaining = report.remainingMs !== undefined ? ` · ~${formatDuration(report.remainingMs)} left` : '';
		lines.push({
			text: `${report.steps} step${report.steps === 1 ? '' : 's'} · ${report.files.length === 0 ? 'no changes' : `${report.files.length} file${report.files.length === 1 ? '' : 's'} +${totals.added} −${totals.removed}`} · ${formatDuration(report.durationMs)}${remaining}`,
			dim: true,
			priority: 2,
		});
		for (const check of report.checks) {
			const label = check.name ?? check.command;
			const extra = [check.summary, check.note, check.ok ? undefined : `exit ${check.exitCode ?? 'killed'}`].filter(Boolean).join(' · ');
			lines.push({
				text: `${check.ok ? '✓' : '✗'} ${label}${extra ? ` · ${extra}` : ''} (${formatDuration(check.durationMs)})`,
				color: check.ok ? 'green' : 'red',
				priority: 3,
			});
			if (!check.ok) {
				for (const tail of check.tail.slice(-TAIL_LINES)) {
					lines.push({text: `    │ ${inertLine(stripAnsi(tail))}`, dim: true, priority: 5});
				}
			}
		}
		for (const file of report.files) {
			lines.push({text: `  ${file.status} ${file.path}  ${fileCounts(file)}`, priority: 6});
		}
		for (const warning of report.warnings) {
			lines.push({text: `  ⚠ ${warning}`, color: 'yellow', priority: 4});
		}
	}
	lines.push({text: choicesText(session, readOnly, width - 2), color: 'cyan', priority: 1});
	return lines;
}

function choicesText(session: SessionState, readOnly: boolean, width: number): string {
	const gate = session.gate!;
	if (readOnly) return 'read-only view: decide in the terminal that runs the orchestrator';
	if (gate.status === 'checking') return 'waiting for the checks to finish…';
	const bindings = decisionBindings(gate.options);
	if (bindings.length === 0) return 'no decisions offered';
	const choices = bindings.map(b => `[${b.label}] ${b.short}`);
	// Narrow panels: tighter, then keys only (the help lists what they do).
	for (const text of [choices.join('   '), choices.join(' ')]) if (stringWidth(text) <= width) return text;
	return `${bindings.map(b => `[${b.label}]`).join(' ')}  [?] help`;
}

/** Keeps the most important lines that fit, in their original order. */
export function fitGateLines(lines: GateLine[], rows: number): GateLine[] {
	if (lines.length <= rows) return lines;
	const ranked = lines.map((line, index) => ({line, index})).sort((a, b) => a.line.priority - b.line.priority || a.index - b.index);
	const keep = new Set(ranked.slice(0, Math.max(0, rows)).map(r => r.index));
	return lines.filter((_, index) => keep.has(index));
}

export const GatePanel = memo(function GatePanel({session, readOnly, width, height}: {session: SessionState; readOnly: boolean; width: number; height: number}) {
	if (height <= 0) return null;
	const lines = fitGateLines(gateLines(session, readOnly, width - 1), height - 1);
	const color = session.gate?.kind === 'failure' ? 'red' : 'yellow';
	return (
		<Box flexDirection="column" width={width} height={height} flexShrink={0} overflow="hidden" borderStyle="single" borderLeft={false} borderRight={false} borderBottom={false} borderColor={color}>
			{lines.map((line, i) => (
				<Box key={i} height={1} flexShrink={0} overflow="hidden">
					<Text wrap="truncate-end" color={line.color} bold={line.bold} dimColor={line.dim}>
						{' '}
						{line.text}
					</Text>
				</Box>
			))}
		</Box>
	);
});
