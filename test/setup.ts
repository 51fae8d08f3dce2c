// Ink draws only the final frame when CI is set (is-in-ci); tests want the interactive path.
delete process.env.CI;
delete process.env.NO_COLOR;
(globalThis as {IS_REACT_ACT_ENVIRONMENT?: boolean}).IS_REACT_ACT_ENVIRONMENT = true;
// Commits made by tests need an identity on machines that have none configured.
process.env.GIT_AUTHOR_NAME ??= 'orchestrator-test';
process.env.GIT_AUTHOR_EMAIL ??= 'test@example.invalid';
process.env.GIT_COMMITTER_NAME ??= 'orchestrator-test';
process.env.GIT_COMMITTER_EMAIL ??= 'test@example.invalid';
