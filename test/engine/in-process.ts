// A session prepared in-process, as `run` does it, for tests that drive the Engine (and the UI)
// directly against a real repository: plan.yaml committed, memory folder made, session started.
import path from 'node:path';
import {Engine} from '../../source/engine/engine.js';
import {EventLog} from '../../source/engine/event-log.js';
import {startSession} from '../../source/engine/start-session.js';
import {Repo} from '../../source/git/repo.js';
import {loadPlan} from '../../source/plan/load-plan.js';
import {ensureMemoryDirs} from '../../source/store/memory.js';
import {createOrchestratorStore} from '../../source/store/store.js';
import {MEMORY_DIR, memoryPaths} from '../../source/util/paths.js';
import {git, makeRepo, writeFiles} from '../helpers/repo.js';

export async function inProcessSession(planText: string) {
	const repo = makeRepo();
	writeFiles(repo, {'plan.yaml': planText});
	git(repo, 'add', 'plan.yaml');
	git(repo, 'commit', '-q', '-m', 'plan');
	const gitRepo = await Repo.open(repo);
	const paths = memoryPaths(gitRepo.root);
	await gitRepo.ensureExcluded(MEMORY_DIR);
	await ensureMemoryDirs(paths);
	const {plan} = await loadPlan(path.join(repo, 'plan.yaml'), {cwd: repo});
	const store = createOrchestratorStore({plan});
	store.getState().setSession(await startSession({repo: gitRepo, plan, paths, allowDirty: false, fresh: false}));
	return {repo, gitRepo, paths, plan, store, events: new EventLog(paths)};
}

/** The engine as `run --headless --yes` sets it up, over a session from inProcessSession. */
export function headlessEngine(session: Awaited<ReturnType<typeof inProcessSession>>): Engine {
	const {gitRepo, plan, store, events, paths} = session;
	return new Engine({repo: gitRepo, plan, store, events, paths, interactive: false, yes: true, onFailure: 'stop', maxParallel: 1});
}
