// The git layer: checkpoints, diffs, rollback and crash recovery for one repository.
//
// It touches only refs/orchestrator/*, tags orchestrator/* and the checked-out branch, never
// uses `git stash`, and deletes nothing a ref does not keep (the caller snapshots before a restore).
import fs from 'node:fs/promises';
import path from 'node:path';
import {UsageError} from '../util/errors.js';
import type {RepoContext} from './context.js';
import {GitExitError, GitRunner} from './runner.js';
import {parsePorcelainPaths, type GitFileChange} from './parse.js';
import * as checkpoint from './checkpoint.js';
import * as diff from './diff.js';
import * as rollback from './rollback.js';
import {removeStaleLock} from './index-lock.js';

export {STEP_TRAILER, type StepCommit} from './checkpoint.js';
export {parseNumstat, parseNameStatus, parseRawNumstat, parseTrailers, formatMessage, type GitFileChange} from './parse.js';
export {GitExitError} from './runner.js';

/** Our own refs live here; setRef and snapshotToRef refuse anything else. */
export const REF_PREFIX = 'refs/orchestrator/';
/** Our own tags; only these are ever moved (re-tag after a retry). */
export const TAG_PREFIX = 'orchestrator/';

/** The empty tree of each object format: known, so no `git hash-object` is needed for it. */
const EMPTY_TREES: Record<string, string> = {
	sha1: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
	sha256: '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
};

const FALLBACK_NAME = 'orchestrator';
const FALLBACK_EMAIL = 'orchestrator@localhost';

export class Repo implements RepoContext {
	private identity?: Promise<string[]>;
	private emptyTreeId?: Promise<string>;
	private excludeChain: Promise<unknown> = Promise.resolve();
	private readonly untrackedCounts: diff.UntrackedCountCache = new Map();

	private constructor(
		readonly root: string,
		readonly gitDir: string,
		readonly commonDir: string,
		readonly git: GitRunner,
	) {}

	/** The repository that contains `cwd`; root is its top level. UsageError when there is none. */
	static async open(cwd: string): Promise<Repo> {
		const dir = path.resolve(cwd);
		const notRepo = () => new UsageError(`${cwd} is not a git repository — run \`git init\` first, or pass --cwd`);
		const stat = await fs.stat(dir).catch(() => null);
		if (!stat?.isDirectory()) throw notRepo();
		let out: string;
		try {
			out = await new GitRunner(dir).out(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir', '--show-object-format']);
		} catch (error) {
			if (!(error instanceof GitExitError)) throw error;
			if (/not a git repository/i.test(error.message)) throw notRepo();
			if (/must be run in a work tree/i.test(error.message)) {
				throw new UsageError(`${cwd} is a bare git repository — run orchestrator in a working tree, or pass --cwd`);
			}
			throw new UsageError(`${cwd}: ${error.message.split('\n')[0]}`);
		}
		const [root, gitDir, commonDir, objectFormat] = out.split('\n');
		if (!root || !gitDir || !commonDir) throw notRepo();
		const repo = new Repo(root, gitDir, path.resolve(dir, commonDir), new GitRunner(root));
		// A git without --show-object-format echoes the option back instead: emptyTree() then asks git.
		const emptyTree = EMPTY_TREES[objectFormat?.trim() ?? ''];
		if (emptyTree) repo.emptyTreeId = Promise.resolve(emptyTree);
		return repo;
	}

	/** The commit HEAD points at; null on an unborn branch. */
	async head(): Promise<string | null> {
		const result = await this.git.run(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], {okCodes: [1]});
		return result.exitCode === 0 ? result.stdout.trim() : null;
	}

	/** The checked-out branch; null when HEAD is detached. */
	async branch(): Promise<string | null> {
		const result = await this.git.run(['symbolic-ref', '-q', '--short', 'HEAD'], {okCodes: [1]});
		return result.exitCode === 0 ? result.stdout.trim() || null : null;
	}

