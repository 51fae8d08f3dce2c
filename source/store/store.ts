// The single source of truth: a zustand vanilla store. The engine mutates it through the
// engine actions; the UI reads it with selectors and dispatches the user actions
// (decide, togglePause, requestQuit, requestPatch). The engine subscribes to those.
import {createStore, type StoreApi} from 'zustand/vanilla';
import type {
	Decision,
	FileChange,
	PhaseState,
	Plan,
	SessionState,
	StepState,
} from '../types.js';

/** Lines kept in memory per step; the full text is in logs/<step>.log. */
export const OUTPUT_LINES_PER_STEP = 2000;
/** Steps whose output stays in memory (older ones are read back from their log on demand). */
export const OUTPUT_STEPS_KEPT = 24;

export interface OutputView {
	lines: string[];
	/** Lines ever received for this step (lines.length ≤ total). */
	total: number;
}

export interface PatchRequest {
	stepId: string;
	file: string;
	seq: number;
}

export interface DecisionRequest {
	value: Decision;
	seq: number;
}

export interface StoreState {
	session: SessionState | null;
	plan: Plan | null;
	/** Bounded output per step (sanitized lines: SGR colours kept, nothing else). */
	output: Record<string, OutputView>;
	/** Live file list of running steps (diff against the last checkpoint). */
	liveFiles: Record<string, FileChange[]>;
	/** Patch text by `${stepId}\0${file}`, filled by the diff service on request. */
	patches: Record<string, string>;
	patchRequest: PatchRequest | null;
	/** The last decision a person made; the engine consumes it by seq. */
	decision: DecisionRequest | null;
	/** A step whose output is not in memory (an older step): the view service loads it from its log. */
	outputRequest: {stepId: string; seq: number} | null;
	/** null, or how the person asked to leave: quit (q, confirmed) or interrupt (Ctrl-C). */
	quitRequested: 'quit' | 'interrupt' | null;
	/** tail: a read-only view; actions that change the session do nothing. */
	readOnly: boolean;
	/** A one-line notice for the status bar (errors of actions, "saved", …). */
	notice: string | null;
	/** An agent prints faster than anyone reads: output arrives in bigger, rarer batches. */
	flooding: boolean;

	// user actions (UI → engine)
	decide(value: Decision): void;
	togglePause(): void;
	requestQuit(kind?: 'quit' | 'interrupt'): void;
	requestPatch(stepId: string, file: string): void;
	requestOutput(stepId: string): void;

	// engine actions
	setSession(session: SessionState | null): void;
	patchSession(patch: Partial<SessionState>): void;
	patchStep(id: string, patch: Partial<StepState>): void;
	patchPhase(id: string, patch: Partial<PhaseState>): void;
	appendOutput(batch: Map<string, string[]>): void;
	resetOutput(stepId: string, lines?: string[], total?: number): void;
	setLiveFiles(stepId: string, files: FileChange[] | null): void;
	setPatch(stepId: string, file: string, text: string): void;
	setNotice(text: string | null): void;
	setFlooding(flooding: boolean): void;
}

export type OrchestratorStore = StoreApi<StoreState>;

export function patchKey(stepId: string, file: string): string {
	return `${stepId}\0${file}`;
}

export function createOrchestratorStore(init: {readOnly?: boolean; plan?: Plan | null} = {}): OrchestratorStore {
	let decisionSeq = 0;
	let patchSeq = 0;
	return createStore<StoreState>()((set, get) => ({
		session: null,
		plan: init.plan ?? null,
		output: {},
		liveFiles: {},
		patches: {},
		patchRequest: null,
		decision: null,
		outputRequest: null,
		quitRequested: null,
		readOnly: init.readOnly ?? false,
		notice: null,
		flooding: false,

		decide(value) {
			if (get().readOnly) return;
			set({decision: {value, seq: ++decisionSeq}});
		},
		togglePause() {
			const {session, readOnly} = get();
			if (readOnly || !session) return;
			set({session: {...session, pauseRequested: !session.pauseRequested}});
		},
		requestQuit(kind = 'quit') {
			// An interrupt wins over a plain quit that is already under way.
			if (get().quitRequested === 'interrupt') return;
			set({quitRequested: kind});
		},
		requestPatch(stepId, file) {
			set({patchRequest: {stepId, file, seq: ++patchSeq}});
		},
		requestOutput(stepId) {
			set({outputRequest: {stepId, seq: ++patchSeq}});
		},

		setSession(session) {
			set({session});
		},
		patchSession(patch) {
			const {session} = get();
			if (!session) return;
			set({session: {...session, ...patch}});
		},
		patchStep(id, patch) {
			const {session} = get();
			const step = session?.steps[id];
			if (!session || !step) return;
			set({session: {...session, steps: {...session.steps, [id]: {...step, ...patch}}}});
		},
		patchPhase(id, patch) {
			const {session} = get();
			if (!session) return;
			const phases = session.phases.map(p => (p.id === id ? {...p, ...patch} : p));
			set({session: {...session, phases}});
		},
		appendOutput(batch) {
			const output = {...get().output};
			for (const [stepId, lines] of batch) {
				const previous = output[stepId];
				// Never copy more than the lines kept: a flood's batch alone may fill the window.
				const fresh = lines.length > OUTPUT_LINES_PER_STEP ? lines.slice(-OUTPUT_LINES_PER_STEP) : lines;
				const room = OUTPUT_LINES_PER_STEP - fresh.length;
				const older = previous && room > 0 ? previous.lines.slice(Math.max(0, previous.lines.length - room)) : [];
				const kept = older.length > 0 ? older.concat(fresh) : fresh.slice();
				// Re-insert so that the key order says which steps were written last.
				delete output[stepId];
				output[stepId] = {lines: kept, total: (previous?.total ?? 0) + lines.length};
			}
			set({output: trimOutputSteps(output)});
		},
		resetOutput(stepId, lines = [], total = lines.length) {
			const output = {...get().output};
			delete output[stepId];
			output[stepId] = {lines: lines.slice(-OUTPUT_LINES_PER_STEP), total};
			set({output: trimOutputSteps(output)});
		},
		setLiveFiles(stepId, files) {
			const liveFiles = {...get().liveFiles};
			if (files) liveFiles[stepId] = files;
			else delete liveFiles[stepId];
			set({liveFiles});
		},
		setPatch(stepId, file, text) {
			set({patches: {...get().patches, [patchKey(stepId, file)]: text}});
		},
		setNotice(text) {
			set({notice: text});
		},
		setFlooding(flooding) {
			if (get().flooding !== flooding) set({flooding});
		},
	}));
}

function trimOutputSteps(output: Record<string, OutputView>): Record<string, OutputView> {
	const keys = Object.keys(output);
	if (keys.length <= OUTPUT_STEPS_KEPT) return output;
	for (const key of keys.slice(0, keys.length - OUTPUT_STEPS_KEPT)) delete output[key];
	return output;
}
