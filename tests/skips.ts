/**
 * Every test allowed to be skipped, with the reason (issue 14 #2). A skipped test that is not
 * here fails the run (tests/check-skips.ts reads the runners' JSON reports after each run), so a
 * skip is a decision someone wrote down, never a silent hole: a test that skips itself on a
 * fresh clone, on one viewport or on one database must be listed, or it must run.
 */
export interface DeclaredSkip {
  runner: 'vitest' | 'playwright';
  /** The test file, from the repository root. */
  file: string;
  /** The test's full title: describe blocks and the test's own title, joined by ' > '. */
  title: string;
  /** Why it may be skipped, and where the same behaviour is covered instead. */
  reason: string;
}

/** app-mode.test.ts's own-process tests start `node src/server/main.ts` without DATABASE_URL. */
const SPAWNED_ON_SQLITE =
  'Starts the real server in its own process with only the settings the test gives, so it runs on SQLite in either lane: skipped in the PostgreSQL lane (npm run test:pg) rather than repeated; runs in npm test.';

/** Counted by the embedded database's group commit, which PostgreSQL does not use. */
const GROUP_COMMIT_COUNTS =
  'Counts transactions and commits with the embedded database\'s group commit (src/server/db/group-commit.ts), which exists only on SQLite: skipped in the PostgreSQL lane (npm run test:pg); runs in npm test.';

/** The session cache and its change stamp exist only on the embedded database. */
const CHANGE_STAMP =
  'Sessions are cached only on the embedded database, whose change stamp (src/server/db/change-watch.ts) says when a copy is stale; PostgreSQL reads the session each time, so there is no cache or stamp to check: skipped in the PostgreSQL lane (npm run test:pg); runs in npm test. The other session-cache tests run in both lanes.';

/** npm run backup / restore copy the embedded database file (src/server/backup/); PostgreSQL's is pg_dump (README). */
const EMBEDDED_BACKUP =
  'Backs up and restores the embedded SQLite database file (src/server/backup/), which the PostgreSQL lane does not use (PostgreSQL is backed up with pg_dump, README: Backups and restore): skipped in the PostgreSQL lane (npm run test:pg); runs in npm test. The key-file and schedule-setting tests of the same file run in both lanes.';

