// The text an agent gets for a step: the task, the files it may touch, the spec-kit
// context to read, and the note the previous step left (handoff).
import {specKitTaskNote} from '../plan/speckit-prompt.js';
import type {Plan, Step} from '../types.js';

export interface PromptInput {
	step: Step;
	plan: Plan;
	/** The previous step's handoff note (markdown). */
	handoff?: string;
	/** The expanded text of the step's slash command, used instead of step.prompt. */
	slashPrompt?: string;
}

export function buildPrompt(input: PromptInput): string {
	const {step, plan} = input;
	const task = (input.slashPrompt ?? step.prompt ?? step.slash ?? step.run ?? step.title).trim();
	const sections: string[] = [task];
	// A spec-kit task's prompt is its own text; where it comes from and what to read follow it.
	const note = input.slashPrompt === undefined ? specKitTaskNote(plan, step) : undefined;
	if (note) sections.push(note);

	if (step.files.length > 0) {
		sections.push(
			[
				'## Files',
				'Change only these files (globs allowed); tell us in your answer if the task needs others:',
				...step.files.map((f) => `- ${f}`),
			].join('\n'),
		);
	}

	const context = contextFiles(plan, note ? `${task}\n${note}` : task);
	if (context.length > 0) {
		sections.push(['## Context', `Read ${context.join(', ')} for context before you start.`].join('\n'));
	}

	sections.push(
		[
			'## Rules',
			'Work in the current directory. Do not commit and do not switch branches: the orchestrator checkpoints your changes with git after this step.',
		].join('\n'),
	);

	const handoff = input.handoff?.trim();
	if (handoff) {
		// A handoff note brings its own "## Handoff from …" heading; a bare one gets ours.
		sections.push(/^#{1,6} /.test(handoff) ? handoff : `## Handoff from the previous step\n${handoff}`);
	}
	return `${sections.join('\n\n')}\n`;
}

/** spec-kit feature files the agent should read, minus those the task text already names. */
function contextFiles(plan: Plan, task: string): string[] {
	const files = plan.speckit?.contextFiles ?? [];
	const missing = files.filter((f) => !task.includes(f));
	return missing.length > 0 ? files : [];
}