	/** Add "/<relDir>/" to .git/info/exclude once, so checkpoints never commit it and restores never delete it. */
	async ensureExcluded(relDir: string): Promise<void> {
		const run = async () => {
			const entry = `/${relDir.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '')}/`;
			const file = path.join(this.commonDir, 'info', 'exclude');
			const current = await fs.readFile(file, 'utf8').catch(() => '');
			if (current.split(/\r?\n/).some((line) => line.trim() === entry)) return;
			await fs.mkdir(path.dirname(file), {recursive: true});
			const separator = current === '' || current.endsWith('\n') ? '' : '\n';
			await fs.appendFile(file, `${separator}${entry}\n`);
		};
		const next = this.excludeChain.then(run, run);
		this.excludeChain = next.catch(() => undefined);
		return next;
	}

	/** Uncommitted work: tracked changes and every untracked non-ignored file (each listed, so the plan file can be told apart). */
	async dirtyFiles(): Promise<string[]> {
		const out = await this.git.out(['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all']);
		return parsePorcelainPaths(out);
	}

	/** A commit of the current working state under `ref` (refs/orchestrator/…), without touching tree, index or HEAD. */
	async snapshotToRef(ref: string, message: string): Promise<string> {
		assertOwnRef(ref);
		return rollback.snapshotToRef(this, ref, message);
	}

	/** Stage everything and commit with trailers; null when nothing changed. */
	async commitStep(message: string, trailers: Record<string, string>): Promise<checkpoint.StepCommit | null> {
		return checkpoint.commitStep(this, message, trailers);
	}

	/** An empty commit (start checkpoint on an unborn branch); anything staged stays staged. */
	async commitAllowEmpty(message: string, trailers: Record<string, string>): Promise<string> {
		return checkpoint.commitAllowEmpty(this, message, trailers);
	}

	/** Commit only these paths (relative to root, or absolute); null when they hold no change. */
	async addAndCommitPaths(paths: string[], message: string, trailers: Record<string, string>): Promise<string | null> {
		return checkpoint.addAndCommitPaths(this, paths.map((p) => this.relative(p)), message, trailers);
	}

	async setRef(ref: string, commit: string): Promise<void> {
		assertOwnRef(ref);
		await this.git.out(['update-ref', ref, commit]);
	}

	/** The commit a ref (or tag, or any revision) points at; null when it does not exist. */
	async readRef(ref: string): Promise<string | null> {
		const result = await this.git.run(['rev-parse', '-q', '--verify', `${ref}^{commit}`], {okCodes: [1]});
		return result.exitCode === 0 ? result.stdout.trim() : null;
	}

	/**
	 * Tag `commit`: annotated with a message, else lightweight. Our own tags (orchestrator/…) are
	 * moved when they exist (a phase approved again after a retry); any other existing tag is an error.
	 */
	async tag(name: string, commit: string, message?: string): Promise<void> {
		const force = name.startsWith(TAG_PREFIX) ? ['-f'] : [];
		if (message === undefined) {
			await this.git.out(['tag', ...force, name, commit]);
		} else {
			const identity = await this.identityArgs();
			await this.git.out([...identity, 'tag', ...force, '-a', '-m', message, name, commit]);
		}
	}

	/** name-status + numstat of from..to (from null: everything in `to`); renames and binary files included. */
	async changedFiles(from: string | null, to: string): Promise<GitFileChange[]> {
		return diff.changedFiles(this, from, to);
	}

	/** What each commit changed against its parent, in one git call. */
	async commitsChanges(commits: string[]): Promise<Map<string, diff.CommitChanges>> {
		return diff.commitsChanges(this, commits);
	}

	/** Live changes of the working tree against `from`, untracked files counted as added lines. */
	async workingChanges(from: string): Promise<GitFileChange[]> {
		return diff.workingChanges(this, from, this.untrackedCounts);
	}

	/** Unified diff of one file; to=null: the working tree (an untracked file shows all added). */
	async patch(from: string | null, to: string | null, file: string): Promise<string> {
		return diff.patch(this, from, to, this.relative(file));
	}

	/** Working tree and index exactly as at `commit` (reset --hard + clean -fd); ignored files stay. */
	async restore(commit: string): Promise<void> {
		return rollback.restore(this, commit);
	}

