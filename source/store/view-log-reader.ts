// A step's readable log (logs/<step>.view.log) read line by line in the order the engine wrote it,
// for `tail` without a terminal. events.jsonl keeps only the count of each output batch; the
// engine appends the batch's lines to the view log before it records the event, so the next
// `count` lines of the log are that batch. Each attempt starts with one "=== <step> attempt …"
// header line, written before its step_started event is recorded.
import {AppendedLines} from './appended-lines.js';

export class ViewLogReader {
	private readonly appended = new AppendedLines();
	private readonly lines: string[] = [];

	constructor(private readonly file: string) {}

	/** The next `count` lines (fewer when the log holds fewer yet). */
	async take(count: number): Promise<string[]> {
		if (this.lines.length < count) await this.fill();
		return this.lines.splice(0, count);
	}

	/** Drops the attempt header of `stepId` when it is the next line (a step that ran no agent has none). */
	async skipHeader(stepId: string): Promise<void> {
		if (this.lines.length === 0) await this.fill();
		if (this.lines[0]?.startsWith(`=== ${stepId} attempt `)) this.lines.shift();
	}

	/** Whole lines appended since the last read; an unfinished last line waits for the next. */
	private async fill(): Promise<void> {
		const lines = await this.appended.read(this.file);
		if (lines === 'reload') return; // the engine only appends to a view log
		for (const line of lines) this.lines.push(line);
	}
}
