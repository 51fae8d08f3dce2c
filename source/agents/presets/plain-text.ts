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
		if (this.remember === PlainTextParser.prototype.remember && allPlain(lines)) {
			// The usual chunk (and every chunk of a flood): nothing to trim or drop, so the lines
			// pass as they are and only the last ones can become the summary.
			for (let i = Math.max(0, lines.length - this.keepLast); i < lines.length; i++) {
				this.last.push(lines[i]!.trim());
				if (this.last.length > this.keepLast) this.last.shift();
			}
			return lines;
		}
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

/** Every line ends in a printable ASCII character other than space: trimEnd would change none. */
function allPlain(lines: string[]): boolean {
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i]!;
		const last = line.charCodeAt(line.length - 1);
		if (!(last > 32 && last < 127)) return false;
	}
	return true;
}
