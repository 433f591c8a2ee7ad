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

export const DECLARED_SKIPS: readonly DeclaredSkip[] = [
  {
    runner: 'vitest',
    file: 'tests/api/foundation.test.ts',
    title: 'the database > embedded SQLite runs in WAL mode with synchronous=FULL and foreign keys on',
    reason: 'SQLite pragmas: skipped when the API suite runs against PostgreSQL (npm run test:pg); runs in npm test.',
  },
];
