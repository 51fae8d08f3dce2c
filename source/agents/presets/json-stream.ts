// Base of the JSON-lines parsers (claude, codex, gemini): one event per line, anything else
// shown as text. A pretty-printed object ("{" alone on a line … "}" alone on a line, as SDK
// fixtures and docs hold) is gathered and read as one event.
import type {AgentSummary} from '../../types.js';
import type {StreamParser} from '../preset.js';
import {parseObject, rawLine, type Json} from './stream-util.js';

/** A "{" block longer than this is not an event: its lines are shown as they came. */
const MAX_BLOCK_LINES = 400;

export abstract class JsonStreamParser implements StreamParser {
	private block: string[] | null = null;

	push(line: string): string[] {
		if (this.block) {
			this.block.push(line);
			if (/^\}\s*$/.test(line)) return this.endBlock();
			if (this.block.length >= MAX_BLOCK_LINES) return this.dropBlock();
			return [];
		}
		if (/^\{\s*$/.test(line)) {
			this.block = [line];
			return [];
		}
		const event = parseObject(line);
		return event ? this.dispatch(event, line) : this.text(line);
	}

	private endBlock(): string[] {
		const event = parseObject(this.block!.join('\n'));
		if (!event) return this.dropBlock();
		this.block = null;
		return this.dispatch(event, JSON.stringify(event));
	}

	private dropBlock(): string[] {
		const lines = this.block!;
		this.block = null;
		return lines.flatMap((l) => this.text(l));
	}

	private dispatch(event: Json, source: string): string[] {
		try {
			return this.event(event) ?? this.text(source);
		} catch {
			// A known type with an unexpected shape: show it rather than lose the run.
			return this.text(source);
		}
	}

	/** A line that is not an event we understand: shown as text, trimmed. */
	protected text(line: string): string[] {
		return rawLine(line);
	}

	/** Readable lines for one event; undefined = not understood (shown as text). */
	protected abstract event(event: Json): string[] | undefined;

	abstract finish(): AgentSummary;
}
