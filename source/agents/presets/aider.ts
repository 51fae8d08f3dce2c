// Aider: `aider --message <prompt> --yes-always --no-auto-commits --no-pretty`. Plain text out;
// the orchestrator makes the commits, so aider's own are off. The role file is given with --read
// (aider has no system-prompt flag; a read-only file in the chat is its way to add instructions).
// The step's literal file paths (not globs) are added to the chat so aider may edit them.
import type {AgentSummary} from '../../types.js';
import type {Preset, PromptContext} from '../preset.js';
import {flagValue, withInstructions} from './argv.js';
import {PlainTextParser} from './plain-text.js';

export const aiderPreset: Preset = {
	name: 'aider',
	executable: 'aider',
	buildArgv(ctx: PromptContext, executable: string): string[] {
		// Instructions that did not come from a file (none today) still reach the model.
		const prompt = ctx.rolePath ? ctx.prompt : withInstructions(ctx);
		const argv = [executable, '--message', flagValue(prompt), '--yes-always', '--no-auto-commits', '--no-pretty'];
		if (ctx.model) argv.push('--model', ctx.model);
		if (ctx.rolePath) argv.push('--read', ctx.rolePath);
		argv.push(...ctx.args);
		const files = ctx.step.files.filter((f) => !/[*?[\]{}!]/.test(f));
		if (files.length) argv.push('--', ...files);
		return argv;
	},
	createParser: () => new AiderParser(),
};

const TOKENS = /Tokens:\s*([\d.,]+)\s*([kKmM]?)\s+sent\b.*?([\d.,]+)\s*([kKmM]?)\s+received/;
const MESSAGE_COST = /Cost:\s*\$([\d.,]+)\s*(?:message|request)/;
const SESSION_COST = /\$([\d.,]+)\s*session/;

export class AiderParser extends PlainTextParser {
	private inputTokens?: number;
	private outputTokens?: number;
	private messageCost?: number;
	private sessionCost?: number;
	/** Inside a SEARCH/REPLACE edit block: code, not the answer. */
	private inEdit = false;

	constructor() {
		super(3, true);
	}

	/** The summary is aider's last prose: edit blocks and bookkeeping lines are left out. */
	protected override remember(line: string): boolean {
		if (/^<{5,9} SEARCH/.test(line)) {
			this.inEdit = true;
			// The line before an edit block is the file's name, not prose.
			const previous = this.last.at(-1);
			if (previous && !/\s/.test(previous)) this.last.pop();
		}
		if (this.inEdit) {
			if (/^>{5,9} REPLACE/.test(line)) this.inEdit = false;
			return false;
		}
		if (/^(?:Applied edit to|Commit [0-9a-f]{6,}|```)/.test(line)) return false;
		const tokens = TOKENS.exec(line);
		if (!tokens) return true;
		this.inputTokens = (this.inputTokens ?? 0) + count(tokens[1], tokens[2]);
		this.outputTokens = (this.outputTokens ?? 0) + count(tokens[3], tokens[4]);
		const message = MESSAGE_COST.exec(line);
		if (message) this.messageCost = (this.messageCost ?? 0) + Number(message[1].replace(/,/g, ''));
		const session = SESSION_COST.exec(line);
		if (session) this.sessionCost = Number(session[1].replace(/,/g, ''));
		return false;
	}

	override finish(): AgentSummary {
		return {
			...super.finish(),
			inputTokens: this.inputTokens,
			outputTokens: this.outputTokens,
			// The session figure is aider's running total for this process: prefer it.
			costUsd: this.sessionCost ?? this.messageCost,
		};
	}
}

/** "4.2k" → 4200, "1,234" → 1234 */
function count(digits: string, unit: string): number {
	const n = Number(digits.replace(/,/g, ''));
	const scale = unit.toLowerCase() === 'k' ? 1e3 : unit.toLowerCase() === 'm' ? 1e6 : 1;
	return Math.round(n * scale);
}
