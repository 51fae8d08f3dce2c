// The command table: parses argv (node:util parseArgs, no dependency), runs one command,
// and turns every user-facing error into one line and an exit code.
import {parseArgs} from 'node:util';
import {EXIT, OrchestratorError, errorMessage} from '../util/errors.js';
import {killAllGroups} from '../agents/kill-tree.js';
import type {FailurePolicy} from '../engine/engine.js';

export const VERSION = '0.1.0';

const HELP = `orchestrator ${VERSION} — run an implementation plan with AI coding agents, one checkpointed step at a time

Usage
  orchestrator run [PLAN]              start a session (PLAN: plan.yaml / .json / spec-kit tasks.md)
  orchestrator resume                  continue the session recorded in the memory files
  orchestrator tail [DIR]              read-only live view of the session in DIR (another terminal)
  orchestrator status [--json]         print the session state and exit
  orchestrator validate [PLAN] [--json]  check a plan; print order, batches, shared files
  orchestrator rollback [CHECKPOINT] [--list] [--yes]  restore the repository to a checkpoint
  orchestrator init [--pattern NAME]   write a plan: feature, refactor, bugfix, perf, api-endpoint, db-migration
  orchestrator demo                    run the bundled example in a scratch repository (offline)

Options
  --cwd DIR              the repository (default: .)
  --yes                  approve passing gates automatically (rollback: do not ask)
  --headless             one line per event instead of the full-screen UI (automatic without a TTY)
  --json                 headless events / status / validate output as JSON
  --agent NAME           default agent for steps without one (claude, codex, gemini, aider, a role)
  --max-parallel N       run up to N independent [P] steps at once (default 1)
  --on-failure MODE      headless: stop | rollback | fix (default stop)
  --allow-dirty          start on a dirty tree (saved first under refs/orchestrator/<id>/backup)
  --fresh                run: start over even if a session is unfinished
  --adopt                resume: keep changes made by hand as a checkpoint
  -h, --help · -v, --version

Exit codes: 0 done · 1 failed/stopped · 2 bad input · 3 locked · 4 waiting at a gate · 130 interrupted`;

