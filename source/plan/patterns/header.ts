// The part every pattern's plan starts with: what the file is, how to fill it in, the plan's
// id/title, its default test command, its fixer, and how to pick an agent CLI.

export interface PatternInput {
	/** The plan id (used in git refs): letters, digits, ".", "_", "-". */
	id: string;
	title: string;
}

export interface Pattern {
	/** One line for `init --help` and the unknown-pattern message. */
	description: string;
	render(input: PatternInput): string;
}

/** A YAML scalar for any text: plain when that is safe, else double-quoted (JSON is valid YAML). */
export function yamlText(text: string): string {
	return /^[A-Za-z0-9][A-Za-z0-9 ._/()-]*$/.test(text) && !/ $/.test(text) ? text : JSON.stringify(text);
}

export function planHeader(input: PatternInput, pattern: string, about: string[]): string {
	return `${[
		`# Implementation plan written by \`orchestrator init --pattern ${pattern}\`.`,
		...about.map((line) => `# ${line}`),
		'#',
		'# Fill it in: replace every <placeholder> (they are inside quotes so the file stays valid YAML),',
		'# add, remove or split steps to fit the change, then check it with `orchestrator validate`',
		'# and start it with `orchestrator run`.',
		'#',
		'# Each step has an id (used in commit messages), a title, and one of:',
		'#   prompt: the task for its agent;   run: a shell command (no agent);',
		'#   slash: a slash command file (.claude/commands/<folder>/<name>.md) used as the prompt.',
		'# files: lists what the step may change (globs allowed); depends_on: defaults to the step before.',
		'#',
		'# Agents: `agent:` names a role file in .specify/agents/ (code-writer, test-writer, documenter,',
		'# reviewer, bug-fixer: `orchestrator init` copies them there), run with the claude CLI.',
		'# To run a role with another CLI, add for example:',
		'#   agents:',
		'#     code-writer: { preset: codex, role: .specify/agents/code-writer.md }',
		'',
		'# The plan id: it names the git refs and tags of this session. Letters, digits, "-" only.',
		`id: ${yamlText(input.id)}`,
		'# One line shown in the header of the terminal UI.',
		`title: ${yamlText(input.title)}`,
		'# Your test command: every phase gate runs it, unless the phase lists its own gate.checks.',
		'test: npm test',
		'# The agent that gets a failure as its task when you choose "fix forward".',
		'fixer: bug-fixer',
	].join('\n')}\n`;
}
