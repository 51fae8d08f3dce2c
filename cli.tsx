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
// Nothing should keep the process alive after a command, but a stray handle (a terminal
// stream, a timer in a library) must never turn a finished run into a hang.
setTimeout(() => process.exit(code), 1500).unref();
