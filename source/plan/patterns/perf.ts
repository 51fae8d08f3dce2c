import {planHeader, type Pattern} from './header.js';

export const perfPattern: Pattern = {
	description: 'a performance change: baseline benchmark, optimise, verify against the baseline',
	render: (input) =>
		planHeader(input, 'perf', [
			'A performance change judged by numbers: measure a baseline, optimise, and let the last gate',
			'compare the benchmark with the baseline.',
			'<benchmark command> must print a line with <metric label> followed by a number,',
			'e.g. "p95_ms: 123.4"; write the same command everywhere below.',
		]) +
		`phases:
  # Phase 1: the numbers before any change, and where the time goes.
  - id: baseline
    title: Baseline
    steps:
      # Runs the benchmark once (its output is in this step's log). Right after this step the
      # orchestrator runs the measure command of the verify gate and records its number as
      # the baseline: keep this id (P001) and the gate's baseline_step in step.
      - id: P001
        title: Measure the baseline
        run: "<benchmark command>"
      # Find the bottleneck; a read-only step, no files change.
      - id: P002
        title: Profile
        agent: reviewer
        prompt: "Profile <hot path> while running <benchmark command>: find where the time goes and propose the changes most likely to help. Do not change any file"

  # Phase 2: the optimisation, behaviour unchanged (the test command guards that at the gate).
  - id: optimise
    title: Optimise
    steps:
      # Apply the proposals from the profile (they arrive in the handoff note).
      - id: P003
        title: Optimise <hot path>
        agent: code-writer
        prompt: "Make <hot path> faster, following the profile in the handoff. Keep its behaviour and public interface identical"
        files: ["<hot path files>"]

  # Phase 3: prove it. The measure check runs the benchmark and compares its number with the
  # baseline of P001: \`better: lower\` (a time) or \`higher\` (a throughput), and
  # min_change 0.1 = at least 10 % better, else the gate fails.
  - id: verify
    title: Verify
    steps:
      # A benchmark that guards the gain from now on (e.g. a test with a time budget).
      - id: P004
        title: Guard the gain
        agent: test-writer
        prompt: "Add a benchmark or test that fails if <hot path> becomes slower than <budget> again"
        files: ["<benchmark or test file>"]
    gate:
      checks:
        - npm test
        - name: faster than the baseline
          command: "<benchmark command>"
          measure:
            command: "<benchmark command>"
            metric: "<metric label>"
            baseline_step: P001
            better: lower
            min_change: 0.1
`,
};
