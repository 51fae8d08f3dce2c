// `orchestrator demo`: a scratch git repository in a temporary folder, the bundled example
// plan (.specify/demo/plan.yaml of this package) and its scripted agent, then a normal run.
// Offline, nothing but node, git and bash needed. Headless, gates approve themselves:
// there is nobody to press a key.
import {existsSync} from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {sessionCommand, type SessionCommandOptions} from './session.js';
import {OrchestratorError} from '../util/errors.js';

const run = promisify(execFile);

/** The package's own .specify/ folder (next to dist/ when bundled, next to source/ in tests). */
export function bundledSpecifyDir(): string {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (let i = 0; i < 5; i++) {
		const candidate = path.join(dir, '.specify', 'demo', 'plan.yaml');
		if (existsSync(candidate)) return path.join(dir, '.specify');
		dir = path.dirname(dir);
	}
	throw new OrchestratorError('the bundled demo plan (.specify/demo/plan.yaml) is missing from this installation — reinstall orchestrator');
}

export async function makeDemoRepo(parent = os.tmpdir()): Promise<string> {
	const specify = bundledSpecifyDir();
	const dir = await fs.mkdtemp(path.join(parent, 'orchestrator-demo-'));
	await fs.cp(path.join(specify, 'demo', 'project'), dir, {recursive: true});
	await fs.mkdir(path.join(dir, '.demo'), {recursive: true});
	await fs.copyFile(path.join(specify, 'demo', 'agent.sh'), path.join(dir, '.demo', 'agent.sh'));
	await fs.cp(path.join(specify, 'agents'), path.join(dir, '.specify', 'agents'), {recursive: true});
	const git = (...args: string[]) => run('git', args, {cwd: dir});
	await git('init', '-q', '-b', 'main');
	await git('config', 'user.name', 'orchestrator demo');
	await git('config', 'user.email', 'demo@orchestrator.invalid');
	await git('add', '-A');
	await git('commit', '-q', '-m', 'textkit: empty project');
	// The plan arrives uncommitted, as a new plan usually does: it goes into the start checkpoint.
	await fs.mkdir(path.join(dir, '.specify', 'implementation'), {recursive: true});
	await fs.copyFile(path.join(specify, 'demo', 'plan.yaml'), path.join(dir, '.specify', 'implementation', 'plan.yaml'));
	return dir;
}

export async function demoCommand(opts: Omit<SessionCommandOptions, 'resume' | 'plan'>): Promise<number> {
	const dir = await makeDemoRepo();
	if (opts.headless) opts.out.write(`demo repository: ${dir}\n`);
	const code = await sessionCommand({...opts, cwd: dir, resume: false, yes: opts.yes || opts.headless});
	const self = invokedAs();
	opts.out.write(`The demo repository stays at ${dir} — look around: \`git -C ${dir} log --oneline\`, \`${self} status --cwd ${dir}\`, \`${self} rollback --list --cwd ${dir}\`\n`);
	return code;
}

/** How the user started us, for hints they can paste: `orchestrator` or `node dist/cli.js`. */
function invokedAs(): string {
	const script = process.argv[1] ?? '';
	if (path.basename(script) === 'orchestrator') return 'orchestrator';
	const relative = path.relative(process.cwd(), script);
	return `node ${relative && !relative.startsWith('..') ? relative : script}`;
}
