// A finished step's files with A/M/D and +/− counts, changes.json and its handoff are filled in
// batches (one git call for the steps finished in the last moments). Each step must still get
// exactly what it changed from its base, also when the agent made commits of its own.
import {afterAll, afterEach, beforeAll, describe, expect, it, vi} from 'vitest';
import {DETAILS_DELAY_MS, DETAILS_MAX_DELAY_MS, StepDetails} from '../../source/engine/step-details.js';
import type {Repo} from '../../source/git/repo.js';
import {cleanupTempDirs, runCli} from '../helpers/repo.js';
import {currentPhase, ensureBuilt, memoryText, repoWithPlan} from './harness.js';
import {inProcessSession} from './in-process.js';

beforeAll(ensureBuilt);
afterAll(cleanupTempDirs);

const PLAN = `id: details
title: Step details
phases:
  - id: work
    title: Work
    steps:
      - id: S1
        title: Write a
        run: printf 'one\\ntwo\\nthree\\n' > a.txt
      - id: S2
        title: Commit on its own, then edit
        run: echo b > b.txt && git add b.txt && git -c user.name=a -c user.email=a@b commit -qm self && echo four >> a.txt
      - id: S3
        title: Delete b
        run: rm b.txt
    gate:
      checks: ["true"]
`;

describe('step details filled in batches', () => {
	it('every step gets its own files and counts, a step over its own commits the whole range', async () => {
		const repo = repoWithPlan(PLAN);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: repo});
		expect(result.code, result.stderr).toBe(0);
		const steps = currentPhase(repo).session.steps;
		const files = (id: string) => steps[id].files.map((f: any) => [f.path, f.status, f.added, f.removed]);
		expect(files('S1')).toEqual([['a.txt', 'A', 3, 0]]);
		expect(files('S2')).toEqual([
			['a.txt', 'M', 1, 0],
			['b.txt', 'A', 1, 0],
		]);
		expect(files('S3')).toEqual([['b.txt', 'D', 0, 1]]);
		expect(memoryText(repo, 'handoffs/S2.md')).toMatch(/`b\.txt` \(added, \+1 −0\)/);
		expect(memoryText(repo, 'handoffs/S3.md')).toMatch(/`b\.txt` \(deleted, \+0 −1\)/);
		const changes = JSON.parse(memoryText(repo, 'changes.json'));
		expect(changes.files_modified.map((f: any) => f.path).sort()).toEqual(['a.txt', 'b.txt']);
	});
});

describe('when a batch of step details is filled', () => {
	afterEach(() => vi.useRealTimers());

	it(`once no step has finished for ${DETAILS_DELAY_MS} ms, or ${DETAILS_MAX_DELAY_MS} ms after the batch's first step`, async () => {
		const {store, events, paths} = await inProcessSession(PLAN);
		const asked: string[][] = [];
		// Only the batch's one git call matters here: it records which steps it was asked about.
		const repo = {
			commitsChanges: async (commits: string[]) => {
				asked.push(commits);
				return new Map();
			},
			changedFiles: async () => [],
		} as unknown as Repo;
		vi.useFakeTimers();
		const details = new StepDetails({repo, store, events, paths});
		const finish = (id: string) => details.queue({stepId: id, base: 'base', commit: id, agent: 'shell', record: false, upcoming: []});

		finish('S1');
		await vi.advanceTimersByTimeAsync(DETAILS_DELAY_MS - 50);
		finish('S2'); // still finishing: the wait starts again
		await vi.advanceTimersByTimeAsync(DETAILS_DELAY_MS - 50);
		expect(asked).toEqual([]);
		await vi.advanceTimersByTimeAsync(50);
		expect(asked).toEqual([['S1', 'S2']]);

		// Steps finishing every 100 ms: one call at the latest DETAILS_MAX_DELAY_MS after the first.
		asked.length = 0;
		const ids = Array.from({length: 15}, (_, i) => `Q${i + 1}`);
		for (const id of ids) {
			finish(id);
			await vi.advanceTimersByTimeAsync(100);
		}
		await vi.advanceTimersByTimeAsync(DETAILS_DELAY_MS);
		expect(asked.flat()).toEqual(ids);
		expect(asked[0]).toHaveLength(DETAILS_MAX_DELAY_MS / 100);
		expect(asked).toHaveLength(2);
	});
});
