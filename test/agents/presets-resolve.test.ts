import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {buildPrompt} from '../../source/agents/build-prompt.js';
import {
	AgentError,
	agentArgv,
	builtinRolesDir,
	checkAgents,
	findOnPath,
	resolveAgent,
} from '../../source/agents/resolve-agent.js';
import {RoleFileError, readRoleFile} from '../../source/agents/role-file.js';
import type {Plan, Step} from '../../source/types.js';
import {UsageError} from '../../source/util/errors.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fakeBin = path.resolve(here, '../fixtures/fake-bin');
const originalPath = process.env.PATH;

let root: string;
let repo: string;
/** A PATH with bash and sh only: no agent CLI on it, whatever this machine has installed. */
let bareBin: string;

beforeAll(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'orc-presets-'));
	repo = path.join(root, 'repo');
	bareBin = path.join(root, 'bin');
	fs.mkdirSync(repo);
	fs.mkdirSync(bareBin);
	for (const exe of ['bash', 'sh']) {
		const real = findOnPathSync(exe);
		if (real) fs.symlinkSync(real, path.join(bareBin, exe));
	}
});

afterAll(() => {
	fs.rmSync(root, {recursive: true, force: true});
});

afterEach(() => {
	process.env.PATH = originalPath;
});

function findOnPathSync(exe: string): string | undefined {
	for (const dir of (originalPath ?? '').split(path.delimiter)) {
		const file = path.join(dir, exe);
		if (fs.existsSync(file)) return file;
	}
	return undefined;
}

function step(id: string, over: Partial<Step> = {}): Step {
	return {id, title: `Step ${id}`, phaseId: 'setup', prompt: `Do ${id}`, files: [], depends_on: [], parallel: false, done: false, ...over};
}

function plan(steps: Step[], over: Partial<Plan> = {}): Plan {
	return {
		id: 'demo',
		title: 'Demo',
		agents: {},
		strict: false,
		max_files: 25,
		phases: [{id: 'setup', title: 'Setup', steps, gate: {checks: [], approve: false, tag: false}}],
		source: {path: path.join(repo, 'plan.yaml'), format: 'yaml', hash: 'x'},
		...over,
	};
}

function write(file: string, text: string): string {
	const full = path.join(repo, file);
	fs.mkdirSync(path.dirname(full), {recursive: true});
	fs.writeFileSync(full, text);
	return full;
}

describe('findOnPath', () => {
	it('honours PATH at call time and needs the execute bit', async () => {
		process.env.PATH = bareBin;
		expect(await findOnPath('claude')).toBeNull();
		process.env.PATH = `${bareBin}${path.delimiter}${fakeBin}`;
		expect(await findOnPath('claude')).toBe(path.join(fakeBin, 'claude'));
		// _fake-agent.mjs is on that PATH too, but not executable.
		expect(await findOnPath('_fake-agent.mjs')).toBeNull();
		expect(await findOnPath('claude', {PATH: bareBin})).toBeNull();
		expect(await findOnPath(path.join(fakeBin, 'codex'), {PATH: ''})).toBe(path.join(fakeBin, 'codex'));
		expect(await findOnPath('')).toBeNull();
	});
});

