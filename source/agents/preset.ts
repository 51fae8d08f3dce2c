// The contract every agent preset implements: how to start a CLI (argv) and how to
// turn its stdout into lines a person can read plus a final summary.
import type {AgentSummary, Step} from '../types.js';

export interface PromptContext {
	/** The full text for the agent (see build-prompt.ts). */
	prompt: string;
	/** System instructions (a role file's body). */
	instructions?: string;
	model?: string;
	/** Extra argv from AgentSpec.args, appended by the preset. */
	args: string[];
	step: Step;
	/** The shell command of a `run:` step. */
	run?: string;
	/** The repository: the agent's cwd. */
	cwd: string;
	/** Path of the role file the instructions came from (aider reads it with --read; {role} placeholder). */
	rolePath?: string;
	/** AgentSpec.command: the argv template of the `command` preset. */
	command?: string[];
}

export interface StreamParser {
	/** One raw stdout line (already split, no newline) → zero or more readable lines for the output pane. */
	push(line: string): string[];
	/** The same for many lines at once (what push gives for each, in order); optional, for floods. */
	pushMany?(lines: string[]): string[];
	/** Called at exit: the agent's final summary (result text, tokens, cost, isError). */
	finish(): AgentSummary;
}

export interface ParserOptions {
	/** The agent's cwd: absolute paths under it are shown relative. */
	cwd?: string;
}

export interface Preset {
	/** claude | codex | gemini | aider | shell | command */
	name: string;
	/** Default executable name looked up on PATH ('' when it depends on the plan: shell, command). */
	executable: string;
	/** argv[0] = executable. Never run through a shell. */
	buildArgv(ctx: PromptContext, executable: string): string[];
	createParser(opts?: ParserOptions): StreamParser;
}
