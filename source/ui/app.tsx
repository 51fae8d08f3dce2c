// The full-screen UI. It only reads the store and calls its actions: no git, no processes,
// no file I/O (the view service fills `output` and `patches` when asked).
import React, {useCallback, useMemo, useRef, useState} from 'react';
import {Box, Text, useInput, useStdin, type Key} from 'ink';
import type {SessionState} from '../types.js';
import type {OrchestratorStore} from '../store/store.js';
import {StoreContext, useStoreSelect} from './context.js';
import {ClockProvider} from './hooks/clock.js';
import {useTerminalSize, type TerminalSize} from './hooks/use-terminal-size.js';
import {bindingFor, bindingOf, decisionBindings, type Command, type KeyBinding} from './keymap.js';
import {computeLayout, paneInner, type Layout} from './layout.js';
import {boardRows, followedStep, gateWaiting, isFinished, type BoardRow} from './view-model.js';
import {Header} from './components/header.js';
import {PhaseBoard} from './components/phase-board.js';
import {OutputPane, outputWindow} from './components/output-pane.js';
import {DiffPane, diffRows, patchLines, stepFiles} from './components/diff-pane.js';
import {GatePanel, gateLines} from './components/gate-panel.js';
import {StatusBar} from './components/status-bar.js';
import {HelpOverlay} from './components/help-overlay.js';
import {ConfirmDialog} from './components/confirm-dialog.js';
import {Summary} from './components/summary.js';
import {TooSmall} from './components/too-small.js';
import {patchKey} from '../store/store.js';
import {lastCheckpoint} from '../store/session.js';

export type Focus = 'board' | 'output' | 'diff';
const FOCUS_ORDER: Focus[] = ['board', 'output', 'diff'];

interface Confirm {
	kind: 'rollback' | 'skip' | 'quit';
	question: string;
}

interface UiState {
	focus: Focus;
	/** Step under the board cursor; null = the cursor sits on the shown step. */
	cursor: string | null;
	/** Step whose output and diff are shown; null = follow the running step. */
	pinned: string | null;
	/** Scroll state of the right column, valid for the step in `viewFor` only. */
	viewFor: string | null;
	outputTop: number | null;
	fileIndex: number;
	patchTop: number;
	help: boolean;
	confirm: Confirm | null;
}

const INITIAL_UI: UiState = {focus: 'board', cursor: null, pinned: null, viewFor: null, outputTop: null, fileIndex: 0, patchTop: 0, help: false, confirm: null};

export interface AppProps {
	store: OrchestratorStore;
	/** Overrides the terminal size (tests). */
	size?: TerminalSize;
}

export function App({store, size}: AppProps) {
	return (
		<StoreContext.Provider value={store}>
			<Screen store={store} size={size} />
		</StoreContext.Provider>
	);
}

function clockInterval(session: SessionState | null): number | null {
	if (!session || isFinished(session)) return null;
	// 4 spinner frames a second while an agent runs (1 while it floods its output: see ClockProvider).
	if (session.running.length === 0) return 1000;
	return 250;
}

