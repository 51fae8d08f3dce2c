import React, {memo, useEffect, useRef} from 'react';
import {Box, Text} from 'ink';
import type {Plan, StepState} from '../../types.js';
import {formatDuration} from '../../store/session.js';
import type {OutputView} from '../../store/store.js';
import {useClock, useOrchestratorStore, useStoreSelect} from '../context.js';
import {paneInner} from '../layout.js';
import {Pane, Row} from './pane.js';

/**
 * The first line shown (an index into `view.lines`). `top` is an absolute line number (lines
 * ever received) so the view stays put while new lines arrive; null follows the end.
 */
export function outputWindow(view: OutputView | undefined, top: number | null, visible: number): {start: number; following: boolean} {
	const length = view?.lines.length ?? 0;
	const last = Math.max(0, length - visible);
	if (top === null || !view) return {start: last, following: true};
	const base = view.total - length;
	const start = Math.min(Math.max(0, top - base), last);
	return {start, following: start >= last};
}

/**
 * A line far wider than the pane is cut before Ink measures it (a 64 KB line per frame would
 * cost more than the whole rest of the screen). The cut must not leave half an escape sequence.
 */
export function clipLine(line: string, width: number): string {
	const limit = width * 4 + 256;
	if (line.length <= limit) return line;
	return line.slice(0, limit).replace(/\x1b(\[[0-9;:]*)?$/, '') + '\x1b[0m';
}

const PLAIN = /^[\x20-\x7e]*$/;

/**
 * The visible lines as one text block when they are all plain ASCII (the usual flood), cut to
 * the pane like `truncate-end` would; null when a line has colours or wide characters (those go
 * through Ink's own measuring, one row each). One text node instead of one Box and Text per
 * row: far less layout and reconciling per frame while an agent floods the pane.
 */
export function plainBlock(lines: readonly string[], width: number): string | null {
	let out = '';
	for (let i = 0; i < lines.length; i++) {
		let line = lines[i];
		if (!PLAIN.test(line)) return null;
		if (line.length > width) line = width > 0 ? line.slice(0, width - 1) + '…' : '';
		out += i === 0 ? line : '\n' + line;
	}
	return out;
}

export function agentLabel(step: StepState, plan: Plan | null): string {
	// The engine records the resolved preset; before a step runs, the plan's agent spec says it.
	const preset = step.preset ?? plan?.agents[step.agent]?.preset;
	return preset && preset !== step.agent ? `${step.agent} (${preset})` : step.agent;
}

function stepTiming(step: StepState, now: number): string {
	switch (step.status) {
		case 'running':
			return `running ${step.startedAt ? formatDuration(now - Date.parse(step.startedAt)) : ''}`.trim();
		case 'done':
			return `done ${formatDuration(step.durationMs)}`;
		case 'failed':
			return `failed${step.durationMs !== undefined ? ` ${formatDuration(step.durationMs)}` : ''}${step.exitCode !== undefined && step.exitCode !== null ? ` (exit ${step.exitCode})` : ''}`;
		case 'rolled_back':
			return 'rolled back';
		default:
			return step.status;
	}
}

export interface OutputPaneProps {
	step: StepState | undefined;
	plan: Plan | null;
	top: number | null;
	width: number;
	height: number;
	focused: boolean;
}

export const OutputPane = memo(function OutputPane({step, plan, top, width, height, focused}: OutputPaneProps) {
	const store = useOrchestratorStore();
	const {now} = useClock();
	const stepId = step?.id;
	const view = useStoreSelect(state => (stepId ? state.output[stepId] : undefined));
	const requested = useRef<string | null>(null);
	const needsLoad = Boolean(step && !view && step.status !== 'pending');
	useEffect(() => {
		if (!stepId) return;
		if (view) {
			// Loaded: if the store evicts it later, ask again.
			if (requested.current === stepId) requested.current = null;
			return;
		}
		if (needsLoad && requested.current !== stepId) {
			requested.current = stepId;
			store.getState().requestOutput(stepId);
		}
	}, [stepId, view, needsLoad, store]);

	const visible = paneInner(height);
	let title = 'Output';
	if (step) title = `Output · ${step.id} ${agentLabel(step, plan)} · ${stepTiming(step, now)}`;
	const {start, following} = outputWindow(view, top, visible);
	const lines = view ? view.lines.slice(start, start + visible) : [];
	if (view && !following) {
		const base = view.total - view.lines.length;
		title += ` · lines ${base + start + 1}–${base + start + lines.length} of ${view.total}`;
	}
	let placeholder: string | null = null;
	if (!step) placeholder = 'waiting for the first step…';
	else if (!view) placeholder = step.status === 'pending' ? 'not started yet' : 'loading…';
	else if (view.lines.length === 0) placeholder = step.status === 'running' ? 'no output yet' : 'no output';
	// Inside the pane's borders.
	const block = placeholder ? null : plainBlock(lines, width - 2);
	return (
		<Pane title={title} width={width} height={height} focused={focused}>
			{placeholder ? (
				<Row dim>{placeholder}</Row>
			) : block !== null ? (
				<Text wrap="truncate-end">{block}</Text>
			) : (
				// Keyed by row, not by line number: a scrolling pane updates its rows in place.
				lines.map((line, i) => (
					<Box key={i} height={1} flexShrink={0} overflow="hidden">
						<Text wrap="truncate-end">{clipLine(line, width)}</Text>
					</Box>
				))
			)}
		</Pane>
	);
});
