import React, {memo, useEffect, useRef} from 'react';
import stringWidth from 'string-width';
import type {FileChange, StepState} from '../../types.js';
import {patchKey, type StoreState} from '../../store/store.js';
import {useOrchestratorStore, useStoreSelect} from '../context.js';
import {paneInner} from '../layout.js';
import {fileCounts, fileTotals, fitStart, inertLine} from '../text.js';
import {Line, Pane, Row} from './pane.js';
import {scrollTop} from './phase-board.js';

const NO_FILES: FileChange[] = [];

/** The files of a step: the live diff while it runs, the recorded list once it finished. */
export function stepFiles(state: Pick<StoreState, 'liveFiles'>, step: StepState | undefined): FileChange[] {
	if (!step) return NO_FILES;
	if (step.status === 'running') return state.liveFiles[step.id] ?? NO_FILES;
	return step.files;
}

/** How the pane splits its rows between the file list and the patch. */
export function diffRows(height: number, fileCount: number): {list: number; patch: number} {
	const inner = paneInner(height);
	const list = Math.min(Math.max(1, fileCount), Math.max(1, Math.floor(inner / 3)));
	return {list: Math.min(list, inner), patch: Math.max(0, inner - list)};
}

export function patchLines(text: string | undefined): string[] {
	if (text === undefined) return [];
	const lines = text.split('\n');
	if (lines.at(-1) === '') lines.pop();
	return lines;
}

function lineColor(line: string): {color?: string; dim?: boolean} {
	if (line.startsWith('+++') || line.startsWith('---')) return {dim: true};
	if (line.startsWith('+')) return {color: 'green'};
	if (line.startsWith('-')) return {color: 'red'};
	if (line.startsWith('@@')) return {color: 'cyan'};
	if (line.startsWith('diff ') || line.startsWith('index ') || line.startsWith('new file') || line.startsWith('deleted file')) return {dim: true};
	return {};
}

export interface DiffPaneProps {
	step: StepState | undefined;
	fileIndex: number;
	patchTop: number;
	width: number;
	height: number;
	focused: boolean;
}

export const DiffPane = memo(function DiffPane({step, fileIndex, patchTop, width, height, focused}: DiffPaneProps) {
	const store = useOrchestratorStore();
	const live = useStoreSelect(state => (step ? state.liveFiles[step.id] : undefined));
	const files = step?.status === 'running' ? (live ?? NO_FILES) : (step?.files ?? NO_FILES);
	const selected = files.length > 0 ? Math.min(Math.max(0, fileIndex), files.length - 1) : -1;
	const file = selected >= 0 ? files[selected] : undefined;
	const key = step && file ? patchKey(step.id, file.path) : null;
	const patch = useStoreSelect(state => (key ? state.patches[key] : undefined));

	// Ask once per file version: a running step's file changes as the agent writes it.
	const version = file ? `${key}\0${file.added}\0${file.removed}` : null;
	const requested = useRef<string | null>(null);
	const stepId = step?.id;
	const running = step?.status === 'running';
	const filePath = file?.path;
	useEffect(() => {
		if (!stepId || !filePath || !version || requested.current === version) return;
		if (patch === undefined || running) {
			requested.current = version;
			store.getState().requestPatch(stepId, filePath);
		}
	}, [stepId, filePath, version, patch, running, store]);

	const rows = diffRows(height, files.length);
	const listTop = useRef(0);
	const top = scrollTop(listTop.current, Math.max(0, selected), rows.list, files.length);
	listTop.current = top;
	const totals = fileTotals(files);
	let title = 'Diff';
	if (step) title = `Diff · ${step.id}${step.status === 'running' ? ' (live)' : ''} · ${files.length} file${files.length === 1 ? '' : 's'} +${totals.added} −${totals.removed}`;
	const inner = Math.max(0, width - 2);
	const longest = files.reduce((max, f) => Math.max(max, stringWidth(f.path)), 0);
	const countsWidth = files.reduce((max, f) => Math.max(max, stringWidth(fileCounts(f))), 0);
	// The path column: as wide as the longest path, leaving room for marker, status and counts.
	const pathWidth = Math.max(4, Math.min(longest, inner - 6 - countsWidth));
	const lines = patchLines(patch);
	const start = Math.min(Math.max(0, patchTop), Math.max(0, lines.length - rows.patch));
	return (
		<Pane title={title} width={width} height={height} focused={focused}>
			{!step ? (
				<Row dim>no step selected</Row>
			) : files.length === 0 ? (
				<Row dim>{step.status === 'pending' ? 'not started yet' : step.noChanges ? 'no changes' : 'no files changed'}</Row>
			) : (
				<>
					{files.slice(top, top + rows.list).map((f, i) => {
						const isSelected = top + i === selected;
						const path = fitStart(f.path, pathWidth);
						return (
							<Line
								key={f.path}
								width={inner}
								segments={[
									{text: isSelected ? '▸ ' : '  ', color: 'cyan'},
									{text: `${f.status} `, color: f.status === 'A' ? 'green' : f.status === 'D' ? 'red' : 'yellow'},
									{text: path + ' '.repeat(Math.max(0, pathWidth - stringWidth(path))), bold: isSelected},
									{text: `  ${fileCounts(f)}`, dim: true},
								]}
							/>
						);
					})}
					{rows.patch > 0 && file ? (
						patch === undefined ? (
							<Row dim>loading…</Row>
						) : lines.length === 0 ? (
							<Row dim>{file.binary ? 'binary file' : 'empty patch'}</Row>
						) : (
							lines.slice(start, start + rows.patch).map((line, i) => {
								const look = lineColor(line);
								return (
									<Row key={start + i} color={look.color} dim={look.dim}>
										{inertLine(line)}
									</Row>
								);
							})
						)
					) : null}
				</>
			)}
		</Pane>
	);
});
