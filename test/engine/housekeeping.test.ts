// git's housekeeping during a run: checkpoint commits skip the auto-maintenance check git makes
// after each commit, and the run makes it once at its end (as `git am` and `git rebase` do).
// Which git processes ran is read from git's own trace2 event stream.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {cleanupTempDirs, git, tempDir} from '../helpers/repo.js';
import {headlessEngine, inProcessSession} from './in-process.js';

afterAll(() => cleanupTempDirs());

const PLAN = `id: chores
title: Chores
phases:
  - id: one
    title: One
    steps:
      - {id: S1, title: First, run: "echo one > one.txt"}
      - {id: S2, title: Second, run: "echo two > two.txt"}
      - {id: S3, title: Third, run: "echo three > three.txt"}
    gate: {approve: false}
`;

interface GitStart {
	sid: string;
	argv: string[];
}

/** Runs the plan with GIT_TRACE2_EVENT set; returns every git process that started, in order. */
async function gitProcessesOf(configure: (repo: string) => void = () => {}): Promise<GitStart[]> {
	const trace = path.join(tempDir('orch-trace2-'), 'events.json');
	const before = process.env.GIT_TRACE2_EVENT;
	// Set before the repository is opened: its git runner takes the environment then.
	process.env.GIT_TRACE2_EVENT = trace;
	try {
		const session = await inProcessSession(PLAN);
		configure(session.repo);
		expect(await headlessEngine(session).run()).toBe(0);
	} finally {
		if (before === undefined) delete process.env.GIT_TRACE2_EVENT;
		else process.env.GIT_TRACE2_EVENT = before;
	}
	const started: GitStart[] = fs
		.readFileSync(trace, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map(line => JSON.parse(line))
		.filter(event => event.event === 'start')
		.map(event => ({sid: event.sid, argv: event.argv}));
	// From the first step on: the test's own set-up commits run git's maintenance as usual.
	return started.slice(started.findIndex(isCommit));
}

const isMaintenance = (p: GitStart) => p.argv.includes('maintenance');
/** A step's checkpoint commit (not the test's own set-up commits). */
const isCommit = (p: GitStart) => p.argv.includes('commit') && p.argv.some(a => /^orchestrator\(chores\): S\d/.test(a));

describe('git housekeeping in a run', () => {
	it('checkpoint commits start no maintenance; the run checks once, after its last commit', async () => {
		const started = await gitProcessesOf();
		const commits = started.filter(isCommit);
		expect(commits).toHaveLength(3);
		const maintenance = started.filter(isMaintenance);
		expect(maintenance.map(p => p.argv.slice(1))).toEqual([['maintenance', 'run', '--auto', '--quiet']]);
		// A child's sid names its parent's: this one is ours, not a commit's.
		for (const commit of commits) expect(maintenance[0]!.sid.startsWith(`${commit.sid}/`)).toBe(false);
		expect(started.indexOf(maintenance[0]!)).toBeGreaterThan(started.indexOf(commits.at(-1)!));
	});

	it("a repository's maintenance.auto=false is respected", async () => {
		const started = await gitProcessesOf(repo => git(repo, 'config', 'maintenance.auto', 'false'));
		expect(started.filter(isCommit)).toHaveLength(3);
		expect(started.filter(isMaintenance)).toEqual([]);
	});
});
