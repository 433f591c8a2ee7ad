// The odd half of the routes for the malformed-input fuzz (see malformed-input.test.ts): a file of
// its own so that vitest runs the two halves in two workers at once.
(globalThis as { fuzzShard?: number }).fuzzShard = 1;
await import('./malformed-input.test.ts');
