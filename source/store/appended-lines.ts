// The lines a file gained since the last look: `tail` follows the running steps' logs with it
// (by byte offset, full screen) and reads view logs back by line count (line mode).
import fsp from 'node:fs/promises';
import {StringDecoder} from 'node:string_decoder';

export class AppendedLines {
	private partial = '';
	private readonly decoder = new StringDecoder('utf8');

	/** @param offset where reading starts (a follower that loaded the tail starts after it) */
	constructor(public offset = 0) {}

	/**
	 * The whole lines appended since the last read, raw; with `final`, the unterminated last line
	 * too. [] while the file does not exist; 'reload' when it shrank (truncated or replaced) or
	 * grew by more than `maxBytes` (reading the tail again is cheaper).
	 */
	async read(file: string, opts: {final?: boolean; maxBytes?: number} = {}): Promise<string[] | 'reload'> {
		let handle: fsp.FileHandle;
		try {
			handle = await fsp.open(file, 'r');
		} catch {
			return []; // not written yet
		}
		try {
			const {size} = await handle.stat();
			if (size < this.offset) return 'reload';
			if (opts.maxBytes !== undefined && size - this.offset > opts.maxBytes) return 'reload';
			let lines: string[] = [];
			if (size > this.offset) {
				const buffer = Buffer.alloc(size - this.offset);
				const {bytesRead} = await handle.read(buffer, 0, buffer.length, this.offset);
				this.offset += bytesRead;
				lines = (this.partial + this.decoder.write(buffer.subarray(0, bytesRead))).split('\n');
				this.partial = lines.pop() ?? '';
			}
			if (opts.final) {
				const rest = this.partial + this.decoder.end();
				this.partial = '';
				if (rest.length > 0) lines.push(rest);
			}
			return lines;
		} finally {
			await handle.close();
		}
	}
}