describe('resolveAgent', () => {
	it('a run step without agent is the shell', async () => {
		const agent = await resolveAgent(step('T1', {run: 'echo hi', prompt: undefined}), plan([]), repo);
		expect(agent.name).toBe('shell');
		expect(agent.preset.name).toBe('shell');
		expect(agent.executable).toBe('bash');
		expect(agentArgv(agent, step('T1', {run: 'echo hi'}), '', repo)).toEqual(['bash', '-c', 'echo hi']);
	});

	it('falls back to sh when bash is not on PATH', async () => {
		const shOnly = path.join(root, 'sh-only');
		fs.mkdirSync(shOnly, {recursive: true});
		const sh = findOnPathSync('sh');
		if (sh && !fs.existsSync(path.join(shOnly, 'sh'))) fs.symlinkSync(sh, path.join(shOnly, 'sh'));
		process.env.PATH = shOnly;
		const agent = await resolveAgent(step('T1', {run: 'echo hi'}), plan([]), repo);
		expect(agent.executable).toBe('sh');
	});

	it('no agent on a prompt step: --agent, then the plan default, then claude', async () => {
		const s = step('T1');
		expect((await resolveAgent(s, plan([]), repo)).preset.name).toBe('claude');
		expect((await resolveAgent(s, plan([], {defaultAgent: 'gemini'}), repo)).preset.name).toBe('gemini');
		const viaOpt = await resolveAgent(s, plan([], {defaultAgent: 'gemini'}), repo, {defaultAgent: 'codex'});
		expect(viaOpt).toMatchObject({name: 'codex', executable: 'codex'});
		expect(viaOpt.preset.name).toBe('codex');
	});

	it('a preset named directly', async () => {
		const agent = await resolveAgent(step('T1', {agent: 'aider'}), plan([]), repo);
		expect(agent).toMatchObject({name: 'aider', executable: 'aider', spec: {preset: 'aider'}});
		expect(agent.instructions).toBeUndefined();
	});

	it('a plan agent: preset, role (body = instructions, front matter model), executable, args', async () => {
		const role = write('roles/writer.md', '---\nname: writer\nmodel: opus\ntools: Read, Edit\n---\n\nYou write code.\n');
		const p = plan([], {
			agents: {
				writer: {preset: 'claude', role: 'roles/writer.md', executable: './bin/my-claude', args: ['--max-turns', '3']},
				'codex-writer': {preset: 'codex', role: 'roles/writer.md'},
				pinned: {preset: 'claude', role: 'roles/writer.md', model: 'haiku'},
			},
		});
		const agent = await resolveAgent(step('T1', {agent: 'writer'}), p, repo);
		expect(agent).toMatchObject({name: 'writer', executable: path.join(repo, 'bin/my-claude'), instructions: 'You write code.', rolePath: role});
		expect(agent.spec.model).toBe('opus');
		const argv = agentArgv(agent, step('T1'), 'the prompt', repo);
		expect(argv).toEqual([
			path.join(repo, 'bin/my-claude'), '-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits',
			'--append-system-prompt', 'You write code.', '--model', 'opus', '--max-turns', '3', '--', 'the prompt',
		]);
		// A Claude model alias from a role file means nothing to codex.
		expect((await resolveAgent(step('T1', {agent: 'codex-writer'}), p, repo)).spec.model).toBeUndefined();
		// The plan's model wins over the role file's.
		expect((await resolveAgent(step('T1', {agent: 'pinned'}), p, repo)).spec.model).toBe('haiku');
	});

	it('a role-only plan agent runs on the default agent, inheriting its executable', async () => {
		write('roles/r.md', 'Plain body, no front matter.');
		const p = plan([], {
			defaultAgent: 'main',
			agents: {main: {preset: 'gemini', executable: '/opt/gemini', role: 'roles/r.md'}, helper: {role: 'roles/r.md'}},
		});
		const agent = await resolveAgent(step('T1', {agent: 'helper'}), p, repo);
		expect(agent.preset.name).toBe('gemini');
		expect(agent.executable).toBe('/opt/gemini');
		expect(agent.instructions).toBe('Plain body, no front matter.');
	});

	it('a plan agent named like a preset uses that preset; models fall back to the default agent', async () => {
		write('roles/m.md', '---\nmodel: sonnet\n---\nM.');
		const p = plan([], {
			defaultAgent: 'main',
			agents: {codex: {executable: '/opt/codex'}, main: {preset: 'codex', model: 'gpt-5'}, helper: {role: 'roles/m.md'}, bare: {args: ['-x']}},
		});
		const codex = await resolveAgent(step('T1', {agent: 'codex'}), p, repo);
		expect(codex.preset.name).toBe('codex');
		expect(codex.executable).toBe('/opt/codex');
		// sonnet means nothing to codex: the default agent's model applies.
		expect((await resolveAgent(step('T1', {agent: 'helper'}), p, repo)).spec.model).toBe('gpt-5');
		const bare = await resolveAgent(step('T1', {agent: 'bare'}), p, repo);
		expect(bare.spec).toMatchObject({preset: 'codex', model: 'gpt-5', args: ['-x']});
	});

	it('a role file in .claude/agents or .specify/agents, the repository first', async () => {
		write('.claude/agents/api-writer.md', '---\nname: api-writer\ndescription: x\nmodel: sonnet\n---\nWrite APIs.');
		const agent = await resolveAgent(step('T1', {agent: 'api-writer'}), plan([]), repo);
		expect(agent).toMatchObject({name: 'api-writer', instructions: 'Write APIs.', spec: {preset: 'claude', model: 'sonnet'}});
		write('.specify/agents/api-writer.md', '---\nmodel: inherit\n---\nSpecify wins.');
		const again = await resolveAgent(step('T1', {agent: 'api-writer'}), plan([], {defaultAgent: 'codex'}), repo);
		expect(again).toMatchObject({instructions: 'Specify wins.', spec: {preset: 'codex'}});
		expect(again.spec.model).toBeUndefined();
	});

	it('the shipped role files are found when the repository has none', async () => {
		expect(builtinRolesDir()).toBe(path.resolve(here, '../../.specify/agents'));
		const agent = await resolveAgent(step('T1', {agent: 'bug-fixer'}), plan([]), repo);
		expect(agent.rolePath).toBe(path.join(builtinRolesDir()!, 'bug-fixer.md'));
		expect(agent.instructions).toContain('root cause');
	});

	it('a command agent: argv with placeholders, executable = its program', async () => {
		const p = plan([], {agents: {scripted: {command: ['node', '-e', '{run}', '--', '{step}: {prompt}']}}});
		const s = step('T7', {agent: 'scripted', run: 'console.log(1)'});
		const agent = await resolveAgent(s, p, repo);
		expect(agent).toMatchObject({name: 'scripted', executable: 'node'});
		expect(agent.preset.name).toBe('command');
		expect(agentArgv(agent, s, 'go', repo)).toEqual(['node', '-e', 'console.log(1)', '--', 'T7: go']);
	});

	it('unknown names and bad specs are usage errors', async () => {
		await expect(resolveAgent(step('T4', {agent: 'writer'}), plan([]), repo)).rejects.toThrow(
			/step T4 names agent "writer", which is neither in agents:, a preset \(claude, codex, gemini, aider, shell\) nor a role file/,
		);
		await expect(resolveAgent(step('T4', {agent: '../etc/passwd'}), plan([]), repo)).rejects.toBeInstanceOf(AgentError);
		await expect(resolveAgent(step('T4', {agent: 'x'}), plan([], {agents: {x: {preset: 'gpt'}}}), repo)).rejects.toThrow(
			/agents.x.preset "gpt" is not a preset/,
		);
		await expect(resolveAgent(step('T4', {agent: 'command'}), plan([]), repo)).rejects.toBeInstanceOf(UsageError);
		await expect(resolveAgent(step('T4', {agent: 'x'}), plan([], {agents: {x: {role: 'nope.md'}}}), repo)).rejects.toBeInstanceOf(
			RoleFileError,
		);
	});
});

