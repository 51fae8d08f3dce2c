// Every `init --pattern` plan runs: in a temporary repository, `init --pattern X` writes the
// plan, a small transform turns it into shell steps (each writes out/<step>.txt), the gate
// checks into trivially true ones, keeps the pattern's special checks working (bugfix:
// fail-then-pass on the fix step's file; perf: measure against the baseline step), and gives
// its slash steps command files run by a command agent. Then `validate` and a headless run.
import fs from 'node:fs';
import path from 'node:path';
import {parse, stringify} from 'yaml';
import {afterAll, beforeAll, describe, it} from 'vitest';
import {cleanupTempDirs, git, makeRepo, runCli, treeSnapshot} from '../helpers/repo.js';
import {currentPhase, ensureBuilt, events, memoryText} from './harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

const PATTERNS = ['feature', 'refactor', 'bugfix', 'perf', 'api-endpoint', 'db-migration'];
const PLAN = '.specify/implementation/plan.yaml';

/** Writes the prompt it gets (a slash command's expanded file) into out/<step>.txt. */
const SCRIBE = ['bash', '-c', 'mkdir -p out && printf "%s\\n" "$1" > "out/$ORCHESTRATOR_STEP.txt"', 'scribe', '{prompt}'];

/** `<a placeholder>` → a-placeholder, so slash arguments are plain words. */
const fill = (text: string) => text.replace(/<([^<>]+)>/g, (_, name: string) => name.replace(/\W+/g, '-'));

interface Transformed {
	plan: any;
	/** Command files the slash steps need, relative to the repository. */
	commandFiles: Record<string, string>;
	/** Step id → what its out file must contain (slash steps). */
	slashSteps: Record<string, string>;
}

function transform(text: string): Transformed {
	const plan = parse(text);
	plan.test = 'true';
	delete plan.fixer;
	plan.agents = {scribe: {command: SCRIBE}};
	const commandFiles: Record<string, string> = {};
	const slashSteps: Record<string, string> = {};
	const phases: any[] = plan.phases;
	for (const phase of phases) {
		for (const step of phase.steps) {
			delete step.prompt;
			step.files = [`out/${step.id}.txt`];
			if (step.slash) {
				// `/review:code <suspected area>` → .claude/commands/review/code.md with $ARGUMENTS.
				step.slash = fill(step.slash);
				const [name, ...args] = step.slash.slice(1).split(' ');
				commandFiles[`.claude/commands/${name.split(':').join('/')}.md`] = `---\ndescription: ${name}\n---\nCommand ${name} for: $ARGUMENTS\n`;
				step.agent = 'scribe';
				slashSteps[step.id] = `Command ${name} for: ${args.join(' ')}`;
			} else {
				delete step.agent;
				step.run = `mkdir -p out && echo ${step.id} > out/${step.id}.txt`;
			}
		}
		if (!phase.gate?.checks) continue;
		phase.gate.checks = phase.gate.checks.map((check: any) => {
			if (typeof check === 'string') return 'true';
			if (check.expect === 'fail-then-pass') return {...check, command: `test -f out/${phase.steps[0].id}.txt`};
			if (check.measure) {
				// 120 until the first step of the phase after the baseline's has run, then 80.
				const baselinePhase = phases.findIndex(p => p.steps.some((s: any) => s.id === check.measure.baseline_step));
				const optimiser = phases[baselinePhase + 1].steps[0].id;
				const command = `if [ -f out/${optimiser}.txt ]; then echo "p95_ms: 80"; else echo "p95_ms: 120"; fi`;
				return {...check, command, measure: {...check.measure, command, metric: 'p95_ms:'}};
			}
			return {...check, command: 'true'};
		});
	}
	return {plan, commandFiles, slashSteps};
}

describe('the six patterns run headless with shell steps', () => {
	for (const pattern of PATTERNS) {
		it.concurrent(pattern, async ({expect}) => {
			const repo = makeRepo();
			const init = await runCli(['init', '--pattern', pattern], {cwd: repo});
			expect(init.code, init.stderr).toBe(0);
			const original = fs.readFileSync(path.join(repo, PLAN), 'utf8');
			const {plan, commandFiles, slashSteps} = transform(original);
			fs.writeFileSync(path.join(repo, PLAN), stringify(plan));
			for (const [file, text] of Object.entries(commandFiles)) {
				fs.mkdirSync(path.dirname(path.join(repo, file)), {recursive: true});
				fs.writeFileSync(path.join(repo, file), text);
			}
			// The role files init copied and the command files are the project's; the plan stays new.
			git(repo, 'add', '.specify/agents', ...(Object.keys(commandFiles).length > 0 ? ['.claude'] : []));
			git(repo, 'commit', '-q', '-m', 'roles and commands');

			const validate = await runCli(['validate'], {cwd: repo});
			expect(validate.code, validate.stderr + validate.stdout).toBe(0);
			const result = await runCli(['run', '--headless', '--yes', '--max-parallel', '2'], {cwd: repo});
			expect(result.code, `${pattern}: ${result.stderr}\n${result.stdout}`).toBe(0);

			const session = currentPhase(repo).session;
			const ids: string[] = plan.phases.flatMap((p: any) => p.steps.map((s: any) => s.id));
			const tree = treeSnapshot(repo);
			for (const id of ids) {
				expect(session.steps[id].status, id).toBe('done');
				expect(tree[`out/${id}.txt`], id).toEqual(slashSteps[id] ? expect.stringContaining(slashSteps[id]) : `${id}\n`);
				expect(session.steps[id].warnings, id).toEqual([]);
			}
			expect(session.phases.every((p: any) => p.status === 'approved')).toBe(true);
			// Every phase was tagged.
			const tags = git(repo, 'tag', '--list').split('\n').sort();
			expect(tags).toEqual(plan.phases.map((p: any) => `orchestrator/${plan.id}/${p.id}`).sort());
			const parallel = plan.phases.some((p: any) => p.steps.filter((s: any) => s.parallel).length > 1);
			expect(events(repo).some(e => e.type === 'batch_started')).toBe(parallel);

			if (pattern === 'bugfix') {
				expect(events(repo).find(e => e.type === 'precheck')).toMatchObject({phase: 'fix', ok: false});
				const check = session.reports.fix.checks.find((c: any) => c.command === 'test -f out/B002.txt');
				expect(check).toMatchObject({ok: true});
			}
			if (pattern === 'perf') {
				expect(events(repo).find(e => e.type === 'measured')).toMatchObject({step: 'P001', value: 120});
				const check = session.reports.verify.checks.find((c: any) => c.value !== undefined);
				expect(check).toMatchObject({ok: true, value: 80, summary: 'p95_ms: 120 → 80'});
			}
			if (pattern === 'db-migration') {
				// The backup step comes first and is a checkpoint named in rollback-plan.md.
				expect(ids[0]).toBe('D001');
				expect(memoryText(repo, 'rollback-plan.md')).toMatch(/\| D001 \| step \| [0-9a-f]{12} .*`orchestrator rollback D001 --yes`/);
			}
		});
	}
});