function Screen({store, size: sizeOverride}: AppProps) {
	const size = useTerminalSize(sizeOverride);
	const session = useStoreSelect(s => s.session);
	const plan = useStoreSelect(s => s.plan);
	const readOnly = useStoreSelect(s => s.readOnly);
	const notice = useStoreSelect(s => s.notice);
	const {isRawModeSupported} = useStdin();

	const [ui, setUi] = useState<UiState>(INITIAL_UI);
	// The handler may see several keys before React re-renders: keep the latest state in a ref.
	const uiRef = useRef(ui);
	const update = useCallback((change: (prev: UiState) => UiState) => {
		uiRef.current = change(uiRef.current);
		setUi(uiRef.current);
	}, []);

	const rows = useMemo(() => (session ? boardRows(session) : []), [session?.phases, session?.extraSteps, session?.steps]); // eslint-disable-line react-hooks/exhaustive-deps
	const finished = session ? isFinished(session) : false;
	const gateCount = session?.gate && !finished ? gateLines(session, readOnly).length : 0;
	const layout = computeLayout(size, {gateLines: gateCount, confirm: ui.confirm !== null});

	const followed = session ? followedStep(session) : undefined;
	const shownId = ui.pinned && session?.steps[ui.pinned] ? ui.pinned : followed;
	const shownStep = shownId ? session?.steps[shownId] : undefined;
	const view = ui.viewFor === (shownId ?? null) ? ui : {...ui, outputTop: null, fileIndex: 0, patchTop: 0};
	const cursorId = ui.cursor && session?.steps[ui.cursor] ? ui.cursor : (shownId ?? firstStep(rows));
	const cursorIndex = Math.max(0, rows.findIndex(r => r.kind === 'step' && r.stepId === cursorId));

	const handler = useRef<(input: string, key: Key) => void>(() => {});
	handler.current = (input, key) => {
		const binding = bindingFor(input, key);
		const current = uiRef.current;
		if (binding?.command === 'interrupt') {
			store.getState().requestQuit('interrupt');
			return;
		}
		if (current.confirm) {
			if (input === 'y' || input === 'Y') {
				const {kind} = current.confirm;
				update(prev => ({...prev, confirm: null}));
				if (kind === 'quit') store.getState().requestQuit('quit');
				else store.getState().decide(kind);
			} else if (input === 'n' || input === 'N' || key.escape) {
				update(prev => ({...prev, confirm: null}));
			}
			return;
		}
		if (!binding) return;
		if (current.help && binding.command !== 'help' && binding.command !== 'back' && binding.command !== 'quit') return;
		run(binding);
	};

	const run = (binding: KeyBinding) => {
		const state = store.getState();
		const sess = state.session;
		const command: Command = binding.command;
		if (binding.decision) {
			if (!sess?.gate || !gateWaiting(sess, state.readOnly) || !sess.gate.options.includes(binding.decision)) return;
			if (command === 'rollback') {
				const cp = sess.gate?.rollbackTo ?? lastCheckpoint(sess);
				ask('rollback', `Roll back to ${cp ? `checkpoint ${cp.name} (${cp.commit.slice(0, 10)})` : 'the last checkpoint'}?`);
			} else if (command === 'skip') {
				const target = sess.gate.stepId ?? sess.gate.phaseId;
				ask('skip', `Skip ${target}?`);
			} else {
				state.decide(binding.decision);
			}
			return;
		}
		switch (command) {
			case 'pause':
				if (!state.readOnly) state.togglePause();
				return;
			case 'quit':
				if (!state.readOnly && sess && sess.running.length > 0) ask('quit', 'An agent is running. Quit now? (the state is saved either way)');
				else state.requestQuit('quit');
				return;
			case 'help':
				update(prev => ({...prev, help: !prev.help}));
				return;
			case 'back':
				update(prev => (prev.help ? {...prev, help: false} : prev.pinned ? {...prev, pinned: null, cursor: null} : {...prev, cursor: null}));
				return;
			case 'focusNext':
			case 'focusPrev': {
				const step = command === 'focusNext' ? 1 : FOCUS_ORDER.length - 1;
				update(prev => ({...prev, focus: FOCUS_ORDER[(FOCUS_ORDER.indexOf(prev.focus) + step) % FOCUS_ORDER.length]}));
				return;
			}
			default:
				navigate(command);
		}
	};

	const ask = (kind: Confirm['kind'], question: string) => update(prev => ({...prev, confirm: {kind, question}, help: false}));

	const navigate = (command: Command) => {
		const focus = uiRef.current.focus;
		if (focus === 'board') moveBoard(command);
		else if (focus === 'output') scrollOutput(command);
		else moveDiff(command);
	};

	const moveBoard = (command: Command) => {
		if (command === 'select') {
			const id = cursorId;
			if (!id) return;
			update(prev => (prev.pinned === id ? {...prev, pinned: null, cursor: id} : {...prev, pinned: id, cursor: id}));
			return;
		}
		const stepRows = rows.flatMap((r, i) => (r.kind === 'step' ? [i] : []));
		if (stepRows.length === 0) return;
		const at = cursorIndex;
		const page = Math.max(1, paneInner(layout.bodyHeight));
		let target: number | undefined;
		switch (command) {
			case 'down':
				target = stepRows.find(i => i > at);
				break;
			case 'up':
				target = [...stepRows].reverse().find(i => i < at);
				break;
			case 'pageDown':
				target = stepRows.find(i => i >= at + page) ?? stepRows.at(-1);
				break;
			case 'pageUp':
				target = [...stepRows].reverse().find(i => i <= at - page) ?? stepRows[0];
				break;
			case 'top':
				target = stepRows[0];
				break;
			case 'bottom':
				target = stepRows.at(-1);
				break;
			default:
				return;
		}
		const row = target === undefined ? undefined : rows[target];
		if (row?.kind === 'step') update(prev => ({...prev, cursor: row.stepId}));
	};

	const viewState = (prev: UiState) => (prev.viewFor === (shownId ?? null) ? prev : {...prev, viewFor: shownId ?? null, outputTop: null, fileIndex: 0, patchTop: 0});

	const scrollOutput = (command: Command) => {
		if (!shownId) return;
		const out = store.getState().output[shownId];
		if (!out) return;
		const visible = paneInner(layout.outputHeight);
		const last = Math.max(0, out.lines.length - visible);
		const base = out.total - out.lines.length;
		update(prev => {
			const next = viewState(prev);
			const {start} = outputWindow(out, next.outputTop, visible);
			let to: number;
			switch (command) {
				case 'down':
					to = start + 1;
					break;
				case 'up':
					to = start - 1;
					break;
				case 'pageDown':
					to = start + visible;
					break;
				case 'pageUp':
					to = start - visible;
					break;
				case 'top':
					to = 0;
					break;
				case 'bottom':
					to = last;
					break;
				default:
					return prev;
			}
			to = Math.max(0, Math.min(to, last));
			// Back at the end: follow new lines again.
			return {...next, outputTop: to >= last ? null : base + to};
		});
	};

	const moveDiff = (command: Command) => {
		const state = store.getState();
		const step = shownId ? state.session?.steps[shownId] : undefined;
		const files = stepFiles(state, step);
		if (!step || files.length === 0) return;
		update(prev => {
			const next = viewState(prev);
			const index = Math.min(next.fileIndex, files.length - 1);
			const file = files[index];
			const patchRows = diffRows(layout.diffHeight, files.length).patch;
			const lines = patchLines(state.patches[patchKey(step.id, file.path)]).length;
			const maxTop = Math.max(0, lines - patchRows);
			switch (command) {
				case 'down':
					return {...next, fileIndex: Math.min(index + 1, files.length - 1), patchTop: 0};
				case 'up':
					return {...next, fileIndex: Math.max(index - 1, 0), patchTop: 0};
				case 'top':
					return {...next, fileIndex: 0, patchTop: 0};
				case 'bottom':
					return {...next, fileIndex: files.length - 1, patchTop: 0};
				case 'pageDown':
					return {...next, patchTop: Math.min(maxTop, next.patchTop + Math.max(1, patchRows))};
				case 'pageUp':
					return {...next, patchTop: Math.max(0, next.patchTop - Math.max(1, patchRows))};
				default:
					return prev;
			}
		});
	};

	const onInput = useCallback((input: string, key: Key) => handler.current(input, key), []);
	// isRawModeSupported is stdin.isTTY, undefined for a pipe: only a real true may enable input.
	useInput(onInput, {isActive: isRawModeSupported === true});

	if (layout.tooSmall) return <TooSmall columns={size.columns} rows={size.rows} />;

	const keys = statusKeys(session, readOnly, ui);
	const noticeText = notice ?? session?.message ?? null;
	return (
		<ClockProvider intervalMs={clockInterval(session)}>
			<Box flexDirection="column" width={layout.columns} height={layout.height} overflow="hidden">
				{session ? (
					<Body session={session} readOnly={readOnly} plan={plan} layout={layout} ui={ui} view={view} rows={rows} cursorIndex={cursorIndex} shownId={shownId} shownStep={shownStep} finished={finished} />
				) : (
					<Box height={layout.height - layout.statusHeight} flexDirection="column">
						<Text> orchestrator</Text>
						<Text dimColor> waiting for the session…</Text>
					</Box>
				)}
				{ui.confirm ? <ConfirmDialog question={ui.confirm.question} width={layout.columns} /> : null}
				<StatusBar keys={keys} notice={noticeText} width={layout.columns} height={layout.statusHeight} />
			</Box>
		</ClockProvider>
	);
}

