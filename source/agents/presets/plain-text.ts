// Parser for agents that print plain text (shell, command, aider): lines pass through.
import type {AgentSummary} from '../../types.js';
import type {StreamParser} from '../preset.js';

export class PlainTextParser implements StreamParser {
	protected last: string[] = [];

	/** @param keepLast how many non-empty lines make the summary text */
	constructor(
		private readonly keepLast = 1,
		private readonly dropBlank = false,
	) {}

	push(line: string): string[] {
		return this.pushMany([line]);
	}

	pushMany(lines: string[]): string[] {
		const out: string[] = [];
		for (let i = 0; i < lines.length; i++) {
			const text = lines[i]!.trimEnd();
			// trimEnd left nothing: the line was blank.
			if (text === '') {
				if (!this.dropBlank) out.push(text);
				continue;
			}
			if (this.remember(text)) {
				this.last.push(text.trim());
				if (this.last.length > this.keepLast) this.last.shift();
			}
			out.push(text);
		}
		return out;
	}

	/** Whether a line may be part of the summary; subclasses skip bookkeeping lines. */
	protected remember(_line: string): boolean {
		return true;
	}

	finish(): AgentSummary {
		return {text: this.last.length ? this.last.join('\n') : undefined};
	}
}
