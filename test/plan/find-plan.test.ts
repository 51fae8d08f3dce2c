import {execFileSync} from 'node:child_process';
import {mkdir, mkdtemp, rm, utimes, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {findDefaultPlan} from '../../source/plan/find-plan.js';
import {formatIssue} from '../../source/plan/format-issue.js';
import {UsageError} from '../../source/util/errors.js';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'orch-find-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

async function put(rel: string, text = 'x', mtime?: Date): Promise<string> {
	const p = path.join(dir, rel);
	await mkdir(path.dirname(p), {recursive: true});
	await writeFile(p, text);
	if (mtime) await utimes(p, mtime, mtime);
	return p;
}

describe('findDefaultPlan', () => {
	it('prefers .specify/implementation/plan.yaml over spec-kit tasks', async () => {
		await put('specs/001-a/tasks.md');
		const plan = await put('.specify/implementation/plan.yaml');
		expect(await findDefaultPlan(dir)).toBe(plan);
	});

	it('accepts plan.yml and plan.json', async () => {
		const json = await put('.specify/implementation/plan.json');
		expect(await findDefaultPlan(dir)).toBe(json);
		const yml = await put('.specify/implementation/plan.yml');
		expect(await findDefaultPlan(dir)).toBe(yml);
	});

	it('else takes the most recently modified specs/*/tasks.md', async () => {
		await put('specs/001-old/tasks.md', 'x', new Date('2025-01-01'));
		const newest = await put('specs/002-new/tasks.md', 'x', new Date('2025-06-01'));
		await put('specs/003-mid/tasks.md', 'x', new Date('2025-03-01'));
		await put('specs/004-none/spec.md', 'x', new Date('2026-01-01'));
		expect(await findDefaultPlan(dir)).toBe(newest);
	});

	it('says where it looked and what to do when there is none', async () => {
		await put('specs/001-a/spec.md');
		const error = await findDefaultPlan(dir).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(UsageError);
		expect((error as Error).message).toBe(
			'no plan given and none found at .specify/implementation/plan.yaml or specs/*/tasks.md — pass a plan: orchestrator run PLAN',
		);
	});
});

describe('formatIssue', () => {
	it('prints file:line:col, severity, message and fix, the path relative to cwd', () => {
		expect(
			formatIssue({file: path.join(dir, 'plan.yaml'), line: 12, col: 7, severity: 'error', message: 'unknown step "T009" in depends_on of T004', fix: 'use one of T001, T002, …'}, dir),
		).toBe('plan.yaml:12:7: error: unknown step "T009" in depends_on of T004 — fix: use one of T001, T002, …');
	});

	it('keeps paths outside cwd absolute and leaves out what is unknown', () => {
		expect(formatIssue({file: '/elsewhere/plan.yaml', severity: 'warning', message: 'm'}, dir)).toBe('/elsewhere/plan.yaml: warning: m');
		expect(formatIssue({file: path.join(dir, 'a', 'p.json'), line: 3, severity: 'error', message: 'm', fix: 'f'}, dir)).toBe(
			`${path.join('a', 'p.json')}:3: error: m — fix: f`,
		);
	});
});

describe('findDefaultPlan follows the spec-kit feature', () => {
	it('the branch NNN-name picks its tasks.md over a newer one of another feature', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'orch-feature-'));
		try {
			execFileSync('git', ['init', '-q', '-b', '002-export'], {cwd: dir});
			for (const feature of ['002-export', '003-newer']) {
				await mkdir(path.join(dir, 'specs', feature), {recursive: true});
				await writeFile(path.join(dir, 'specs', feature, 'tasks.md'), '# Tasks\n');
			}
			const later = new Date(Date.now() + 5000);
			await utimes(path.join(dir, 'specs/003-newer/tasks.md'), later, later);
			expect(await findDefaultPlan(dir)).toBe(path.join(dir, 'specs/002-export/tasks.md'));
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});
});
