// `orchestrator status`: the session as recorded in the memory files, as text or JSON.
import fs from 'node:fs/promises';
import {readSession} from '../store/memory.js';
import {elapsedMs, etaMs, formatDuration, phaseProgress} from '../store/session.js';
import {isProcessAlive} from '../agents/kill-tree.js';
import {readLockPid} from '../store/lock.js';
import type {SessionState, StepState} from '../types.js';
import {EXIT} from '../util/errors.js';
import {memoryPaths} from '../util/paths.js';
import {findRepoRoot} from './repo-root.js';

const ICON: Record<StepState['status'], string> = {pending: '○', running: '●', done: '✓', failed: '✗', skipped: '↷', rolled_back: '↺'};

export async function statusCommand(opts: {cwd: string; json: boolean; out: NodeJS.WritableStream}): Promise<number> {
	const root = await findRepoRoot(opts.cwd);
	const paths = memoryPaths(root);
	if (opts.json) {
		// Validate first, so a corrupt file gets the same one-line error as everywhere.
		await readSession(paths);
		opts.out.write(await fs.readFile(paths.currentPhase, 'utf8'));
		return EXIT.ok;
	}
	const session = await readSession(paths);
	const pid = readLockPid(paths);
	const live = pid !== null && isProcessAlive(pid);
	opts.out.write(renderStatus(session, live ? pid : null) + '\n');
	return EXIT.ok;
}

export function renderStatus(session: SessionState, livePid: number | null): string {
	const lines: string[] = [];
	const phaseIndex = session.phases.findIndex(p => p.id === session.currentPhase);
	lines.push(`${session.implementationId} · ${session.title}`);
	lines.push(
		`status: ${session.status}${livePid ? ` (running, pid ${livePid})` : ''} · phase ${phaseIndex >= 0 ? phaseIndex + 1 : session.phases.length}/${session.phases.length} · ${formatDuration(elapsedMs(session))} elapsed · ~${formatDuration(etaMs(session))} left`,
	);
	if (session.message) lines.push(`note: ${session.message}`);
	if (session.gate) lines.push(`gate: ${session.gate.phaseId} — ${session.gate.message}${session.gate.status === 'waiting' ? ` (waiting: ${session.gate.options.join(', ')})` : ''}`);
	for (const phase of session.phases) {
		const {done, total} = phaseProgress(session, phase.id);
		lines.push(`${phase.status === 'approved' ? '✓' : phase.status === 'skipped' ? '↷' : phase.id === session.currentPhase ? '●' : '○'} ${phase.title}  ${done}/${total}  (${phase.status})`);
		for (const id of phase.stepIds) {
			const step = session.steps[id];
			if (!step) continue;
			const duration = step.durationMs !== undefined ? ` ${formatDuration(step.durationMs)}` : '';
			const commit = step.commit && !step.noChanges ? ` ${step.commit.slice(0, 8)}` : step.noChanges ? ' no changes' : '';
			lines.push(`    ${ICON[step.status]} ${step.id} ${step.title} · ${step.agent}${duration}${commit}${step.error && step.status !== 'done' ? ` — ${step.error}` : ''}`);
			const summary = step.summary;
			if (summary && (summary.costUsd !== undefined || summary.outputTokens !== undefined)) {
				lines.push(`        ${summary.inputTokens ?? '?'} in / ${summary.outputTokens ?? '?'} out tokens${summary.costUsd !== undefined ? ` · $${summary.costUsd.toFixed(4)}` : ''}`);
			}
		}
	}
	// Snapshots kept before a rollback are not where the tree is.
	const last = [...session.checkpoints].reverse().find(cp => cp.kind !== 'backup' && cp.kind !== 'before-rollback' && cp.commit === (session.headCommit ?? cp.commit));
	if (last) lines.push(`last checkpoint: ${last.name} ${last.commit.slice(0, 8)} at ${last.time}`);
	return lines.join('\n');
}
