import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The WebKit and Firefox lanes (issue 21 #1): `npm run test:webkit`, `npm run test:firefox`.
// Each file drives one real browser through a whole smoke walk, so one file per run and long
// timeouts; the JSON report is read by tests/check-skips.ts like the other runners'.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['tests/engines/*.smoke.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
  },
});
