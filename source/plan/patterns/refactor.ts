import {planHeader, type Pattern} from './header.js';

export const refactorPattern: Pattern = {
	description: 'a refactor: analyse, new structure, migrate module by module (each gated by tests), update imports, remove old code',
	render: (input) =>
		planHeader(input, 'refactor', [
			'A refactor that keeps the code working at every step: build the new structure next to the',
			'old one, move one module at a time (each a phase with its own tests), then delete the old code.',
		]) +
		`phases:
  # Phase 1: understand before changing. The reviewer reads only; its report is shown at the
  # gate, where you decide whether the plan below still fits (edit it, then approve).
  - id: analyse
    title: Analyse
    steps:
      # Map the code to refactor: structure, callers, tests, risks. No files change.
      - id: R001
        title: Analyse the current structure
        agent: reviewer
        prompt: "Analyse <old code path> for the refactor to <target design>: list its modules, who imports them, their tests, and the risks. Propose the order to migrate the modules in. Do not change any file"

  # Phase 2: the new structure, next to the old one. Nothing uses it yet, so nothing breaks.
  - id: new-structure
    title: Create the new structure
    steps:
      # Folders, interfaces and the shared pieces the migrated modules will need.
      - id: R002
        title: Create the new structure
        agent: code-writer
        prompt: "Create <new code path> with the structure of <target design>: folders, interfaces, shared helpers. Do not move or change existing code yet"
        files: ["<new code path>/**"]

  # Phase 3: the first module. Copy this phase once per module (new ids, new names); each
  # module's gate runs its own tests first, then the whole suite.
  - id: migrate-module-a
    title: Migrate <module-a>
    steps:
      # Move the module; the old path re-exports the new one, so its callers keep working.
      - id: R003
        title: Move <module-a>
        agent: code-writer
        prompt: "Move <module-a> from <old code path> to <new code path>. Leave a re-export at the old path so existing imports still work. Keep behaviour identical"
        files: ["<old code path>/<module-a>*", "<new code path>/<module-a>/**"]
      # Point the module's tests at its new place (tests change only their imports).
      - id: R004
        title: Move the tests of <module-a>
        agent: test-writer
        prompt: "Move the tests of <module-a> next to its new location and update their imports; do not change what they assert"
        files: ["test/<module-a>/**"]
    gate:
      checks: ["npm test -- <module-a>", npm test]

  # Phase 4: the second module, same shape as phase 3.
  - id: migrate-module-b
    title: Migrate <module-b>
    steps:
      # Move the module, re-export at the old path.
      - id: R005
        title: Move <module-b>
        agent: code-writer
        prompt: "Move <module-b> from <old code path> to <new code path>. Leave a re-export at the old path so existing imports still work. Keep behaviour identical"
        files: ["<old code path>/<module-b>*", "<new code path>/<module-b>/**"]
      # Its tests follow it.
      - id: R006
        title: Move the tests of <module-b>
        agent: test-writer
        prompt: "Move the tests of <module-b> next to its new location and update their imports; do not change what they assert"
        files: ["test/<module-b>/**"]
    gate:
      checks: ["npm test -- <module-b>", npm test]

  # Phase 5: every caller imports from the new place. A slash command step: its prompt is
  # .claude/commands/fix/import-statements.md (or .specify/commands/fix/import-statements.md),
  # with $ARGUMENTS replaced by the text after the command. No such file? Write one, or
  # replace \`slash:\` with \`prompt:\` and say what to change.
  - id: update-imports
    title: Update imports
    steps:
      # Rewrite imports of the old paths to the new ones, across the code base.
      - id: R007
        title: Update import statements
        agent: code-writer
        slash: "/fix:import-statements <old code path> <new code path>"
        files: ["src/**", "test/**"]

  # Phase 6: the old code is unused now; delete it. The second check fails while anything
  # still mentions the old path.
  - id: remove-old
    title: Remove old code
    steps:
      # Delete the re-exports and whatever is left of the old structure.
      - id: R008
        title: Remove the old code
        agent: code-writer
        prompt: "Delete <old code path> and the re-exports left there; nothing imports it any more"
        files: ["<old code path>/**"]
    gate:
      checks: [npm test, "! grep -rn '<old code path>' src test"]
`,
};