	/** step id → commit for the commits after `sinceCommit` carrying `Orchestrator-Step: <id>/<step>`. */
	async stepCommits(implementationId: string, sinceCommit: string): Promise<Map<string, string>> {
		return checkpoint.stepCommits(this, implementationId, sinceCommit);
	}

	/** Whether `a` is `b` or an ancestor of it. */
	async isAncestor(a: string, b: string): Promise<boolean> {
		const result = await this.git.run(['merge-base', '--is-ancestor', a, b], {okCodes: [1]});
		return result.exitCode === 0;
	}

	/** Remove a stale .git/index.lock (no git process of this repository alive); true if removed. See index-lock.ts. */
	async removeStaleIndexLock(): Promise<boolean> {
		return removeStaleLock(path.join(this.gitDir, 'index.lock'), this.root);
	}

	/** refs/orchestrator/<id>/* and tags orchestrator/<id>/*, each with the commit it points at. */
	async listOrchestratorRefs(id: string): Promise<Array<{ref: string; commit: string}>> {
		const out = await this.git.out([
			'for-each-ref',
			'--format=%(refname)%00%(objectname)%00%(*objectname)',
			`${REF_PREFIX}${id}`,
			`refs/tags/${TAG_PREFIX}${id}`,
		]);
		const refs: Array<{ref: string; commit: string}> = [];
		for (const line of out.split('\n')) {
			const [ref, object, peeled] = line.split('\0');
			if (!ref || !object) continue;
			refs.push({ref, commit: peeled || object});
		}
		return refs;
	}

	/**
	 * git's own housekeeping (`gc --auto`), once. Checkpoint commits skip the check git makes after
	 * every commit, one more process per step; like `git am` and `git rebase`, which also make many
	 * commits and check once at the end, the engine calls this when a run ends. A user's
	 * maintenance.auto=false is respected; a failure here never fails the session.
	 */
	async autoMaintenance(): Promise<void> {
		try {
			const auto = await this.git.run(['config', '--type=bool', '--get', 'maintenance.auto'], {okCodes: [1]});
			if (auto.stdout.trim() === 'false') return;
			await this.git.run(['maintenance', 'run', '--auto', '--quiet']);
		} catch {
			// Housekeeping only: the next commit of the user's own runs it again.
		}
	}

	// RepoContext -----------------------------------------------------------------------------

	/**
	 * Commits must work where git has no identity: when git cannot name the author or committer
	 * (`git var` fails), fill in whichever of user.name / user.email is missing. Asked once per Repo.
	 */
	identityArgs(): Promise<string[]> {
		this.identity ??= (async () => {
			const idents = await Promise.all(
				['GIT_AUTHOR_IDENT', 'GIT_COMMITTER_IDENT'].map((name) => this.git.run(['var', name], {okCodes: [1, 128]})),
			);
			if (idents.every((result) => result.exitCode === 0)) return [];
			const [name, email] = await Promise.all(
				['user.name', 'user.email'].map((key) => this.git.run(['config', '--get', key], {okCodes: [1]})),
			);
			const args: string[] = [];
			if (!name.stdout.trim()) args.push('-c', `user.name=${FALLBACK_NAME}`);
			if (!email.stdout.trim()) args.push('-c', `user.email=${FALLBACK_EMAIL}`);
			return args;
		})();
		return this.identity;
	}

	emptyTree(): Promise<string> {
		this.emptyTreeId ??= this.git.out(['hash-object', '-t', 'tree', '/dev/null']).then((out) => out.trim());
		return this.emptyTreeId;
	}

	/** A path relative to the root, as git pathspecs here expect. */
	private relative(file: string): string {
		const rel = path.isAbsolute(file) ? path.relative(this.root, file) : file;
		return rel.split(path.sep).join('/');
	}
}

function assertOwnRef(ref: string): void {
	if (!ref.startsWith(REF_PREFIX) || ref.length <= REF_PREFIX.length) {
		throw new Error(`refusing to write ${ref}: the orchestrator writes only refs under ${REF_PREFIX}`);
	}
}
