// Bytes from a pipe → text lines. Chunks split lines (and UTF-8 characters) anywhere, so the
// decoder and the unfinished line carry over from one chunk to the next.
import {StringDecoder} from 'node:string_decoder';

/** A line longer than this (no newline in sight) is emitted in pieces of this many UTF-16 units. */
export const MAX_LINE = 64 * 1024;

export class LineSplitter {
	// node:string_decoder rather than TextDecoder: the same replacement of invalid bytes, and ~6×
	// faster on a stream of 64 KB chunks (TextDecoder with {stream: true} leaves its fast path).
	private readonly decoder = new StringDecoder('utf8');
	/** TextDecoder's one difference: it drops a byte order mark at the start; so do we. */
	private started = false;
	/** The unfinished last line; V8 concatenation builds ropes, so appending stays cheap. */
	private partial = '';
	private ended = false;

	constructor(
		private readonly emit: (line: string) => void,
		private readonly maxLine = MAX_LINE,
	) {}

	/** Feed raw bytes; emits every line completed by them. */
	push(chunk: Uint8Array): void {
		if (this.ended || chunk.length === 0) return;
		let text = this.decoder.write(chunk as Buffer);
		if (!this.started && text.length > 0) {
			this.started = true;
			if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
		}
		this.feed(text);
	}

	/** Flush the decoder and the last line (if it has no newline). Idempotent. */
	end(): void {
		if (this.ended) return;
		this.feed(this.decoder.end());
		this.ended = true;
		if (this.partial.length > 0) {
			const line = this.partial;
			this.partial = '';
			this.emit(line.endsWith('\r') ? line.slice(0, -1) : line);
		}
	}

	private feed(text: string): void {
		if (text.length === 0) return;
		let start = 0;
		let nl = text.indexOf('\n');
		while (nl !== -1) {
			let line = start === 0 && this.partial.length > 0 ? this.partial + text.slice(0, nl) : text.slice(start, nl);
			if (start === 0) this.partial = '';
			if (line.length > this.maxLine) {
				line = this.emitLong(line);
			}
			if (line.endsWith('\r')) line = line.slice(0, -1);
			this.emit(line);
			start = nl + 1;
			nl = text.indexOf('\n', start);
		}
		if (start < text.length) {
			this.partial = start === 0 ? this.partial + text : text.slice(start);
			if (this.partial.length > this.maxLine) this.partial = this.emitLong(this.partial);
		}
	}

	/** Emit full maxLine pieces of a long text; return the rest (shorter than or equal to maxLine). */
	private emitLong(text: string): string {
		let start = 0;
		while (text.length - start > this.maxLine) {
			let end = start + this.maxLine;
			// Don't split a surrogate pair.
			const c = text.charCodeAt(end - 1);
			if (c >= 0xd800 && c <= 0xdbff) end--;
			this.emit(text.slice(start, end));
			start = end;
		}
		return start === 0 ? text : text.slice(start);
	}
}
