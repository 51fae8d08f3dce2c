// The preset registry.
import type {Preset} from '../preset.js';
import {aiderPreset} from './aider.js';
import {claudePreset} from './claude.js';
import {codexPreset} from './codex.js';
import {commandPreset} from './command.js';
import {geminiPreset} from './gemini.js';
import {shellPreset} from './shell.js';

const PRESETS: Record<string, Preset> = {
	claude: claudePreset,
	codex: codexPreset,
	gemini: geminiPreset,
	aider: aiderPreset,
	shell: shellPreset,
	command: commandPreset,
};

export const PRESET_NAMES = Object.keys(PRESETS) as readonly string[];

export function getPreset(name: string): Preset | undefined {
	return Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
}

/** Whether a name is one of the presets (as opposed to a plan agent or a role file). */
export function isPresetName(name: string): boolean {
	return Object.hasOwn(PRESETS, name);
}