describe('checkAgents', () => {
	it('reports a preset CLI missing from PATH once, naming every step that needs it', async () => {
		const p = plan([step('T1'), step('T2', {agent: 'claude'}), step('T3', {run: 'echo'}), step('T4', {agent: 'codex', done: true})]);
		process.env.PATH = bareBin;
		const issues = await checkAgents(p, repo);
		expect(issues).toEqual([
			{
				severity: 'error',
				file: p.source.path,
				message: 'claude CLI not found on PATH (needed by T1, T2)',
				fix: 'install it or set agents.claude.executable',
			},
		]);
		process.env.PATH = `${bareBin}${path.delimiter}${fakeBin}`;
		expect(await checkAgents(p, repo)).toEqual([]);
	});

	it('names the plan agent to fix and honours --agent', async () => {
		const p = plan([step('T1', {agent: 'writer'})], {agents: {writer: {preset: 'gemini'}}});
		process.env.PATH = bareBin;
		const [issue] = await checkAgents(p, repo);
		expect(issue.message).toBe('gemini CLI not found on PATH (needed by T1)');
		expect(issue.fix).toBe('install it or set agents.writer.executable');
		const viaDefault = await checkAgents(plan([step('T9')]), repo, {defaultAgent: 'aider'});
		expect(viaDefault.map((i) => i.message)).toEqual(['aider CLI not found on PATH (needed by T9)']);
	});

	it('an unknown agent is one issue however many steps name it', async () => {
		process.env.PATH = `${bareBin}${path.delimiter}${fakeBin}`;
		const issues = await checkAgents(plan([step('T4', {agent: 'ghost'}), step('T5', {agent: 'ghost'}), step('T6', {agent: 'phantom'})]), repo);
		expect(issues.map((i) => i.message)).toEqual([
			'steps T4, T5 name agent "ghost", which is neither in agents:, a preset (claude, codex, gemini, aider, shell) nor a role file in .specify/agents/ or .claude/agents/',
			'step T6 names agent "phantom", which is neither in agents:, a preset (claude, codex, gemini, aider, shell) nor a role file in .specify/agents/ or .claude/agents/',
		]);
		expect(issues[0].fix).toBe('add agents.ghost to the plan, use a preset name, or create .specify/agents/ghost.md');
		const viaDefault = await checkAgents(plan([step('T1'), step('T2')], {defaultAgent: 'ghost'}), repo);
		expect(viaDefault.map((i) => i.message)).toEqual([
			'the default agent "ghost" (used by T1, T2) is neither in agents:, a preset (claude, codex, gemini, aider, shell) nor a role file in .specify/agents/ or .claude/agents/',
		]);
	});

	it('checks the command program, an explicit executable, the fixer and role files', async () => {
		const bad = write('.specify/agents/broken.md', '---\nname: broken\ntools: [Read, Edit\n---\nbody');
		const p = plan(
			[
				step('T1', {agent: 'scripted'}),
				step('T2', {agent: 'pinned'}),
				step('T3', {agent: 'broken'}),
				step('T4', {agent: 'ok-cmd'}),
			],
			{
				fixer: 'nobody',
				agents: {
					scripted: {command: ['definitely-not-installed-xyz', '{prompt}']},
					pinned: {preset: 'codex', executable: '/nowhere/codex'},
					'ok-cmd': {command: ['bash', '-c', '{run}']},
				},
			},
		);
		process.env.PATH = `${bareBin}${path.delimiter}${fakeBin}`;
		const issues = await checkAgents(p, repo);
		expect(issues.map((i) => [i.file, i.line, i.message, i.fix])).toEqual([
			[p.source.path, undefined, '"definitely-not-installed-xyz" not found on PATH (agents.scripted.command, needed by T1)', 'install it or put its path in agents.scripted.command'],
			[p.source.path, undefined, '"/nowhere/codex" not found (agents.pinned.executable, needed by T2)', 'fix the path or install the codex CLI'],
			[bad, 3, 'malformed front matter: the value of tools is not valid YAML (MISSING_CHAR) (needed by T3)', 'quote the value or fix the line'],
			[p.source.path, undefined, 'the fixer names agent "nobody", which is neither in agents:, a preset (claude, codex, gemini, aider, shell) nor a role file in .specify/agents/ or .claude/agents/', 'add agents.nobody to the plan, use a preset name, or create .specify/agents/nobody.md'],
		]);
	});
});

