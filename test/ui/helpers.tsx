// Test helpers for the UI: plans built by hand, a real store, ink-testing-library with act().
import React from 'react';
import {act} from 'react';
import {render} from 'ink-testing-library';
import {stripAnsi} from '../../source/agents/sanitize.js';
import type {GateState, Plan, Step} from '../../source/types.js';
import {createSession} from '../../source/store/session.js';
import {createOrchestratorStore, type OrchestratorStore} from '../../source/store/store.js';
import {App} from '../../source/ui/app.js';

export const KEYS = {
	enter: '\r',
	esc: '\u001B',
	tab: '\t',
	shiftTab: '\u001B[Z',
	up: '\u001B[A',
	down: '\u001B[B',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	ctrlC: '\u0003',
};

export interface PhaseInput {
	id: string;
	title: string;
	steps: Array<Partial<Step> & {id: string; title: string}>;
}

export function makePlan(phases: PhaseInput[], extra: Partial<Plan> = {}): Plan {
	return {
		id: 'user-export',
		title: 'Add user export',
		agents: {'code-writer': {preset: 'claude'}, 'test-writer': {preset: 'codex'}},
		strict: false,
		max_files: 20,
		phases: phases.map(p => ({
			id: p.id,
			title: p.title,
			gate: {checks: [{command: 'npm test'}], approve: true, tag: true},
			steps: p.steps.map(s => ({
				phaseId: p.id,
				agent: 'code-writer',
				prompt: `do ${s.title}`,
				files: [],
				depends_on: [],
				parallel: false,
				done: false,
				...s,
			})),
		})),
		source: {path: '/tmp/plan.yaml', format: 'yaml', hash: 'abc'},
		...extra,
	};
}

/** The plan of SPEC.md's sketch: 4 phases, 10 steps. */
export function samplePlan(): Plan {
	return makePlan([
		{id: 'setup', title: 'Setup', steps: [{id: 'T001', title: 'Create directory structure'}, {id: 'T002', title: 'Install csv writer', run: 'npm i', agent: undefined}, {id: 'T003', title: 'Configure lint'}]},
		{id: 'core', title: 'Core Implementation', steps: [{id: 'T004', title: 'User model'}, {id: 'T005', title: 'Export service'}, {id: 'T006', title: 'Export endpoint'}]},
		{id: 'testing', title: 'Testing', steps: [{id: 'T007', title: 'Contract tests', agent: 'test-writer'}, {id: 'T008', title: 'Integration tests', agent: 'test-writer'}]},
		{id: 'polish', title: 'Polish', steps: [{id: 'T009', title: 'Docs'}, {id: 'T010', title: 'Changelog'}]},
	]);
}

export function storeFor(plan: Plan, opts: {readOnly?: boolean} = {}): OrchestratorStore {
	const store = createOrchestratorStore({plan, readOnly: opts.readOnly});
	const order = plan.phases.flatMap(p => p.steps.map(s => s.id));
	const session = createSession(plan, '/tmp/repo', order, new Date(Date.now() - 60_000));
	store.getState().setSession({...session, status: 'running'});
	return store;
}

export const tick = (ms = 0) => new Promise<void>(resolve => setTimeout(resolve, ms));

export async function renderApp(store: OrchestratorStore, size = {columns: 120, rows: 40}) {
	let result!: ReturnType<typeof render>;
	// ink-testing-library's stdout is 100 columns wide; Ink lays the root out at that width,
	// so make it report the size under test (Ink reads it on every render and on 'resize').
	let columns = size.columns;
	await act(async () => {
		result = render(<App store={store} size={size} />);
		Object.defineProperty(result.stdout, 'columns', {get: () => columns, configurable: true});
		result.stdout.emit('resize');
	});
	await act(async () => {
		await tick();
	});
	const screen = {
		...result,
		frame: () => stripAnsi(result.lastFrame() ?? ''),
		async press(...keys: string[]) {
			for (const key of keys) {
				await act(async () => {
					result.stdin.write(key);
				});
				await act(async () => {
					await tick();
				});
			}
		},
		async update(change: () => void) {
			await act(async () => {
				change();
			});
			await act(async () => {
				await tick();
			});
		},
		async resize(next: {columns: number; rows: number}) {
			columns = next.columns;
			await act(async () => {
				result.stdout.emit('resize');
				result.rerender(<App store={store} size={next} />);
			});
			await act(async () => {
				await tick();
			});
		},
	};
	return screen;
}

/** Marks the steps done with durations, like the engine would. */
export function finishSteps(store: OrchestratorStore, ids: string[], durationMs = 20_000) {
	const s = store.getState();
	for (const id of ids) {
		s.patchStep(id, {status: 'done', durationMs, startedAt: new Date(Date.now() - durationMs).toISOString(), finishedAt: new Date().toISOString()});
	}
}

export function startStep(store: OrchestratorStore, id: string, agoMs = 12_000) {
	const s = store.getState();
	s.patchStep(id, {status: 'running', attempts: 1, startedAt: new Date(Date.now() - agoMs).toISOString()});
	s.patchSession({running: [id]});
}

export function openGate(store: OrchestratorStore, gate: Partial<GateState> = {}) {
	const session = store.getState().session!;
	store.getState().patchSession({
		status: 'gate',
		running: [],
		gate: {
			kind: 'phase',
			phaseId: session.phases[0].id,
			status: 'waiting',
			message: 'review the phase',
			options: ['approve', 'retry', 'rollback', 'fix', 'quit'],
			fixAttempts: 0,
			openedAt: new Date().toISOString(),
			...gate,
		},
	});
}