function firstStep(rows: BoardRow[]): string | undefined {
	for (const row of rows) if (row.kind === 'step') return row.stepId;
	return undefined;
}

interface BodyProps {
	session: SessionState;
	readOnly: boolean;
	plan: ReturnType<OrchestratorStore['getState']>['plan'];
	layout: Layout;
	ui: UiState;
	view: UiState;
	rows: BoardRow[];
	cursorIndex: number;
	shownId: string | undefined;
	shownStep: SessionState['steps'][string] | undefined;
	finished: boolean;
}

function Body({session, readOnly, plan, layout, ui, view, rows, cursorIndex, shownStep, finished}: BodyProps) {
	const showSummary = finished && !ui.pinned;
	return (
		<>
			<Header session={session} readOnly={readOnly} width={layout.columns} />
			{ui.help ? (
				<HelpOverlay readOnly={readOnly} width={layout.columns} height={layout.bodyHeight + layout.bottomHeight - (ui.confirm ? layout.bottomHeight : 0)} />
			) : (
				<Box flexDirection="row" height={layout.bodyHeight} width={layout.columns} overflow="hidden">
					<PhaseBoard session={session} rows={rows} cursor={cursorIndex} pinned={ui.pinned} width={layout.boardWidth} height={layout.bodyHeight} focused={ui.focus === 'board'} />
					<Box flexDirection="column" width={layout.rightWidth} height={layout.bodyHeight} overflow="hidden">
						{showSummary ? (
							<Summary session={session} width={layout.rightWidth} height={layout.bodyHeight} />
						) : (
							<>
								<OutputPane step={shownStep} plan={plan} top={view.outputTop} width={layout.rightWidth} height={layout.outputHeight} focused={ui.focus === 'output'} />
								{layout.diffHeight > 0 ? (
									<DiffPane step={shownStep} fileIndex={view.fileIndex} patchTop={view.patchTop} width={layout.rightWidth} height={layout.diffHeight} focused={ui.focus === 'diff'} />
								) : null}
								{layout.rightGateHeight > 0 ? <GatePanel session={session} readOnly={readOnly} width={layout.rightWidth} height={layout.rightGateHeight} /> : null}
							</>
						)}
					</Box>
				</Box>
			)}
			{layout.bottom === 'gate' && !ui.help ? <GatePanel session={session} readOnly={readOnly} width={layout.columns} height={layout.bottomHeight} /> : null}
		</>
	);
}

/** The keys that do something right now, for the status bar. */
function statusKeys(session: SessionState | null, readOnly: boolean, ui: UiState): KeyBinding[] {
	if (ui.confirm) return [];
	if (ui.help) return [bindingOf('help'), bindingOf('quit')];
	const keys: KeyBinding[] = [];
	if (session?.gate && gateWaiting(session, readOnly)) keys.push(...decisionBindings(session.gate.options));
	if (!readOnly && session && (session.status === 'running' || session.status === 'starting' || session.status === 'paused')) {
		const pause = bindingOf('pause');
		keys.push(session.pauseRequested || session.status === 'paused' ? {...pause, short: 'continue'} : pause);
	}
	keys.push(bindingOf('focusNext'));
	if (ui.focus === 'board') keys.push(bindingOf('select'));
	if (ui.pinned) keys.push({...bindingOf('back'), short: 'follow'});
	keys.push(bindingOf('help'), bindingOf('quit'));
	return keys;
}