describe('readRoleFile', () => {
	it('reads front matter and body; tools as comma string or list', async () => {
		const a = await readRoleFile(write('r/a.md', '---\nname: a\ndescription: "Does: things"\ntools: Read, Edit ,Bash\nmodel: haiku  \n---\n\n# A\n\nBody.\n'));
		expect(a).toMatchObject({name: 'a', description: 'Does: things', tools: ['Read', 'Edit', 'Bash'], model: 'haiku', body: '# A\n\nBody.'});
		expect(a.warning).toBeUndefined();
		const b = await readRoleFile(write('r/b.md', '---\nname: b\ntools:\n  - Read\n  - Grep\ncolor: #10B981\n---\nB'));
		expect(b).toMatchObject({tools: ['Read', 'Grep'], body: 'B', data: {color: null}});
	});

	it('a file without front matter is all body', async () => {
		expect(await readRoleFile(write('r/plain.md', '# Shared guidelines\n\n- be good\n'))).toEqual({body: '# Shared guidelines\n\n- be good', data: {}});
	});

	it('reads an unquoted ": " the way Claude Code does, with a warning', async () => {
		const file = write('r/loose.md', '---\nname: fixer\ndescription: Fixes bugs. Tagged "Auto-fixable: yes". Examples:\\n<example>\nmodel: sonnet\n---\nFix.');
		const role = await readRoleFile(file);
		expect(role).toMatchObject({name: 'fixer', model: 'sonnet', body: 'Fix.'});
		expect(role.description).toBe('Fixes bugs. Tagged "Auto-fixable: yes". Examples:\\n<example>');
		expect(role.warning).toMatch(/loose\.md:3: front matter is not strict YAML/);
	});

	it('malformed front matter is a UsageError naming the file and line', async () => {
		const noKey = write('r/bad1.md', '---\nname: x\nthis line has no key\n---\nbody');
		await expect(readRoleFile(noKey)).rejects.toThrow(`${noKey}:3: malformed front matter: "this line has no key" is not a key: value line`);
		const open = write('r/bad2.md', '---\nname: x\nbody without an end');
		await expect(readRoleFile(open)).rejects.toThrow(`${open}:1: front matter opened with --- is never closed`);
		const list = write('r/bad3.md', '---\n- a\n- b\n---\nbody');
		await expect(readRoleFile(list)).rejects.toBeInstanceOf(UsageError);
		await expect(readRoleFile(path.join(repo, 'r/missing.md'))).rejects.toThrow(/role file not found/);
	});
});

