// What follows a step's checkpoint: the files it changed with A/M/D and +/− counts, changes.json,
// and its handoff for the next agent. Filled in the background and in batches: one git call once
// no step has finished for DETAILS_DELAY_MS, or at the latest DETAILS_MAX_DELAY_MS after the first
// of the batch (a run of quick shell steps would otherwise start one more git per step or few);
// settle() fills them at once before anything reads them: a prompt with the handoff, a gate
// report, a rollback, the end.
import fs from 'node:fs';
import type {CommitChanges} from '../git/diff.js';
import type {Repo} from '../git/repo.js';
import type {OrchestratorStore} from '../store/store.js';
import type {SessionState, Step, StepState} from '../types.js';
import {errorMessage} from '../util/errors.js';
import type {MemoryPaths} from '../util/paths.js';
import {recordChanges} from './changes.js';
import type {EventLog} from './event-log.js';
import {renderHandoff} from './handoff.js';

/** A finished step whose files, counts and handoff are still to be filled in. */
export interface PendingDetails {
	stepId: string;
	/** The commit the step started from; null when it made no checkpoint. */
	base: string | null;
	commit: string;
	agent: string;
	/** Count its changes in changes.json and write its handoff (not for a strict scope failure). */
	record: boolean;
	/** The steps still to run when this one finished (taken then, not later). */
	upcoming: Step[];
}

/** How long finished steps wait for others before their details are filled in one git call. */
export const DETAILS_DELAY_MS = 250;
/** While steps keep finishing, the wait goes on, up to this long after the first of the batch. */
export const DETAILS_MAX_DELAY_MS = 1000;

export class StepDetails {
	/** The chain of fills: steps' details land in order. */
	private chain: Promise<void> = Promise.resolve();
	private queued: PendingDetails[] = [];
	private timer: NodeJS.Timeout | undefined;
	/** When the first step of the queued batch arrived. */
	private batchStart = 0;

	constructor(private readonly opts: {repo: Repo; store: OrchestratorStore; events: EventLog; paths: MemoryPaths}) {}

	private get session(): SessionState {
		const session = this.opts.store.getState().session;
		if (!session) throw new Error('step details without a session');
		return session;
	}

	queue(item: PendingDetails): void {
		this.queued.push(item);
		const now = Date.now();
		if (this.timer) clearTimeout(this.timer);
		else this.batchStart = now;
		const wait = Math.min(DETAILS_DELAY_MS, this.batchStart + DETAILS_MAX_DELAY_MS - now);
		this.timer = setTimeout(() => void this.flush(), Math.max(0, wait));
		this.timer.unref();
	}

	/** Waits for the details of every finished step. */
	async settle(): Promise<void> {
		await this.flush();
	}

	/** Starts filling every queued step's details; resolves when they (and earlier ones) are in. */
	private flush(): Promise<void> {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		const batch = this.queued.splice(0);
		if (batch.length > 0) this.chain = this.chain.then(() => this.fill(batch)).catch(() => {});
		return this.chain;
	}

	private async fill(batch: PendingDetails[]): Promise<void> {
		const {repo, events, store} = this.opts;
		const changed = batch.filter(item => item.base && item.base !== item.commit);
		let byCommit = new Map<string, CommitChanges>();
		try {
			byCommit = await repo.commitsChanges(changed.map(item => item.commit));
		} catch {
			// Each step below asks on its own, and says so if that fails too.
		}
		for (const {stepId, base, commit, agent, record, upcoming} of batch) {
			let files = this.session.steps[stepId]?.files ?? [];
			if (base && base !== commit) {
				const own = byCommit.get(commit);
				try {
					// The step's commit sits on its base, unless the agent committed on its own as well.
					files = own && own.parent === base ? own.files : await repo.changedFiles(base, commit);
				} catch (error) {
					events.emit('warning', {step: stepId, message: `file counts unavailable: ${errorMessage(error)}`});
				}
			}
			store.getState().patchStep(stepId, {files});
			if (!record) continue;
			store.getState().patchSession({changes: recordChanges(this.session.changes, files, agent)});
			this.writeHandoff(stepId, upcoming);
		}
	}

	/** The handoff of the step that finished last before `stepId`, for its prompt. */
	previousHandoff(stepId: string): string | undefined {
		let latest: StepState | undefined;
		for (const step of Object.values(this.session.steps)) {
			if (step.id === stepId || step.status !== 'done' || !step.finishedAt) continue;
			if (!latest || step.finishedAt > latest.finishedAt!) latest = step;
		}
		if (!latest) return undefined;
		try {
			return fs.readFileSync(this.opts.paths.handoff(latest.id), 'utf8');
		} catch {
			return undefined;
		}
	}

	private writeHandoff(stepId: string, upcoming: Step[]): void {
		const state = this.session.steps[stepId];
		const next = upcoming[0];
		const ownedByOthers = upcoming.slice(1).flatMap(s => s.files);
		const lastReport = Object.values(this.session.reports).at(-1);
		const text = renderHandoff({
			step: state,
			next,
			upcoming,
			nextScope: next?.files ?? [],
			ownedByOthers: [...new Set(ownedByOthers)],
			lastChecks: lastReport?.checks ?? [],
		});
		fs.writeFileSync(this.opts.paths.handoff(stepId), text);
		this.opts.events.emit('handoff', {step: stepId, to: next?.id ?? null});
	}
}
