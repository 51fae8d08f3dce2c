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
		log: (stepId: string) => path.join(dir, 'logs', `${safeName(stepId)}.log`),
		handoff: (stepId: string) => path.join(dir, 'handoffs', `${safeName(stepId)}.md`),
	};
}

export type MemoryPaths = ReturnType<typeof memoryPaths>;

/** Step ids come from user files: keep them from escaping the folder. */
export function safeName(id: string): string {
	return id.replace(/[^A-Za-z0-9._-]/g, '_');
}
