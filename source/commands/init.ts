// `orchestrator init [PLAN-PATH] [--pattern NAME] [--force]`: write a commented plan from a
// pattern, and give the project the role files its steps name when it has none yet.
import {existsSync} from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import {parse as parseYaml} from 'yaml';
import {checkSlashCommands} from '../agents/slash.js';
import {DEFAULT_PLAN_DIR} from '../plan/find-plan.js';
import {displayPath} from '../plan/format-issue.js';
import {loadPlan} from '../plan/load-plan.js';
import {slugify} from '../plan/plan-check.js';
import {PATTERNS, placeholdersOf} from '../plan/patterns/index.js';
import {EXIT, UsageError} from '../util/errors.js';
import {bundledSpecifyDir} from './demo.js';

export interface InitOptions {
	cwd: string;
	pattern: string;
	/** Where to write the plan (relative to cwd); default .specify/implementation/plan.yaml of the repository. */
	output?: string;
	force: boolean;
	out: NodeJS.WritableStream;
}

const ROLE_DIR = '.specify/agents';
/** Claude Code's role folder: resolve-agent looks there after .specify/agents. */
const CLAUDE_ROLE_DIR = '.claude/agents';

const TITLES: Record<string, (repo: string) => string> = {
	feature: (repo) => `New feature in ${repo}`,
	refactor: (repo) => `Refactor of ${repo}`,
	bugfix: (repo) => `Bug fix in ${repo}`,
	perf: (repo) => `Performance work on ${repo}`,
	'api-endpoint': (repo) => `New API endpoint in ${repo}`,
	'db-migration': (repo) => `Database migration of ${repo}`,
};

export async function initCommand(opts: InitOptions): Promise<number> {
	const pattern = Object.hasOwn(PATTERNS, opts.pattern) ? PATTERNS[opts.pattern] : undefined;
	if (!pattern) {
		throw new UsageError(
			`unknown pattern "${opts.pattern}" — use --pattern with one of ${Object.keys(PATTERNS).join(', ')}`,
			Object.entries(PATTERNS).map(([name, p]) => `${name.padEnd(13)} ${p.description}`),
		);
	}
	const cwd = path.resolve(opts.cwd);
	if (!existsSync(cwd)) throw new UsageError(`${opts.cwd} does not exist — pass an existing folder with --cwd`);
	const root = repoRoot(cwd) ?? cwd;
	const target = opts.output ? path.resolve(cwd, opts.output) : path.join(root, DEFAULT_PLAN_DIR, 'plan.yaml');
	const shown = displayPath(target, cwd);

	const ext = path.extname(target).toLowerCase();
	if (!['.yaml', '.yml', '.json'].includes(ext)) {
		throw new UsageError(`${shown}: a plan file ends in .yaml, .yml or .json — name it e.g. ${displayPath(target.slice(0, target.length - ext.length) + '.yaml', cwd)}`);
	}
	if (existsSync(target) && !opts.force) {
		throw new UsageError(`${shown} already exists — pass --force to overwrite it, or give another path: orchestrator init OTHER.yaml`);
	}

	const repoName = path.basename(root);
	const id = slugify(repoName) || 'plan';
	const yamlText = pattern.render({id, title: (TITLES[opts.pattern] ?? ((r: string) => r))(repoName)});
	// JSON has no comments: the same plan without them.
	const text = ext === '.json' ? `${JSON.stringify(parseYaml(yamlText), null, 2)}\n` : yamlText;
	await fs.mkdir(path.dirname(target), {recursive: true});
	await fs.writeFile(target, text, {flag: opts.force ? 'w' : 'wx'});

	const out = opts.out;
	out.write(`wrote ${shown} (pattern ${opts.pattern}: ${pattern.description})\n`);

	const copied = await copyRoleFiles(root);
	if (copied.length > 0) out.write(`copied role files into ${displayPath(path.join(root, ROLE_DIR), cwd)}/: ${copied.join(', ')}\n`);

	const placeholders = placeholdersOf(yamlText);
	if (placeholders.length > 0) out.write(`fill in the placeholders: ${placeholders.join(' ')}\n`);

	// Slash commands the plan uses that this project has no command file for yet.
	const {plan} = await loadPlan(target, {cwd: root});
	for (const issue of await checkSlashCommands(plan, root)) {
		if (issue.severity === 'error') out.write(`note: ${issue.message} — ${issue.fix ?? ''}\n`);
	}

	const validate = opts.output ? `orchestrator validate ${shown}` : 'orchestrator validate';
	out.write(`next: edit the plan, then run \`${validate}\`\n`);
	return EXIT.ok;
}

/** The folder holding .git above cwd, or undefined when cwd is not in a repository. */
function repoRoot(cwd: string): string | undefined {
	for (let dir = cwd; ; dir = path.dirname(dir)) {
		if (existsSync(path.join(dir, '.git'))) return dir;
		if (path.dirname(dir) === dir) return undefined;
	}
}

/**
 * Copies the role files this package ships into .specify/agents/ when the project has none
 * there. Never overwrites, and skips a role the project already defines in .claude/agents/
 * (a copy in .specify/agents/ would shadow it). Returns the names copied.
 */
async function copyRoleFiles(root: string): Promise<string[]> {
	const dest = path.join(root, ROLE_DIR);
	if ((await markdownIn(dest)).length > 0) return [];
	const source = path.join(bundledSpecifyDir(), 'agents');
	if (path.resolve(source) === path.resolve(dest)) return [];
	const own = new Set(await markdownIn(path.join(root, CLAUDE_ROLE_DIR)));
	const copied: string[] = [];
	for (const name of await markdownIn(source)) {
		if (own.has(name)) continue;
		await fs.mkdir(dest, {recursive: true});
		try {
			await fs.copyFile(path.join(source, name), path.join(dest, name), fs.constants.COPYFILE_EXCL);
			copied.push(name);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
	}
	return copied;
}

async function markdownIn(dir: string): Promise<string[]> {
	try {
		const entries = await fs.readdir(dir, {withFileTypes: true});
		return entries.filter((e) => e.isFile() && e.name.endsWith('.md')).map((e) => e.name).sort();
	} catch {
		return [];
	}
}
