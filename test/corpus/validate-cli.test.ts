// issue 4: `orchestrator validate --json` (the real binary) on every tasks.md of the corpus:
// exit 0, one step per task line, in the file's phases; the file without task ids: exit 2
// with one line. The corpus is read in place; a fake `claude` stands in for the default agent.
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(repoRoot, '../shared/corpus');
const cli = path.join(repoRoot, 'dist/cli.js');
const files = fs.existsSync(corpus) ? fs.readdirSync(corpus).filter(f => /^(spec-kit__tasks-template__|tasks__).*\.md$/.test(f)).sort() : [];
const NO_TASK_IDS = 'tasks__JoeyLearnsToCode__prompt-studio__003-i18n.md';
const TASK_LINE = /^\s*[-*] \[[ xX]\]\s+(\*\*)?T\d+/;
const PHASE_HEADING = /^#{1,6}\s+Phase\b/i;

let bin = '';
beforeAll(() => {
	if (!fs.existsSync(cli)) execFileSync('npm', ['run', 'build', '--silent'], {cwd: repoRoot});
	bin = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-corpus-bin-'));
	fs.writeFileSync(path.join(bin, 'claude'), '#!/bin/sh\nexit 0\n', {mode: 0o755});
});
afterAll(() => fs.rmSync(bin, {recursive: true, force: true}));

function validate(file: string, json = true) {
	return spawnSync(process.execPath, [cli, 'validate', file, ...(json ? ['--json'] : [])], {
		cwd: os.tmpdir(),
		encoding: 'utf8',
		env: {...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`},
	});
}

describe.skipIf(files.length === 0)('validate --json on the corpus task lists', () => {
	it.each(files.filter(f => f !== NO_TASK_IDS))('%s', name => {
		const file = path.join(corpus, name);
		const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
		const result = validate(file);
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		const plan = JSON.parse(result.stdout);
		const steps = plan.phases.flatMap((p: {steps: unknown[]}) => p.steps);
		expect(steps).toHaveLength(lines.filter(l => TASK_LINE.test(l)).length);
		expect(steps.filter((s: {done: boolean}) => s.done)).toHaveLength(lines.filter(l => TASK_LINE.test(l) && /\[[xX]\]/.test(l)).length);
		// The phases are the file's own phase headings, in order (example phases with placeholder
		// tasks only are left out by the importer).
		const headings = lines.filter(l => PHASE_HEADING.test(l));
		expect(plan.phases.length).toBeGreaterThan(0);
		expect(plan.phases.length).toBeLessThanOrEqual(Math.max(1, headings.length));
		expect(plan.order.flat()).toHaveLength(steps.length);
	});

	it('a list without task ids: exit 2 and one line (as JSON with --json)', () => {
		const plain = validate(path.join(corpus, NO_TASK_IDS), false);
		expect(plain.status).toBe(2);
		const lines = plain.stderr.trim().split('\n');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(/no spec-kit task lines/);
		const json = validate(path.join(corpus, NO_TASK_IDS));
		expect(json.status).toBe(2);
		expect(JSON.parse(json.stdout).error).toMatch(/no spec-kit task lines/);
	});
});