describe('buildPrompt', () => {
	it('prompt, files, spec-kit context, rules and the handoff', () => {
		const s = step('T5', {prompt: 'Implement the export service', files: ['src/export.ts', 'test/**/*.ts']});
		const p = plan([s], {
			speckit: {featureDir: 'specs/001-x', tasksPath: 'specs/001-x/tasks.md', contextFiles: ['specs/001-x/spec.md', 'specs/001-x/plan.md']},
		});
		const text = buildPrompt({step: s, plan: p, handoff: '## Handoff from T4 (code-writer) to T5 (code-writer)\n**Completed Work**: model'});
		expect(text).toBe(
			[
				'Implement the export service',
				'',
				'## Files',
				'Change only these files (globs allowed); tell us in your answer if the task needs others:',
				'- src/export.ts',
				'- test/**/*.ts',
				'',
				'## Context',
				'Read specs/001-x/spec.md, specs/001-x/plan.md for context before you start.',
				'',
				'## Rules',
				'Work in the current directory. Do not commit and do not switch branches: the orchestrator checkpoints your changes with git after this step.',
				'',
				'## Handoff from T4 (code-writer) to T5 (code-writer)',
				'**Completed Work**: model',
				'',
			].join('\n'),
		);
	});

	it('slash prompt first; no empty sections; a bare handoff gets a heading', () => {
		const s = step('T1', {prompt: undefined, slash: '/review src'});
		const text = buildPrompt({step: s, plan: plan([s]), slashPrompt: 'Review the code in src', handoff: 'T0 made the folder.'});
		expect(text.startsWith('Review the code in src\n\n## Rules')).toBe(true);
		expect(text).not.toContain('## Files');
		expect(text).not.toContain('## Context');
		expect(text).toContain('## Handoff from the previous step\nT0 made the folder.');
		expect(buildPrompt({step: step('T2', {prompt: undefined}), plan: plan([])}).startsWith('Step T2\n')).toBe(true);
	});

	it('skips the context section when the task already names the files', () => {
		const s = step('T1', {prompt: 'Do it. Context: specs/001-x/spec.md'});
		const p = plan([s], {speckit: {featureDir: 'specs/001-x', tasksPath: 't', contextFiles: ['specs/001-x/spec.md']}});
		expect(buildPrompt({step: s, plan: p})).not.toContain('## Context');
	});
});
