import fs from 'node:fs';
import path from 'node:path';

/** The memory folder, relative to the repository root (SPEC.md "Memory files"). */
export const MEMORY_DIR = '.specify/agents/context/implementation';

export function memoryPaths(cwd: string) {
	const dir = path.join(cwd, MEMORY_DIR);
	return {
		dir,
		currentPhase: path.join(dir, 'current-phase.json'),
		changes: path.join(dir, 'changes.json'),
		completed: path.join(dir, 'completed-changes.md'),
		pending: path.join(dir, 'pending-changes.md'),
		rollbackPlan: path.join(dir, 'rollback-plan.md'),
		events: path.join(dir, 'events.jsonl'),
		lock: path.join(dir, 'lock'),
		logsDir: path.join(dir, 'logs'),
		handoffsDir: path.join(dir, 'handoffs'),
		/** The agent's raw output, byte for byte (the audit copy). */
		log: (stepId: string) => path.join(dir, 'logs', `${safeName(stepId)}.log`),
		/** The same output as the output pane shows it: parsed by the preset, sanitized. */
		view: (stepId: string) => path.join(dir, 'logs', `${safeName(stepId)}.view.log`),
		handoff: (stepId: string) => path.join(dir, 'handoffs', `${safeName(stepId)}.md`),
	};
}

export type MemoryPaths = ReturnType<typeof memoryPaths>;

/** Step ids come from user files: keep them from escaping the folder. */
export function safeName(id: string): string {
	return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** What a viewer reads for a step: the readable lines when the engine wrote them, else the raw log. */
export function displayLog(paths: MemoryPaths, stepId: string): string {
	const view = paths.view(stepId);
	return fs.existsSync(view) ? view : paths.log(stepId);
}
