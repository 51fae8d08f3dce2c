// Argument parsing and dispatch only; every command lives in source/commands/.
import {runCli} from './source/commands/main.js';

// `orchestrator status | head`: a closed pipe ends the output, it is not an error.
for (const stream of [process.stdout, process.stderr]) {
	stream.on('error', error => {
		if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(process.exitCode ?? 0);
		throw error;
	});
}

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// The command is done: exit as soon as its output is out. Waiting for the event loop to empty
// would also tear the heap down piece by piece (~50 ms after a 10,000-step plan), and a stray
// handle (a terminal stream, a timer in a library) must never turn a finished run into a hang.
const pending = [process.stdout, process.stderr].filter(stream => stream.writableLength > 0);
if (pending.length === 0) process.exit(code);
let left = pending.length;
for (const stream of pending) stream.once('drain', () => --left === 0 && process.exit(code));
setTimeout(() => process.exit(code), 1500).unref();
