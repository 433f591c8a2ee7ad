import { defineConfig } from 'vitest/config';

// Domain units and the API in-process (`app.request()`), in Node. Browser tests are Playwright's.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/api/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    env: { LOG_LEVEL: 'silent' },
  },
});
