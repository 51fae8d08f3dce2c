// The part of a spec-kit step's agent prompt that is the same for every task of the file: where
// the task comes from, the feature files to read, and not to edit tasks.md. The importer keeps
// only the task's own text in step.prompt (10,000 tasks would otherwise carry 10,000 copies of
// this); buildPrompt appends the note when it writes the prompt an agent gets.
import type {Plan, Step} from '../types.js';

/** The note for a step imported from tasks.md; undefined for any other step (YAML, fix-forward). */
export function specKitTaskNote(plan: Plan, step: Step): string | undefined {
	const info = plan.speckit;
	if (!info || step.sourceLine === undefined) return undefined;
	const tasksRel = info.tasksRel ?? info.tasksPath;
	// The importer names a repeated id T012-2: the note speaks of the id as written.
	const baseId = step.id.replace(/-\d+$/, '');
	const phase = plan.phases.find((p) => p.id === step.phaseId);
	const where = `This is task ${baseId} of ${tasksRel}${phase ? `, phase "${phase.title}"` : ''}${step.story ? `, user story ${step.story}` : ''}.`;
	const context =
		info.contextFiles.length > 0
			? `Feature context: read ${info.contextFiles.join(', ')} before you start.`
			: 'The feature folder has no spec.md or plan.md: work from the task text.';
	return `${where}\n${context}\nDo this task only. Do not edit ${tasksRel}: the orchestrator ticks the task when it is done.`;
}
