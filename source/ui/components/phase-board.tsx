import React, {memo, useRef} from 'react';
import {Box} from 'ink';
import stringWidth from 'string-width';
import type {PhaseState, SessionState, StepState} from '../../types.js';
import {formatDuration, phaseProgress} from '../../store/session.js';
import {useClock} from '../context.js';
import {SPINNER} from '../hooks/clock.js';
import {paneInner} from '../layout.js';
import {STEP_COLOR, STEP_ICON} from '../text.js';
import type {BoardRow} from '../view-model.js';
import {Line, Pane} from './pane.js';

const PHASE_ICON: Record<PhaseState['status'], {icon: string; color: string}> = {
	pending: {icon: '○', color: 'gray'},
	running: {icon: '●', color: 'yellow'},
	gate: {icon: '●', color: 'yellow'},
	approved: {icon: '✓', color: 'green'},
	failed: {icon: '✗', color: 'red'},
	skipped: {icon: '↷', color: 'gray'},
};

export interface PhaseBoardProps {
	session: SessionState;
	rows: BoardRow[];
	/** Index in `rows` of the selected row. */
	cursor: number;
	pinned: string | null;
	width: number;
	height: number;
	focused: boolean;
}

/** The first visible row, moved as little as possible to keep the cursor in view. */
export function scrollTop(previous: number, cursor: number, visible: number, total: number): number {
	if (visible <= 0) return 0;
	let top = Math.min(previous, Math.max(0, total - visible));
	if (cursor < top) top = cursor;
	else if (cursor >= top + visible) top = cursor - visible + 1;
	return Math.max(0, top);
}

export const PhaseBoard = memo(function PhaseBoard({session, rows, cursor, pinned, width, height, focused}: PhaseBoardProps) {
	const visible = paneInner(height);
	const topRef = useRef(0);
	const top = scrollTop(topRef.current, cursor, visible, rows.length);
	topRef.current = top;
	const slice = rows.slice(top, top + visible);
	const title = pinned ? `Phases · pinned ${pinned}` : 'Phases';
	return (
		<Pane title={rows.length > visible ? `${title} · ${cursor + 1}/${rows.length}` : title} width={width} height={height} focused={focused}>
			{slice.map((row, i) =>
				row.kind === 'phase' ? (
					<PhaseRow key={`p:${row.phase.id}`} session={session} phase={row.phase} selected={top + i === cursor} width={width - 2} />
				) : (
					<StepRow
						key={`s:${row.stepId}`}
						step={session.steps[row.stepId]}
						selected={top + i === cursor}
						pinned={pinned === row.stepId}
						width={width - 2}
					/>
				),
			)}
		</Pane>
	);
});

function PhaseRow({session, phase, selected, width}: {session: SessionState; phase: PhaseState; selected: boolean; width: number}) {
	const {done, total} = phaseProgress(session, phase.id);
	const look = PHASE_ICON[phase.status] ?? PHASE_ICON.pending;
	return (
		<Line
			width={width}
			segments={[
				{text: selected ? '▸ ' : '  ', color: 'cyan'},
				{text: `${look.icon} `, color: look.color},
				{text: phase.title, bold: true, grow: true},
				{text: ` ${done}/${total}`, dim: true},
			]}
		/>
	);
}

function StepRow({step, selected, pinned, width}: {step: StepState | undefined; selected: boolean; pinned: boolean; width: number}) {
	const {now, frame} = useClock();
	if (!step) return <Box height={1} />;
	const icon = step.status === 'running' ? SPINNER[frame % SPINNER.length] : STEP_ICON[step.status];
	let duration = '';
	if (step.status === 'running' && step.startedAt) duration = formatDuration(now - Date.parse(step.startedAt));
	else if (step.durationMs !== undefined && step.status !== 'pending') duration = formatDuration(step.durationMs);
	const quiet = step.status === 'pending' || step.status === 'skipped';
	// The agent name goes first when room is short; the title keeps what is left.
	const inner = width - 5 - (duration ? duration.length + 1 : 0);
	const main = `${step.id} ${step.title}`;
	const agent = stringWidth(main) + stringWidth(step.agent) + 3 <= inner ? ` · ${step.agent}` : '';
	return (
		<Line
			width={width}
			segments={[
				{text: selected ? '▸ ' : '  ', color: 'cyan'},
				{text: ' '},
				{text: `${icon} `, color: STEP_COLOR[step.status]},
				{text: main, bold: selected, underline: pinned, dim: quiet, grow: !agent},
				...(agent ? [{text: agent, dim: true, grow: true}] : []),
				...(duration ? [{text: ` ${duration}`, dim: true}] : []),
			]}
		/>
	);
}
