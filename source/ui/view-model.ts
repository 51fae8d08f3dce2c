// Pure derivations from the session for the views (no React): which rows the board has,
// which step the right column shows, what the header badge says.
import type {PhaseState, SessionState, StepState} from '../types.js';

export type BoardRow = {kind: 'phase'; phase: PhaseState} | {kind: 'step'; stepId: string; phaseId: string};

/**
 * Phases with their steps, in plan order. Steps added at run time (fix forward) that no phase
 * lists yet are shown under their phase, after its own steps.
 */
export function boardRows(session: SessionState): BoardRow[] {
	const listed = new Set<string>();
	for (const phase of session.phases) for (const id of phase.stepIds) listed.add(id);
	const extra = new Map<string, string[]>();
	for (const id of session.extraSteps ?? []) {
		const step = session.steps[id];
		if (!step || listed.has(id)) continue;
		const ids = extra.get(step.phaseId) ?? [];
		ids.push(id);
		extra.set(step.phaseId, ids);
	}
	const rows: BoardRow[] = [];
	for (const phase of session.phases) {
		rows.push({kind: 'phase', phase});
		for (const id of phase.stepIds) rows.push({kind: 'step', stepId: id, phaseId: phase.id});
		for (const id of extra.get(phase.id) ?? []) rows.push({kind: 'step', stepId: id, phaseId: phase.id});
	}
	return rows;
}

/** The step the right column follows when nothing is pinned: the running one, else the last finished. */
export function followedStep(session: SessionState): string | undefined {
	const running = session.running.find(id => session.steps[id]);
	if (running) return running;
	if (session.gate?.stepId && session.steps[session.gate.stepId]) return session.gate.stepId;
	let best: StepState | undefined;
	for (const step of Object.values(session.steps)) {
		if (!step.finishedAt) continue;
		if (step.status === 'pending' || step.status === 'running') continue;
		if (!best || step.finishedAt >= best.finishedAt!) best = step;
	}
	return best?.id;
}

export type Badge = {text: string; color: string};

export function stateBadge(session: SessionState): Badge {
	switch (session.status) {
		case 'starting':
			return {text: 'starting', color: 'cyan'};
		case 'running':
			return session.pauseRequested ? {text: 'pausing after this step', color: 'yellow'} : {text: 'running', color: 'cyan'};
		case 'gate':
			return session.gate?.status === 'checking' ? {text: 'running checks', color: 'yellow'} : {text: 'waiting at gate', color: 'yellow'};
		case 'failed':
			return {text: 'failed', color: 'red'};
		case 'paused':
			return {text: 'paused', color: 'yellow'};
		case 'done':
			return {text: 'done', color: 'green'};
		case 'stopped':
			return {text: 'stopped', color: 'red'};
		case 'interrupted':
			return {text: 'interrupted', color: 'red'};
	}
}

/** The session has ended: the screen shows the summary until q. */
export function isFinished(session: SessionState): boolean {
	return session.status === 'done' || session.status === 'stopped' || session.status === 'interrupted';
}

/** Whether decisions can be made now (the gate waits, the view is not read-only). */
export function gateWaiting(session: SessionState | null, readOnly: boolean): boolean {
	return !readOnly && session?.gate?.status === 'waiting';
}
