// A plan agent with `command: [argv…]`: any CLI, started WITHOUT a shell. Placeholders are
// filled per argument, in place: "--msg={prompt}" → "--msg=<the prompt>". A value is never
// re-scanned, so a prompt that contains "{run}" stays as written.
import {UsageError} from '../../util/errors.js';
import type {Preset, PromptContext} from '../preset.js';
import {PlainTextParser} from './plain-text.js';

export const PLACEHOLDERS = ['prompt', 'run', 'step', 'role', 'instructions', 'model', 'cwd'] as const;

export function fillPlaceholders(arg: string, ctx: PromptContext): string {
	const values: Record<string, string> = {
		prompt: ctx.prompt,
		run: ctx.run ?? ctx.step.run ?? '',
		step: ctx.step.id,
		role: ctx.rolePath ?? '',
		instructions: ctx.instructions ?? '',
		model: ctx.model ?? '',
		cwd: ctx.cwd,
	};
	return arg.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? values[name] : whole));
}

export const commandPreset: Preset = {
	name: 'command',
	executable: '',
	buildArgv(ctx: PromptContext, executable: string): string[] {
		const template = ctx.command ?? [];
		if (template.length === 0)
			throw new UsageError(`step ${ctx.step.id}: the command agent has no command: argv — add command: [program, args…] to the agent`);
		const argv = template.map((arg) => fillPlaceholders(arg, ctx));
		if (executable) argv[0] = executable;
		return [...argv, ...ctx.args];
	},
	createParser: () => new PlainTextParser(1),
};
