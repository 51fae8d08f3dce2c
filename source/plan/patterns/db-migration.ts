import {planHeader, type Pattern} from './header.js';

export const dbMigrationPattern: Pattern = {
	description: 'a database migration: backup first, migration up, migration down, data checks, app changes',
	render: (input) =>
		planHeader(input, 'db-migration', [
			'A database migration that can be undone: a backup before anything else, an up and a',
			'down migration (tested both ways), checks of the data, then the application changes.',
			'Run it against a development or staging database first.',
		]) +
		`phases:
  # Phase 1: the backup, before anything touches the database. A rollback of the plan restores
  # files, not data: this dump is how you get the data back.
  - id: backup
    title: Backup
    steps:
      # Dump the database into backups/ (ignored by git through backups/.gitignore, so no
      # checkpoint commits it and no rollback deletes it). Fails if the dump is empty.
      - id: D001
        title: Back up the database
        run: "mkdir -p backups && echo '*' > backups/.gitignore && <db dump command> > backups/<migration-name>.sql && test -s backups/<migration-name>.sql"
    gate:
      checks:
        - name: the backup exists and is not empty
          command: "test -s backups/<migration-name>.sql"

  # Phase 2: the forward migration, written with your migration tool and applied.
  - id: migration-up
    title: Migration up
    steps:
      # The schema change: tables, columns, indexes, data moves.
      - id: D002
        title: Write the up migration
        agent: code-writer
        prompt: "Write the migration <migration-name> with <your migration tool>: <schema change>. Keep it safe for existing rows (defaults, backfill, no long locks)"
        files: ["<migrations folder>/**"]
      # Apply it to the database.
      - id: D003
        title: Apply the migration
        run: "<migrate up command>"

  # Phase 3: the way back. The gate proves the round trip: down, then up again.
  - id: migration-down
    title: Migration down
    steps:
      # The exact reverse of the up migration, data included.
      - id: D004
        title: Write the down migration
        agent: code-writer
        prompt: "Write the down migration of <migration-name> that exactly reverses the up migration, restoring data it moved"
        files: ["<migrations folder>/**"]
    gate:
      checks:
        - name: the migration is reversible (down, then up again)
          command: "<migrate down command> && <migrate up command>"
        - npm test

  # Phase 4: is the data still right? Row counts, constraints, values the migration moved.
  - id: data-checks
    title: Data checks
    steps:
      # A script or tests that compare the data with what it must be after the migration.
      - id: D005
        title: Write data checks
        agent: test-writer
        prompt: "Write <data check script> that verifies the data after <migration-name>: row counts match the backup, constraints hold, moved values are intact. Exit non-zero on any mismatch"
        files: ["<data check script>"]
    gate:
      checks: ["<run the data check script>", npm test]

  # Phase 5: the application uses the new schema.
  - id: app-changes
    title: App changes
    steps:
      # Models, queries and their tests follow the new schema.
      - id: D006
        title: Update the application
        agent: code-writer
        prompt: "Update the models, queries and tests that use the tables changed by <migration-name> to the new schema"
        files: ["src/**", "test/**"]
`,
};
