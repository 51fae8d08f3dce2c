import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {checkAgents, findOnPathCached, resolveAgent} from '../../source/agents/resolve-agent.js';
import type {Plan, Step} from '../../source/types.js';

// Executable lookups are remembered per (name, PATH), and checkAgents resolves each distinct agent
// of a plan once: the results must stay what a lookup per step gave.

const originalPath = process.env.PATH;
let root: string;
let repo: string;
let binA: string;
let binB: string;

beforeAll(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'orc-resolve-cache-'));
	repo = path.join(root, 'repo');
	binA = path.join(root, 'a');
	binB = path.join(root, 'b');
	for (const dir of [repo, binA, binB]) fs.mkdirSync(dir);
	for (const dir of [binA, binB]) fs.writeFileSync(path.join(dir, 'claude'), '#!/bin/sh\nexit 0\n', {mode: 0o755});
	const sh = (originalPath ?? '').split(path.delimiter).map((d) => path.join(d, 'sh')).find((f) => fs.existsSync(f));
	if (sh) fs.symlinkSync(sh, path.join(binB, 'sh'));
});

afterAll(() => {
	fs.rmSync(root, {recursive: true, force: true});
});

afterEach(() => {
	process.env.PATH = originalPath;
});

function step(id: string, over: Partial<Step> = {}): Step {
	return {id, title: id, phaseId: 'p', prompt: `Do ${id}`, files: [], depends_on: [], parallel: false, done: false, ...over};
}

function plan(steps: Step[], over: Partial<Plan> = {}): Plan {
	return {
		id: 'cache',
		title: 'Cache',
		agents: {},
		strict: false,
		max_files: 25,
		phases: [{id: 'p', title: 'P', steps, gate: {checks: [], approve: false, tag: false}}],
		source: {path: path.join(repo, 'plan.yaml'), format: 'yaml', hash: 'x'},
		...over,
	};
}

describe('findOnPathCached', () => {
	it('answers a repeated (name, PATH) from memory and searches again when PATH changes', async () => {
		const envA = {PATH: binA};
		const first = findOnPathCached('claude', envA);
		expect(findOnPathCached('claude', {PATH: binA})).toBe(first);
		expect(await first).toBe(path.join(binA, 'claude'));
		expect(await findOnPathCached('claude', {PATH: binB})).toBe(path.join(binB, 'claude'));
		expect(await findOnPathCached('claude', {PATH: path.join(root, 'nowhere')})).toBeNull();
	});

	it('the shell of a run step follows PATH: bash when there, else sh', async () => {
		process.env.PATH = binB; // sh only
		expect((await resolveAgent(step('T1', {run: 'echo hi', prompt: undefined}), plan([]), repo)).executable).toBe('sh');
		process.env.PATH = originalPath;
		const bash = (originalPath ?? '').split(path.delimiter).some((d) => fs.existsSync(path.join(d, 'bash')));
		expect((await resolveAgent(step('T1', {run: 'echo hi', prompt: undefined}), plan([]), repo)).executable).toBe(bash ? 'bash' : 'sh');
	});
});

describe('checkAgents with one resolution per agent', () => {
	it('lists the steps of one missing CLI in plan order, whether they name it or get it by default', async () => {
		process.env.PATH = path.join(root, 'nowhere');
		const p = plan([step('T1'), step('T2', {agent: 'claude'}), step('T3'), step('T4', {run: 'true', prompt: undefined}), step('T5', {agent: 'claude'})]);
		const issues = await checkAgents(p, repo);
		expect(issues.map((i) => i.message)).toEqual([
			'claude CLI not found on PATH (needed by T1, T2, T3, T5)',
			'neither bash nor sh found on PATH (needed by T4)',
		]);
	});

	it('keeps a per-step message for a problem that names its step', async () => {
		process.env.PATH = binA;
		const issues = await checkAgents(plan([step('T1', {agent: 'command'}), step('T2', {agent: 'command'})]), repo);
		expect(issues.map((i) => i.message)).toEqual([
			'step T1 names agent "command": the command preset needs a command',
			'step T2 names agent "command": the command preset needs a command',
		]);
	});

	it('checks thousands of steps of a few agents, skipping done ones', async () => {
		process.env.PATH = `${binA}${path.delimiter}${binB}`; // claude and sh, no codex
		const steps: Step[] = [];
		for (let i = 0; i < 3000; i++) {
			const kind = i % 3;
			steps.push(step(`T${i}`, kind === 0 ? {} : kind === 1 ? {run: 'true', prompt: undefined} : {agent: 'codex', done: i % 2 === 0}));
		}
		const issues = await checkAgents(plan(steps), repo);
		const codexSteps = steps.filter((s) => s.agent === 'codex' && !s.done).map((s) => s.id);
		expect(issues).toHaveLength(1);
		expect(issues[0]!.message).toBe(`codex CLI not found on PATH (needed by ${codexSteps.join(', ')})`);
	});
});
