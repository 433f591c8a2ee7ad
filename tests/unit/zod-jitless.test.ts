import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 21 #4: zod's JIT and its `Function("")` probe never run, so the app evaluates no string
 * under its CSP. src/domain/shared/zod.ts sets jitless before any schema is built; this proves it
 * in a fresh Node process (a new module graph, as in a browser tab): the global `Function` is
 * replaced by a recording trap, every domain module that builds schemas is imported, and every
 * schema it exports parses a few values. The control run shows the trap sees zod's JIT when
 * jitless is not set. (Static check of the built files: tests/api/no-string-eval.test.ts.)
 */

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every src/domain module that gets zod from the shared module. */
function schemaModules(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && /from '[./]+(?:shared\/)?zod\.ts'/.test(fs.readFileSync(full, 'utf8'))) out.push(full);
    }
  };
  walk(path.join(ROOT, 'src/domain'));
  return out;
}

const TRAP = `
const calls = [];
const original = globalThis.Function;
globalThis.Function = new Proxy(original, {
  apply(target, self, args) { calls.push('Function(' + String(args.at(-1)).slice(0, 40) + ')'); return Reflect.apply(target, self, args); },
  construct(target, args) { calls.push('new Function(' + String(args.at(-1)).slice(0, 40) + ')'); return Reflect.construct(target, args); },
});
`;

function run(script: string): { calls: string[]; parsed: number } {
  const out = execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { calls: string[]; parsed: number };
}

describe('issue 21 #4: zod runs jitless in the app (no string evaluation)', () => {
  it('importing every domain schema module and parsing with every exported schema calls no Function constructor', () => {
    const modules = schemaModules();
    expect(modules.length).toBeGreaterThan(10);
    const result = run(`${TRAP}
let parsed = 0;
for (const file of ${JSON.stringify(modules)}) {
  const mod = await import(file);
  for (const value of Object.values(mod)) {
    if (value && typeof value.safeParse === 'function') {
      for (const input of [{}, null, { id: 'x' }, []]) { value.safeParse(input); parsed++; }
    }
  }
}
console.log(JSON.stringify({ calls, parsed }));`);
    // Object schemas were parsed, so a JIT would have compiled (see the control below).
    expect(result.parsed).toBeGreaterThan(100);
    expect(result.calls).toEqual([]);
  }, 60_000);

  it('control: without jitless the same trap sees zod probe and compile', () => {
    const result = run(`${TRAP}
const { z } = await import('zod');
const schema = z.object({ a: z.string(), b: z.number() });
schema.safeParse({ a: 'x', b: 1 });
console.log(JSON.stringify({ calls, parsed: 1 }));`);
    expect(result.calls.length).toBeGreaterThan(0);
  }, 60_000);
});