export const DECLARED_SKIPS: readonly DeclaredSkip[] = [
  {
    runner: 'vitest',
    file: 'tests/api/pg-connection-loss.test.ts',
    title: 'PostgreSQL: an idle connection ended by the server > is dropped, and the next requests are answered',
    reason: 'Ends PostgreSQL server processes (pg_terminate_backend): there are none on the embedded database, which runs in-process. Runs in the PostgreSQL lane (npm run test:pg); skipped in npm test.',
  },
  {
    runner: 'vitest',
    file: 'tests/api/session-cache.test.ts',
    title: 'issue 17 #3: the session cache never outlives a change > repeated staff requests read the session once (embedded database)',
    reason: CHANGE_STAMP,
  },
  {
    runner: 'vitest',
    file: 'tests/api/session-cache.test.ts',
    title: 'issue 17 #3: what moves the change stamp (src/server/db/change-watch.ts) > a transaction rolled back after writing a session table moves the stamp',
    reason: CHANGE_STAMP,
  },
  {
    runner: 'vitest',
    file: 'tests/api/registration.test.ts',
    title: 'issue 17 #2: a registration flow is at most two transactions > registration: one transaction, which also records the device; handoff: one transaction',
    reason: GROUP_COMMIT_COUNTS,
  },
  {
    runner: 'vitest',
    file: 'tests/api/registration.test.ts',
    title: 'issue 17 #2: a registration flow is at most two transactions > twenty flows at once share their commits',
    reason: GROUP_COMMIT_COUNTS,
  },
  {
    runner: 'vitest',
    file: 'tests/api/institution-admin.test.ts',
    title: 'issue 12 #9: institution onboarding with proof > issue 12 #9: npm run institution -- issue-activation prints a one-time code that the database keeps only as a hash',
    reason: 'Runs the institution CLI in its own process on SQLite (DATABASE_URL emptied) in either lane: skipped in the PostgreSQL lane (npm run test:pg) rather than repeated; runs in npm test.',
  },
  {
    runner: 'vitest',
    file: 'tests/api/app-mode.test.ts',
    title: 'issue 12 #3: production mode refuses an unsafe card trust set > issue 12 #3: production mode with the demo CA among the trust anchors refuses to start',
    reason: SPAWNED_ON_SQLITE,
  },
  {
    runner: 'vitest',
    file: 'tests/api/app-mode.test.ts',
    title: 'issue 12 #3: production mode refuses an unsafe card trust set > issue 12 #3: a CA with the demo CA\'s name (another key) is refused too, also as an intermediate',
    reason: SPAWNED_ON_SQLITE,
  },
  {
    runner: 'vitest',
    file: 'tests/api/app-mode.test.ts',
    title: 'issue 12 #3: production mode refuses an unsafe card trust set > issue 12 #3: production mode with the card simulator on refuses to start',
    reason: SPAWNED_ON_SQLITE,
  },
  {
    runner: 'vitest',
    file: 'tests/api/app-mode.test.ts',
    title: 'issue 12 #3: production mode refuses an unsafe card trust set > issue 12 #3: production mode without a trust anchor refuses to start',
    reason: SPAWNED_ON_SQLITE,
  },
  {
    runner: 'vitest',
    file: 'tests/api/app-mode.test.ts',
    title: 'issue 12 #3: production mode refuses an unsafe card trust set > issue 12 #3: an unreadable anchor file is named in the refusal',
    reason: SPAWNED_ON_SQLITE,
  },
  {
    runner: 'vitest',
    file: 'tests/api/app-mode.test.ts',
    title: 'issue 12 #3: production mode refuses an unsafe card trust set > issue 12 #3: production mode with a configured anchor starts, without the simulator or its API',
    reason: SPAWNED_ON_SQLITE,
  },
  {
    runner: 'vitest',
    file: 'tests/api/app-mode.test.ts',
    title: 'issue 12 #3 / #14: a demo start > issue 12 #3: the simulator runs in its own process and directory: the reception\'s data holds no private key; key files 0600, directory 0700',
    reason: SPAWNED_ON_SQLITE,
  },
  {
    runner: 'vitest',
    file: 'tests/api/app-mode.test.ts',
    title: 'issue 12 #3 / #14: a demo start > issue 12 #14: stdout of a demo start holds neither the demo password nor the TOTP secret',
    reason: SPAWNED_ON_SQLITE,
  },
  {
    runner: 'vitest',
    file: 'tests/api/graceful-shutdown.test.ts',
    title: 'issue 20 #4: graceful shutdown of the real server > SIGTERM under a load of writes: every request is answered whole or never accepted, readiness is 503 while draining, every acknowledged write is there after a restart, exit code 0',
    reason: SPAWNED_ON_SQLITE,
  },
  {
    runner: 'vitest',
    file: 'tests/api/graceful-shutdown.test.ts',
    title: 'issue 20 #4: graceful shutdown of the real server > past SHUTDOWN_DEADLINE_MS the open requests are cut, counted in the log, and the exit code is 1; what was cut is not written',
    reason: SPAWNED_ON_SQLITE,
  },
  {
    runner: 'vitest',
    file: 'tests/api/foundation.test.ts',
    title: 'the database > embedded SQLite runs in WAL mode with synchronous=FULL and foreign keys on',
    reason: 'SQLite pragmas: skipped when the API suite runs against PostgreSQL (npm run test:pg); runs in npm test.',
  },  {
    runner: 'vitest',
    file: 'tests/api/backup.test.ts',
    title: 'issue 20 #1–#2: backup and restore of the embedded database > backs up under write load, restores into an empty directory, and finds every write acknowledged before the backup began',
    reason: EMBEDDED_BACKUP,
  },
  {
    runner: 'vitest',
    file: 'tests/api/backup.test.ts',
    title: 'issue 20 #1–#2: backup and restore of the embedded database > refuses a backup it must not trust, with one clear line, leaving the directory empty > a wrong key',
    reason: EMBEDDED_BACKUP,
  },
  {
    runner: 'vitest',
    file: 'tests/api/backup.test.ts',
    title: 'issue 20 #1–#2: backup and restore of the embedded database > refuses a backup it must not trust, with one clear line, leaving the directory empty > a flipped byte anywhere: in the data, in the manifest, in the header',
    reason: EMBEDDED_BACKUP,
  },
  {
    runner: 'vitest',
    file: 'tests/api/backup.test.ts',
    title: 'issue 20 #1–#2: backup and restore of the embedded database > refuses a backup it must not trust, with one clear line, leaving the directory empty > a truncated file, cut anywhere',
    reason: EMBEDDED_BACKUP,
  },
  {
    runner: 'vitest',
    file: 'tests/api/backup.test.ts',
    title: 'issue 20 #1–#2: backup and restore of the embedded database > refuses a backup it must not trust, with one clear line, leaving the directory empty > a manifest claiming a newer schema than this code knows',
    reason: EMBEDDED_BACKUP,
  },
  {
    runner: 'vitest',
    file: 'tests/api/backup.test.ts',
    title: 'issue 20 #1–#2: backup and restore of the embedded database > refuses a backup it must not trust, with one clear line, leaving the directory empty > a backup file of a newer format',
    reason: EMBEDDED_BACKUP,
  },
  {
    runner: 'vitest',
    file: 'tests/api/backup.test.ts',
    title: 'issue 20 #1–#2: backup and restore of the embedded database > refuses a backup it must not trust, with one clear line, leaving the directory empty > a backup whose manifest counts other rows than its database holds',
    reason: EMBEDDED_BACKUP,
  },
  {
    runner: 'vitest',
    file: 'tests/api/backup.test.ts',
    title: 'issue 20 #1–#2: backup and restore of the embedded database > a scheduled run keeps 7 daily and 4 weekly generations and deletes older ones (test clock)',
    reason: EMBEDDED_BACKUP,
  },
  {
    runner: 'vitest',
    file: 'tests/api/backup.test.ts',
    title: 'issue 20 #1–#2: backup and restore of the embedded database > the timer itself takes the backup at the scheduled time, then waits for the next one',
    reason: EMBEDDED_BACKUP,
  },
  {
    runner: 'vitest',
    file: 'tests/api/backup.test.ts',
    title: "issue 20 #1: PostgreSQL backups (pg_dump in an exported snapshot) > backs up under write load with the snapshot's counts, restores with pg_restore, and --verify-postgres finds every acknowledged write and any difference",
    reason: 'Backs up a PostgreSQL database with pg_dump and restores it with pg_restore (src/server/backup/backup-postgres.ts): there is no PostgreSQL in the SQLite lane. Runs in the PostgreSQL lane (npm run test:pg); skipped in npm test, where the embedded database\'s backup tests of the same file run.',
  },
];