export async function runCli(argv: string[]): Promise<number> {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			allowPositionals: true,
			strict: true,
			options: {
				cwd: {type: 'string'},
				yes: {type: 'boolean', short: 'y'},
				headless: {type: 'boolean'},
				json: {type: 'boolean'},
				agent: {type: 'string'},
				'max-parallel': {type: 'string'},
				'on-failure': {type: 'string'},
				'allow-dirty': {type: 'boolean'},
				fresh: {type: 'boolean'},
				adopt: {type: 'boolean'},
				list: {type: 'boolean'},
				pattern: {type: 'string'},
				force: {type: 'boolean'},
				help: {type: 'boolean', short: 'h'},
				version: {type: 'boolean', short: 'v'},
			},
		});
	} catch (error) {
		process.stderr.write(`orchestrator: ${errorMessage(error)} — see \`orchestrator --help\`\n`);
		return EXIT.usage;
	}
	const {values, positionals} = parsed;
	if (values.version) {
		process.stdout.write(`${VERSION}\n`);
		return EXIT.ok;
	}
	const [command, ...rest] = positionals;
	if (values.help || !command) {
		process.stdout.write(HELP + '\n');
		return command || values.help ? EXIT.ok : EXIT.usage;
	}
	const cwd = values.cwd ?? process.cwd();
	const headless = Boolean(values.headless) || !process.stdout.isTTY;
	try {
		const maxParallel = parseCount(values['max-parallel'], '--max-parallel');
		const onFailure = parseFailure(values['on-failure']);
		const common = {
			cwd,
			yes: Boolean(values.yes),
			headless,
			json: Boolean(values.json),
			agent: values.agent,
			maxParallel,
			onFailure,
			allowDirty: Boolean(values['allow-dirty']),
			fresh: Boolean(values.fresh),
			adopt: Boolean(values.adopt),
			out: process.stdout,
			err: process.stderr,
		};
		switch (command) {
			case 'run': {
				expectAtMost(rest, 1, 'run [PLAN]');
				const {sessionCommand} = await import('./session.js');
				return await sessionCommand({...common, plan: rest[0], resume: false});
			}
			case 'resume': {
				expectAtMost(rest, 0, 'resume');
				const {sessionCommand} = await import('./session.js');
				return await sessionCommand({...common, resume: true});
			}
			case 'demo': {
				expectAtMost(rest, 0, 'demo');
				const {demoCommand} = await import('./demo.js');
				return await demoCommand(common);
			}
			case 'validate': {
				expectAtMost(rest, 1, 'validate [PLAN]');
				const {validateCommand} = await import('./validate.js');
				return await validateCommand({plan: rest[0], cwd, json: common.json, agent: common.agent, maxParallel: values['max-parallel'] ? maxParallel : undefined, out: process.stdout, err: process.stderr});
			}
			case 'status': {
				expectAtMost(rest, 0, 'status');
				const {statusCommand} = await import('./status.js');
				return await statusCommand({cwd, json: common.json, out: process.stdout});
			}
			case 'tail': {
				expectAtMost(rest, 1, 'tail [DIR]');
				const {tailCommand} = await import('./tail.js');
				return await tailCommand({cwd: rest[0] ?? cwd, headless, json: common.json, out: process.stdout});
			}
			case 'rollback': {
				expectAtMost(rest, 1, 'rollback [CHECKPOINT]');
				const {rollbackCommand} = await import('./rollback.js');
				return await rollbackCommand({cwd, target: rest[0], list: Boolean(values.list), yes: common.yes, json: common.json, out: process.stdout});
			}
			case 'init': {
				expectAtMost(rest, 1, 'init [PLAN-PATH]');
				const {initCommand} = await import('./init.js');
				return await initCommand({cwd, pattern: values.pattern ?? 'feature', output: rest[0], force: Boolean(values.force), out: process.stdout});
			}
			default:
				process.stderr.write(`orchestrator: unknown command "${command}" — one of run, resume, tail, status, validate, rollback, init, demo (see --help)\n`);
				return EXIT.usage;
		}
	} catch (error) {
		return reportError(error);
	}
}

function reportError(error: unknown): number {
	killAllGroups('SIGTERM');
	if (error instanceof OrchestratorError) {
		// One line even when the message quotes multi-line input (JSON.parse quotes the bad text).
		process.stderr.write(`orchestrator: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
		for (const line of error.details) process.stderr.write(`  ${line}\n`);
		if (process.env.DEBUG?.includes('orchestrator')) process.stderr.write(`${error.stack}\n`);
		return error.exitCode;
	}
	process.stderr.write(`orchestrator: internal error: ${errorMessage(error).replace(/\s*\n\s*/g, ' ')}${process.env.DEBUG?.includes('orchestrator') ? `\n${(error as Error)?.stack}` : ' (set DEBUG=orchestrator for the stack trace)'}\n`);
	return EXIT.failed;
}

function parseCount(value: string | undefined, flag: string): number {
	if (value === undefined) return 1;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1 || n > 64) throw new OrchestratorError(`${flag} takes a whole number from 1 to 64, not "${value}"`);
	return n;
}

function parseFailure(value: string | undefined): FailurePolicy | undefined {
	if (value === undefined) return undefined;
	if (value === 'stop' || value === 'rollback' || value === 'fix') return value;
	throw new OrchestratorError(`--on-failure takes stop, rollback or fix, not "${value}"`);
}

function expectAtMost(rest: string[], n: number, usage: string): void {
	if (rest.length > n) throw new OrchestratorError(`too many arguments: ${rest.slice(n).join(' ')} — usage: orchestrator ${usage}`);
}
