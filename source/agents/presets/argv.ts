// Small argv helpers shared by the presets.
import type {PromptContext} from '../preset.js';

/** For CLIs without a system-prompt flag: the role's instructions go in front of the task. */
export function withInstructions(ctx: PromptContext): string {
	const instructions = ctx.instructions?.trim();
	return instructions ? `# Instructions\n\n${instructions}\n\n# Task\n\n${ctx.prompt}` : ctx.prompt;
}

/** Option parsers read a value that starts with "-" as a flag; a leading space keeps it a value. */
export function flagValue(value: string): string {
	return value.startsWith('-') ? ` ${value}` : value;
}
