// A `run:` step: the command runs with bash -c (bash is required for the usual scripts:
// pipefail, [[ ]], brace expansion). resolve-agent picks 'sh' instead when bash is not on PATH.
import {UsageError} from '../../util/errors.js';
import type {Preset, PromptContext} from '../preset.js';
import {PlainTextParser} from './plain-text.js';

export const shellPreset: Preset = {
	name: 'shell',
	executable: '',
	buildArgv(ctx: PromptContext, executable: string): string[] {
		// A step that names the shell agent with a prompt but no run: the prompt is the command.
		const command = ctx.run ?? ctx.step.run ?? ctx.step.prompt;
		if (!command?.trim()) throw new UsageError(`step ${ctx.step.id} uses the shell agent but has no run: command — add run: to the step`);
		// AgentSpec.args are shell options (e.g. [-e, -o, pipefail]), so they go before -c.
		return [executable || 'bash', ...ctx.args, '-c', command];
	},
	createParser: () => new PlainTextParser(1),
};
