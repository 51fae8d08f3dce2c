// Building a fresh session from a plan, and derived values (progress, elapsed, ETA) that
// the header, the status command and the phase report all show the same way.
import type {Plan, SessionState, Step, StepState} from '../types.js';

/** A step's state before it ever ran (done already when the plan says so: spec-kit [X]). */
export function newStepState(step: Step, plan: Plan): StepState {
	return {
		id: step.id,
		phaseId: step.phaseId,
		title: step.title,
		agent: step.run && !step.agent ? 'shell' : (step.agent ?? plan.defaultAgent ?? 'claude'),
		status: step.done ? 'done' : 'pending',
		attempts: 0,
		files: [],
		warnings: [],
	};
}

export function createSession(plan: Plan, cwd: string, order: string[], now = new Date()): SessionState {
	const steps: Record<string, StepState> = {};
	for (const phase of plan.phases) for (const step of phase.steps) steps[step.id] = newStepState(step, plan);
	const iso = now.toISOString();
	return {
		version: 1,
		implementationId: plan.id,
		title: plan.title,
		planPath: plan.source.path,
		planHash: plan.source.hash,
		cwd,
		status: 'starting',
		startedAt: iso,
		elapsedBeforeMs: 0,
		resumedAt: iso,
		currentPhase: plan.phases[0]?.id ?? null,
		phases: plan.phases.map(p => ({
			id: p.id,
			title: p.title,
			status: p.steps.length > 0 && p.steps.every(s => s.done) ? 'approved' : 'pending',
			stepIds: p.steps.map(s => s.id),
		})),
		steps,
		order,
		gate: null,
		checkpoints: [],
		running: [],
		pauseRequested: false,
		rollbacks: 0,
		reports: {},
		changes: {files_modified: [], tests_added: [], documentation_updated: false},
	};
}

/** Wall time the session has been running, over all its processes. */
export function elapsedMs(session: SessionState, now = Date.now()): number {
	const end = session.finishedAt ? Date.parse(session.finishedAt) : now;
	return session.elapsedBeforeMs + Math.max(0, end - Date.parse(session.resumedAt));
}

export function phaseProgress(session: SessionState, phaseId: string): {done: number; total: number} {
	const phase = session.phases.find(p => p.id === phaseId);
	if (!phase) return {done: 0, total: 0};
	let done = 0;
	for (const id of phase.stepIds) {
		const status = session.steps[id]?.status;
		if (status === 'done' || status === 'skipped') done++;
	}
	return {done, total: phase.stepIds.length};
}

/** Remaining time from the mean duration of the steps finished in this session. */
export function etaMs(session: SessionState): number | undefined {
	let sum = 0;
	let measured = 0;
	let remaining = 0;
	for (const step of Object.values(session.steps)) {
		if (step.status === 'done' && step.durationMs !== undefined) {
			sum += step.durationMs;
			measured++;
		} else if (step.status === 'pending' || step.status === 'running' || step.status === 'failed' || step.status === 'rolled_back') {
			remaining++;
		}
	}
	if (measured === 0) return undefined;
	return Math.round((sum / measured) * remaining);
}

export function phaseIndex(session: SessionState): number {
	const index = session.phases.findIndex(p => p.id === session.currentPhase);
	return index < 0 ? session.phases.length : index;
}

export function formatDuration(ms: number | undefined): string {
	if (ms === undefined || !Number.isFinite(ms)) return '--:--';
	const total = Math.max(0, Math.round(ms / 1000));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	const mm = String(m).padStart(2, '0');
	const ss = String(s).padStart(2, '0');
	return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** The checkpoint to roll back to by default: the newest one. */
export function lastCheckpoint(session: SessionState) {
	for (let i = session.checkpoints.length - 1; i >= 0; i--) {
		const cp = session.checkpoints[i];
		if (cp.kind === 'start' || cp.kind === 'step' || cp.kind === 'phase') return cp;
	}
	return undefined;
}
