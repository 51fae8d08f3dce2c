import React, {useEffect, useState, type ReactNode} from 'react';
import {ClockContext, type Clock} from '../context.js';

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * The only timer of the UI. It ticks every 100 ms while an agent runs (spinner, running
 * durations), every second while the session lives (elapsed time), and not at all once the
 * session has ended. Consumers re-render; the children element itself is stable.
 */
export function ClockProvider({intervalMs, children}: {intervalMs: number | null; children: ReactNode}) {
	const [clock, setClock] = useState<Clock>(() => ({now: Date.now(), frame: 0}));
	useEffect(() => {
		if (intervalMs === null) return;
		const timer = setInterval(() => {
			setClock(prev => ({now: Date.now(), frame: (prev.frame + 1) % SPINNER.length}));
		}, intervalMs);
		return () => clearInterval(timer);
	}, [intervalMs]);
	return <ClockContext.Provider value={clock}>{children}</ClockContext.Provider>;
}
