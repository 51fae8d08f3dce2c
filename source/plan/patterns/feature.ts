import {planHeader, type Pattern} from './header.js';

export const featurePattern: Pattern = {
	description: 'a new feature: Setup, Core Implementation (models, logic, endpoints), Testing, Polish',
	render: (input) =>
		planHeader(input, 'feature', ['A new feature in four phases: Setup, Core Implementation, Testing, Polish.']) +
		`phases:
  # Phase 1: the skeleton the rest builds on (folders, dependencies, configuration).
  # After each phase its gate runs the checks and waits for your approval (a / r / b / f keys).
  - id: setup
    title: Setup
    steps:
      # Create the feature's folder and entry point. Name the folder after your feature.
      - id: T001
        title: Create the feature layout
        agent: code-writer
        prompt: "Create src/<feature>/ with an index file that exports nothing yet, following the layout of the existing modules"
        files: ["src/<feature>/**"]
      # A shell step (no agent). Put the packages the feature needs, or delete this step.
      - id: T002
        title: Install dependencies
        run: "npm install <package>"
        files: [package.json, package-lock.json]

  # Phase 2: the feature itself, one layer per step (data, logic, interface).
  - id: core
    title: Core Implementation
    steps:
      # The data the feature works on: types, models, schema.
      - id: T003
        title: Models
        agent: code-writer
        prompt: "Add the <entity> model to src/<feature>/model: its fields <fields>, validation and types"
        files: ["src/<feature>/model*"]
      # The behaviour: what the feature does with the models. Describe the rules precisely.
      - id: T004
        title: Business logic
        agent: code-writer
        prompt: "Implement <what the feature does> in src/<feature>/service, using the model from T003"
        files: ["src/<feature>/service*"]
      # How users reach it: an API endpoint, a CLI command, a UI component.
      - id: T005
        title: Endpoints
        agent: code-writer
        prompt: "Expose the service through <METHOD /path or command>, registered with the existing routes"
        files: ["src/<feature>/routes*", "<file that registers routes>"]
    # Optional: checks of its own instead of the plan's test command, e.g.
    # gate: { checks: [npm test, npm run lint], approve: true, tag: true }

  # Phase 3: tests. The two steps touch different files, so they may run side by side
  # (parallel: true; \`orchestrator run --max-parallel 2\`).
  - id: testing
    title: Testing
    steps:
      # Unit tests of the models and the business logic, edge cases included.
      - id: T006
        title: Unit tests
        agent: test-writer
        prompt: "Write unit tests for src/<feature>/model and src/<feature>/service: normal cases, edge cases, errors"
        files: ["test/<feature>/unit/**"]
        parallel: true
      # Tests through the public interface, as a user would call it.
      - id: T007
        title: Integration tests
        agent: test-writer
        prompt: "Write integration tests that call <METHOD /path or command> end to end"
        files: ["test/<feature>/integration/**"]
        parallel: true

  # Phase 4: documentation, a review, and the loose ends.
  - id: polish
    title: Polish
    steps:
      # Document the feature where users look: README, API docs, changelog.
      - id: T008
        title: Documentation
        agent: documenter
        prompt: "Document <feature> in README.md (what it does, an example) and add a CHANGELOG entry"
        files: [README.md, CHANGELOG.md, "docs/**"]
      # A read-only review of the whole feature; its report is shown at the gate.
      - id: T009
        title: Review
        agent: reviewer
        prompt: "Review the changes of this feature (git diff against the start of the session) for correctness, security and tests. Report findings; do not edit files"
      # Apply what the review found and remove leftovers (debug output, dead code, TODOs).
      - id: T010
        title: Cleanup
        agent: code-writer
        prompt: "Address the review findings from the handoff and remove debug output, dead code and stale TODOs in src/<feature>/"
        files: ["src/<feature>/**", "test/<feature>/**"]
`,
};
