// Every engine event goes to events.jsonl (what tail and an audit read) and to in-process
// listeners (the headless printer). Output lines reach listeners but only their count is
// persisted: the full text is in logs/<step>.log already.
import type {SessionEvent} from '../types.js';
import type {MemoryPaths} from '../util/paths.js';
import {appendEvent} from '../store/memory.js';

export type EventListener = (event: SessionEvent) => void;

export class EventLog {
	private readonly listeners = new Set<EventListener>();

	constructor(private readonly paths: MemoryPaths | null) {}

	on(listener: EventListener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	emit(type: string, fields: Record<string, unknown> = {}): SessionEvent {
		const event: SessionEvent = {type, time: new Date().toISOString(), ...fields};
		if (this.paths) {
			const persisted = type === 'output' && Array.isArray(fields.lines)
				? {...event, lines: (fields.lines as unknown[]).length}
				: event;
			appendEvent(this.paths, persisted);
		}
		for (const listener of this.listeners) listener(event);
		return event;
	}
}
