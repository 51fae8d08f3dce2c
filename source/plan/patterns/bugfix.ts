import {planHeader, type Pattern} from './header.js';

export const bugfixPattern: Pattern = {
	description: 'a bug fix: reproduce with a failing test, fix, regression tests, review',
	render: (input) =>
		planHeader(input, 'bugfix', [
			'A bug fix proven by a test: first a test that fails because of the bug, then the fix that',
			'makes it pass, then tests around it and a review.',
			'Use the same test file name (<bug-test-file>) everywhere below.',
		]) +
		`phases:
  # Phase 1: a test that reproduces the bug. Its gate passes only while that test FAILS:
  # read the failure at the gate and approve only if it fails for the reason of the bug.
  - id: reproduce
    title: Reproduce
    steps:
      # Describe the bug precisely: what you do, what you expect, what happens instead.
      - id: B001
        title: Write a failing test
        agent: test-writer
        prompt: "Write a test in <bug-test-file> that reproduces this bug: <steps to reproduce>; expected <expected result>, actual <actual result>. The test must fail now, because of the bug. Do not fix the bug"
        files: ["<bug-test-file>"]
    gate:
      checks:
        - name: the new test fails (bug reproduced)
          command: "! npm test -- <bug-test-file>"

  # Phase 2: the fix. \`expect: fail-then-pass\` makes the orchestrator run this check before the
  # phase's steps, where it must fail (the test really catches the bug), and again at the
  # gate, where it must pass (the fix works). The whole suite must pass too.
  - id: fix
    title: Fix
    steps:
      # Fix the cause, not the symptom; the test from B001 stays as it is.
      - id: B002
        title: Fix the bug
        agent: bug-fixer
        prompt: "Fix the bug that <bug-test-file> reproduces, at its root cause in <suspected area>. Do not change the test"
        files: ["<suspected area>/**"]
    gate:
      checks:
        - name: the reproducing test fails before the fix and passes after it
          command: "npm test -- <bug-test-file>"
          expect: fail-then-pass
        - npm test

  # Phase 3: the neighbourhood of the bug, so it and its relatives stay fixed.
  - id: regression
    title: Regression tests
    steps:
      # Edge cases near the bug: other inputs, the same code path from other callers.
      - id: B003
        title: Regression tests
        agent: test-writer
        prompt: "Add regression tests around the fix of B002: similar inputs, edge cases, other callers of <suspected area>"
        files: ["<bug-test-file>", "test/**"]

  # Phase 4: a review of the fix, run as a slash command: its prompt is
  # .claude/commands/review/code.md (or .specify/commands/review/code.md) with $ARGUMENTS set to
  # the text after the command. No such file? Write one, or use \`prompt:\` instead.
  - id: review
    title: Review
    steps:
      # The reviewer reads the fix and reports; it changes no files.
      - id: B004
        title: Review the fix
        agent: reviewer
        slash: "/review:code <suspected area>"
`,
};
