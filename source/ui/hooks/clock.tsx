import React, {useEffect, useRef, useState, type ReactNode} from 'react';
import {ClockContext, useOrchestratorStore, type Clock} from '../context.js';

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Ticks at most this often while an agent floods its output (store.flooding). */
export const FLOOD_INTERVAL_MS = 1000;

/**
 * The only timer of the UI. It ticks every `intervalMs` (250 ms while an agent runs: spinner,
 * running durations; every second otherwise: elapsed time; never once the session ended), and
 * at most once a second while an agent floods its output. The flood flag is read at each tick,
 * not subscribed to: a frame takes ~40 ms, during which the agent's output is not read and the
 * agent waits, so the start of a flood must not cost a frame of its own (bench: flood).
 *
 * Every tick redraws the whole screen (Ink lays out the tree on each commit), so a tick is
 * skipped when the store changed since the last one: the clock then advances together with
 * that store-driven render (React batches both into one commit). A flooding agent thus
 * causes the output flushes' renders and no extra timer renders on top.
 */
export function ClockProvider({intervalMs, children}: {intervalMs: number | null; children: ReactNode}) {
	const store = useOrchestratorStore();
	const [clock, setClock] = useState<Clock>(() => ({now: Date.now(), frame: 0}));
	const lastAdvance = useRef(Date.now());
	useEffect(() => {
		if (intervalMs === null) return;
		const advance = () => {
			lastAdvance.current = Date.now();
			setClock(prev => ({now: lastAdvance.current, frame: (prev.frame + 1) % SPINNER.length}));
		};
		const gap = () => (store.getState().flooding ? Math.max(intervalMs, FLOOD_INTERVAL_MS) : intervalMs);
		const unsubscribe = store.subscribe(() => {
			if (Date.now() - lastAdvance.current >= gap()) advance();
		});
		const timer = setInterval(() => {
			if (Date.now() - lastAdvance.current >= gap() - 5) advance();
		}, intervalMs);
		return () => {
			clearInterval(timer);
			unsubscribe();
		};
	}, [intervalMs, store]);
	return <ClockContext.Provider value={clock}>{children}</ClockContext.Provider>;
}
