// Serves the UI's read requests (a file's patch, an older step's output) so that the UI
// itself never runs git or reads files. Used by run/resume and, read-only, by tail.
import type {Repo} from '../git/repo.js';
import {loadLogTail} from '../store/follow-session.js';
import {OUTPUT_LINES_PER_STEP, type OrchestratorStore} from '../store/store.js';
import type {MemoryPaths} from '../util/paths.js';
import {errorMessage} from '../util/errors.js';

export function startViewService(store: OrchestratorStore, repo: Repo | null, paths: MemoryPaths): () => void {
	let patchBusy = false;
	return store.subscribe((state, previous) => {
		const request = state.patchRequest;
		if (request && request !== previous.patchRequest && repo && !patchBusy) {
			const step = state.session?.steps[request.stepId];
			if (step) {
				patchBusy = true;
				const running = step.status === 'running';
				const from = step.baseCommit ?? null;
				const to = running ? null : (step.commit ?? null);
				repo
					.patch(from, to, request.file)
					.then(text => store.getState().setPatch(request.stepId, request.file, text))
					.catch(error => store.getState().setPatch(request.stepId, request.file, `(no diff: ${errorMessage(error)})`))
					.finally(() => {
						patchBusy = false;
					});
			}
		}
		const wanted = state.outputRequest;
		if (wanted && wanted !== previous.outputRequest && !state.output[wanted.stepId]) {
			loadLogTail(paths, wanted.stepId, OUTPUT_LINES_PER_STEP)
				.then(({lines, total}) => store.getState().resetOutput(wanted.stepId, lines, total))
				.catch(() => store.getState().resetOutput(wanted.stepId, ['(no output recorded)'], 1));
		}
	});
}
