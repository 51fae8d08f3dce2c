import React, {memo} from 'react';
import {Box, Text} from 'ink';
import type {SessionState} from '../../types.js';
import {elapsedMs, formatDuration} from '../../store/session.js';
import {paneInner} from '../layout.js';
import {STEP_ICON} from '../text.js';
import {stateBadge} from '../view-model.js';
import {Pane} from './pane.js';

interface Line {
	text: string;
	color?: string;
	bold?: boolean;
	dim?: boolean;
}

/** Keeps `room` lines of a section, saying how many were left out. */
function cut(lines: Line[], room: number): Line[] {
	if (lines.length <= room) return lines;
	if (room <= 0) return [];
	return [...lines.slice(0, room - 1), {text: `  … ${lines.length - room + 1} more`, dim: true}];
}

export function summaryLines(session: SessionState, rows: number): Line[] {
	const steps = session.order.length > 0 ? session.order : Object.keys(session.steps);
	const seen = new Set(steps);
	const all = [...steps, ...Object.keys(session.steps).filter(id => !seen.has(id))];
	const counts = {done: 0, failed: 0, skipped: 0, other: 0};
	const stepLines: Line[] = [];
	for (const id of all) {
		const step = session.steps[id];
		if (!step) continue;
		if (step.status === 'done') counts.done++;
		else if (step.status === 'failed') counts.failed++;
		else if (step.status === 'skipped') counts.skipped++;
		else counts.other++;
		const icon = step.status === 'running' ? '●' : STEP_ICON[step.status];
		const duration = step.durationMs !== undefined ? formatDuration(step.durationMs) : '';
		stepLines.push({
			text: `  ${icon} ${step.id} ${step.title}${duration ? ` · ${duration}` : ''}${step.noChanges ? ' · no changes' : ''}`,
			color: step.status === 'failed' ? 'red' : step.status === 'done' ? undefined : 'gray',
		});
	}
	const checkpointLines: Line[] = session.checkpoints.map(cp => ({
		text: `  ${cp.name} ${cp.commit.slice(0, 10)}${cp.tag ? ` (${cp.tag})` : ''}`,
	}));
	const checkLines: Line[] = [];
	for (const phase of session.phases) {
		const report = session.reports[phase.id];
		if (!report || report.checks.length === 0) continue;
		const parts = report.checks.map(c => `${c.ok ? '✓' : '✗'} ${c.name ?? c.command}${c.summary ? ` ${c.summary}` : ''}`);
		checkLines.push({text: `  ${phase.title}: ${parts.join(' · ')}`, color: report.checks.every(c => c.ok) ? 'green' : 'red'});
	}
	const badge = stateBadge(session);
	const head: Line[] = [
		{
			text: `${badge.text.toUpperCase()} · ${counts.done} done${counts.failed ? `, ${counts.failed} failed` : ''}${counts.skipped ? `, ${counts.skipped} skipped` : ''}${counts.other ? `, ${counts.other} not run` : ''} · ${formatDuration(elapsedMs(session))}`,
			color: badge.color,
			bold: true,
		},
	];
	if (session.message) head.push({text: session.message, dim: true});
	const foot: Line = {text: 'press q to quit', color: 'cyan'};
	let room = Math.max(0, rows - head.length - 1);
	// Section headers cost a line each; checks and checkpoints get a share, steps the rest.
	const sections: Line[] = [];
	const checkRoom = checkLines.length ? Math.min(checkLines.length, Math.max(1, Math.floor(room / 4))) : 0;
	const cpRoom = checkpointLines.length ? Math.min(checkpointLines.length, Math.max(1, Math.floor(room / 4))) : 0;
	const stepRoom = Math.max(0, room - (checkRoom ? checkRoom + 1 : 0) - (cpRoom ? cpRoom + 1 : 0) - 1);
	if (stepRoom > 0) sections.push({text: 'Steps', bold: true}, ...cut(stepLines, stepRoom));
	room -= sections.length;
	if (checkRoom && room > 1) {
		const part = cut(checkLines, Math.min(checkRoom, room - 1));
		sections.push({text: 'Checks', bold: true}, ...part);
		room -= part.length + 1;
	}
	if (cpRoom && room > 1) {
		// The newest checkpoints matter most: show the end of the list.
		const newest = checkpointLines.slice(-Math.min(cpRoom, room - 1));
		sections.push({text: `Checkpoints (${checkpointLines.length})`, bold: true}, ...newest);
	}
	return [...head, ...sections, foot];
}

export const Summary = memo(function Summary({session, width, height}: {session: SessionState; width: number; height: number}) {
	const lines = summaryLines(session, paneInner(height));
	return (
		<Pane title="Summary" width={width} height={height}>
			{lines.map((line, i) => (
				<Box key={i} height={1} flexShrink={0} overflow="hidden">
					<Text wrap="truncate-end" color={line.color} bold={line.bold} dimColor={line.dim}>
						{line.text}
					</Text>
				</Box>
			))}
		</Pane>
	);
});
