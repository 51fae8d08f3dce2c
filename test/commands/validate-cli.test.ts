// validate through the real binary and a pipe: the process exits as soon as the command is done
// (cli.tsx), so its output must be out in full first, however large.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, makeRepo, runCli} from '../helpers/repo.js';
import {ensureBuilt} from '../engine/harness.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

function bigTaskList(tasks: number, phases: number): string {
	const lines = ['# Tasks: Big', ''];
	let n = 0;
	for (let p = 1; p <= phases; p++) {
		lines.push(`## Phase ${p}: Part ${p}`, '');
		for (let k = 0; k < tasks / phases; k++) {
			n++;
			lines.push(`- [ ] T${String(n).padStart(5, '0')}${k % 4 ? ' [P]' : ''} Implement part ${n} in src/p${p}/m${n}.ts and test/p${p}/m${n}.test.ts`);
		}
		lines.push('');
	}
	return lines.join('\n');
}

describe('validate through a pipe', () => {
	it('prints the whole plan of a 10,000-task list as one line of JSON, and the human report to its last line', async () => {
		const repo = makeRepo({'README.md': '# big\n'});
		fs.writeFileSync(path.join(repo, 'tasks.md'), bigTaskList(10_000, 10));
		const json = await runCli(['validate', 'tasks.md', '--json', '--agent', 'shell'], {cwd: repo});
		expect(json.code, json.stderr).toBe(0);
		expect(json.stdout.endsWith('\n')).toBe(true);
		expect(json.stdout.trimEnd().split('\n')).toHaveLength(1);
		const plan = JSON.parse(json.stdout);
		expect(plan.phases.flatMap((p: {steps: unknown[]}) => p.steps)).toHaveLength(10_000);
		expect(plan.order.flat()).toHaveLength(10_000);

		const human = await runCli(['validate', 'tasks.md', '--agent', 'shell'], {cwd: repo});
		expect(human.code, human.stderr).toBe(0);
		expect(human.stdout.trimEnd().split('\n').at(-1)).toBe(`ok: 10000 steps in 10 phases, ${plan.order.length} batches`);
	});
});
