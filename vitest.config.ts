import { defineConfig } from 'vitest/config';

// Domain units and the API in-process (`app.request()`), in Node. Browser tests are Playwright's.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/api/**/*.test.ts'],
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
  },
});
