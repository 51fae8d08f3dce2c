// Pure renderers: session state → the text of each memory file (SPEC.md "Memory files").
import type {Checkpoint, FileChange, PhaseReport, SessionState, StepState} from '../types.js';
import {formatDuration} from './session.js';

export interface CurrentPhaseFile {
	implementation_id: string;
	current_phase: string | null;
	phases_completed: string[];
	phases_remaining: string[];
	last_checkpoint: string | null;
	status: SessionState['status'];
	plan: {path: string; hash: string};
	/** Everything resume needs. */
	session: SessionState;
}

export function renderCurrentPhase(session: SessionState): CurrentPhaseFile {
	const completed = session.phases.filter(p => p.status === 'approved' || p.status === 'skipped').map(p => p.id);
	const remaining = session.phases.filter(p => !completed.includes(p.id)).map(p => p.id);
	const last = session.checkpoints.at(-1);
	return {
		implementation_id: session.implementationId,
		current_phase: session.currentPhase,
		phases_completed: completed,
		phases_remaining: remaining,
		last_checkpoint: last?.time ?? null,
		status: session.status,
		plan: {path: session.planPath, hash: session.planHash},
		session,
	};
}

export function renderChanges(session: SessionState): SessionState['changes'] {
	return session.changes;
}

function fileList(files: FileChange[]): string {
	if (files.length === 0) return 'none';
	return files.map(f => `\`${f.path}\` (${f.status} +${f.added} −${f.removed})`).join(', ');
}

function stepBlock(step: StepState): string {
	const lines = [
		`- **${step.id}** ${step.title}`,
		`  - agent: ${step.agent}`,
		`  - status: ${step.status}${step.error ? ` (${step.error})` : ''}`,
		`  - files: ${fileList(step.files)}`,
	];
	if (step.commit) lines.push(`  - commit: ${step.commit.slice(0, 12)}${step.noChanges ? ' (no changes)' : ''}`);
	if (step.durationMs !== undefined) lines.push(`  - duration: ${formatDuration(step.durationMs)}`);
	for (const warning of step.warnings) lines.push(`  - warning: ${warning}`);
	return lines.join('\n');
}

export function renderReport(report: PhaseReport): string {
	const lines = [`**Phase report** (${formatDuration(report.durationMs)}, ${report.steps} steps, remaining ~${formatDuration(report.remainingMs)})`, ''];
	lines.push('| file | status | + | − |', '|---|---|---|---|');
	for (const f of report.files) lines.push(`| ${f.path} | ${f.status} | ${f.added} | ${f.removed} |`);
	if (report.files.length === 0) lines.push('| (no changes) | | | |');
	lines.push('');
	for (const check of report.checks) {
		lines.push(`- check \`${check.command}\`: ${check.ok ? 'passed' : 'FAILED'}${check.summary ? ` (${check.summary})` : ''}${check.note ? ` — ${check.note}` : ''} in ${formatDuration(check.durationMs)}`);
	}
	if (report.checks.length === 0) lines.push('- no checks');
	for (const warning of report.warnings) lines.push(`- warning: ${warning}`);
	return lines.join('\n');
}

function phaseSections(session: SessionState, include: (step: StepState) => boolean, withReports: boolean): string[] {
	const out: string[] = [];
	for (const phase of session.phases) {
		const steps = phase.stepIds.map(id => session.steps[id]).filter((s): s is StepState => Boolean(s) && include(s));
		const report = withReports ? session.reports[phase.id] : undefined;
		if (steps.length === 0 && !report) continue;
		out.push(`## ${phase.title} (\`${phase.id}\`, ${phase.status})`, '');
		for (const step of steps) out.push(stepBlock(step));
		if (report) out.push('', renderReport(report));
		out.push('');
	}
	return out;
}

export function renderCompleted(session: SessionState): string {
	const done = (s: StepState) => s.status === 'done' || s.status === 'skipped';
	return [`# Completed changes — ${session.implementationId}`, '', ...phaseSections(session, done, true)].join('\n');
}

export function renderPending(session: SessionState): string {
	const pending = (s: StepState) => s.status !== 'done' && s.status !== 'skipped';
	return [`# Pending changes — ${session.implementationId}`, '', ...phaseSections(session, pending, false)].join('\n');
}

function checkpointTarget(cp: Checkpoint): string {
	return cp.tag ?? cp.ref ?? cp.commit;
}

export function renderRollbackPlan(session: SessionState): string {
	const lines = [
		`# Rollback plan — ${session.implementationId}`,
		'',
		'Every checkpoint of this session, newest last. `orchestrator rollback NAME` restores the working tree',
		'and index exactly as at that checkpoint; the state it replaces is kept first under',
		`\`refs/orchestrator/${session.implementationId}/before-rollback-<n>\`, so a rollback can itself be undone.`,
		'',
		'| checkpoint | kind | commit | tag / ref | time | go back |',
		'|---|---|---|---|---|---|',
	];
	for (const cp of session.checkpoints) {
		const back = cp.kind === 'backup' || cp.kind === 'before-rollback'
			? `\`git checkout ${cp.commit.slice(0, 12)} -- .\``
			: `\`orchestrator rollback ${cp.name} --yes\``;
		lines.push(`| ${cp.name} | ${cp.kind} | ${cp.commit.slice(0, 12)} | ${cp.tag ?? cp.ref ?? ''} | ${cp.time} | ${back} |`);
	}
	lines.push('', 'By hand, without the orchestrator: `git reset --hard <commit> && git clean -fd` (the memory folder is');
	lines.push('excluded from git and survives it).');
	for (const cp of session.checkpoints.filter(c => c.kind === 'backup')) {
		lines.push('', `The uncommitted work found before the first step is kept under \`${checkpointTarget(cp)}\` (${cp.commit.slice(0, 12)}):`);
		lines.push(`restore it with \`git checkout ${cp.commit.slice(0, 12)} -- .\``);
	}
	return lines.join('\n') + '\n';
}
