// Every error a user can cause ends as one line (file, place, fix) and an exit code.
// Anything else is a bug and may show a stack trace with DEBUG=orchestrator.

export const EXIT = {
	ok: 0,
	failed: 1,
	usage: 2,
	locked: 3,
	paused: 4,
	interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class OrchestratorError extends Error {
	constructor(
		message: string,
		readonly exitCode: ExitCode = EXIT.usage,
		/** Extra lines printed after the message (e.g. every validation error). */
		readonly details: string[] = [],
	) {
		super(message);
		this.name = 'OrchestratorError';
	}
}

/** Bad input: a plan, a flag, a repository state the user must fix. Exit 2. */
export class UsageError extends OrchestratorError {
	constructor(message: string, details: string[] = []) {
		super(message, EXIT.usage, details);
		this.name = 'UsageError';
	}
}

export function errorMessage(error: unknown): string {
	if (error instanceof Error) return error.message;
	return String(error);
}
