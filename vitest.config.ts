import { defineConfig } from 'vitest/config';

/** The two halves of the fuzz import one module with a different shard each: they need isolation. */
const FUZZ = ['tests/api/malformed-input.test.ts', 'tests/api/malformed-input-odd.test.ts'];

// Domain units and the API in-process (`app.request()`), in Node. Browser tests are Playwright's.
export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    // Two workers on the two cores (vitest's default leaves one core idle); .ci/run runs the
    // PostgreSQL lane with one worker beside the browser tests.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS ?? 2),
    env: { LOG_LEVEL: 'silent' },
    // The JSON report is read by tests/check-skips.ts: an undeclared skip fails the run.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-reports/vitest.json' },
    // Guards against a hung test, not speed checks: a test app generates RSA keys for the
    // simulated cards and the Q6 batch runs 5000 rows, which take seconds on a busy 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // The domain units share each worker's module graph too (12 instead of 28 CPU-seconds): none
      // keeps state in a module; the files pass in any order (checked with --sequence.shuffle.files).
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], isolate: false } },
      // The API files share each worker's module graph (the whole server, about 0.7 s to import per
      // file; 44 s of the stage's import time): every file builds its own app and database over
      // it, and none keeps state in a module.
      { extends: true, test: { name: 'api', include: ['tests/api/**/*.test.ts'], exclude: FUZZ, isolate: false } },
      { extends: true, test: { name: 'fuzz', include: FUZZ } },
    ],
  },
});
