// Starts the full-screen UI in the alternate screen and guarantees the terminal is given back
// on every way out (unmount, process exit, crash). The command layer imports this file
// lazily, so headless runs never load Ink or React.
import React from 'react';
import {render, type Instance} from 'ink';
import type {OrchestratorStore} from '../store/store.js';
import {App} from './app.js';

const ENTER = '\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';

let instance: Instance | null = null;
let entered = false;
let exitHookRegistered = false;

/** Unmounts the UI, leaves the alternate screen and shows the cursor again; safe to call any number of times. */
export function restoreTerminal(): void {
	const current = instance;
	instance = null;
	if (current) {
		try {
			current.unmount();
		} catch {
			// Already unmounted or torn down by a crash: the escape codes below still matter.
		}
	}
	if (!entered) return;
	entered = false;
	try {
		process.stdout.write(LEAVE);
	} catch {
		// stdout is gone (closed terminal): nothing left to restore.
	}
}

export function renderFullScreen(store: OrchestratorStore): {unmount(): void; waitUntilExit(): Promise<void>} {
	if (!exitHookRegistered) {
		exitHookRegistered = true;
		process.on('exit', restoreTerminal);
	}
	if (instance) restoreTerminal();
	process.stdout.write(ENTER);
	entered = true;
	const mounted = render(<App store={store} />, {exitOnCtrlC: false, patchConsole: false, maxFps: 30});
	instance = mounted;
	// However the app ends (unmount, a render crash), the terminal comes back.
	const exited: Promise<void> = mounted.waitUntilExit().then(() => undefined).finally(() => {
		if (instance === mounted) restoreTerminal();
	});
	exited.catch(() => {}); // the caller may never wait; a crash must not become an unhandled rejection
	return {
		unmount() {
			if (instance === mounted) restoreTerminal();
		},
		waitUntilExit: () => exited,
	};
}
