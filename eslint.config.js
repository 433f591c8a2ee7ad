// ESLint for the mistakes that hurt (issue 13 §6): promises nobody awaits, switches that miss a
// case, `.only` left in a test, unused variables and imports. Import circles and exports nobody
// imports are checked by tests/lint/import-graph.ts (it also counts `import type`, which
// import-x/no-cycle skips, and runs in under a second). `npm run lint` runs both.
//
// Type-aware rules use typescript-eslint's project service, so each file is checked under the
// tsconfig of its own runtime (src/domain, src/app, src/server, sw, tests). `typescript` in
// node_modules is TypeScript 6's API (an alias in package.json); `tsc` itself is TypeScript 7.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', 'data/', 'test-results/', 'playwright-report/', 'bench-results/'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its error; write `void` where fire-and-forget is meant.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function passed where a plain callback is expected drops its rejection. JSX
      // handlers (`onClick={async () => …}`) are not checked yet: see issue 13 §6 in the report.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      // A new visit type, status or field kind must be handled wherever its union is switched on.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      // `_name` marks a binding kept on purpose (a skipped parameter, a property left out of a rest).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrors: 'none',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Group commit (src/server/db/group-commit.ts) makes a request wait for the commit that holds
    // its writes when it gives the connection back; a controlled transaction's commit() returns
    // before that, so the app could answer before its writes are on disk.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='startTransaction']",
          message: 'Use db.transaction().execute(): a controlled transaction returns before the group commit.',
        },
      ],
    },
  },
  {
    // Issue 21 #4: zod is imported through src/domain/shared/zod.ts, which turns its JIT (and the
    // `new Function` probe a strict CSP reports) off before any schema is built.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/domain/shared/zod.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: "Import { z } from src/domain/shared/zod.ts: it sets zod's jitless mode first (no eval under the CSP)." }],
          patterns: [{ group: ['zod/*'], message: "Import { z } from src/domain/shared/zod.ts: it sets zod's jitless mode first (no eval under the CSP)." }],
        },
      ],
    },
  },
  {
    // Issue 21: `crypto.randomUUID` is missing outside secure contexts (the demo at a LAN address
    // over http), where it threw and left the staff inbox loading for ever. src/app/random-id.ts
    // falls back to getRandomValues. The device's storage (src/app/storage/) keeps randomUUID:
    // it encrypts with crypto.subtle, which exists only where randomUUID does.
    files: ['src/app/**/*.ts', 'src/app/**/*.tsx'],
    ignores: ['src/app/random-id.ts', 'src/app/storage/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'crypto', property: 'randomUUID', message: 'Use randomId() from src/app/random-id.ts: randomUUID is missing over plain http.' }],
    },
  },
  {
    // Issue 21 #5: a native date input shows and reads dates in the browser's locale (a US
    // order under an English browser); dates are typed in the app's own 和暦-aware field.
    // (.tsx only: the .ts files' no-restricted-syntax is the transaction rule above.)
    files: ['src/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='type'][value.value='date']", message: 'Use the typed date field (src/app/components/typed-date.tsx): <input type="date"> follows the browser locale.' },
      ],
    },
  },
  {
    // `test.only`, `it.only`, `describe.only`, `test.describe.only` (vitest and Playwright) run
    // the focused tests and silently skip every other one.
    files: ['tests/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='only']", message: 'Remove .only: it skips every other test.' },
      ],
    },
  },
);
