import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 21 #4: nothing in the built app evaluates a string as code. The CSP has no
 * 'unsafe-eval', so such a call fails at run time, and even a caught attempt is reported as a
 * violation (Firefox logged three during an offline declaration: zod 4's `Function("")` probe,
 * now switched off by src/domain/shared/zod.ts). This reads every JavaScript file of the build —
 * the modern and the legacy bundles, the service worker and the HTML's inline scripts — after
 * `npm run build` (CI builds before the unit/API stage), and fails on any string-evaluation call
 * that is not in the allow-list below, each entry explained and matched on its surrounding code,
 * so the same call without its guard is not allowed.
 */

interface Finding {
  file: string;
  kind: string;
  /** 1,000 characters before the match, the match, ⟦ and 100 after. */
  context: string;
}

/** What evaluates a string: named, so a finding says which. */
const EVALUATORS: { kind: string; pattern: RegExp }[] = [
  { kind: 'new Function', pattern: /(?<![\w$.])new\s+Function\b/g },
  // `Function("…")` and the tagged template Function`…` (a minifier writes both).
  { kind: 'Function call', pattern: /(?<![\w$.'"`])Function\s*[(`]/g },
  // `let e=Function, …; new e(…)`: an alias hides the call from the two patterns above.
  { kind: 'Function alias', pattern: /[=,(:?]\s*Function\s*(?=[,;)}\]])/g },
  // eval in any form: `eval(…)`, `(0,eval)(…)`, `window.eval`, `globalThis["eval"]`.
  { kind: 'eval', pattern: /(?<![\w$])eval(?![\w$])/g },
  { kind: 'string timer', pattern: /\bset(?:Timeout|Interval|Immediate)\s*\(\s*["'`]/g },
  // `(function(){}).constructor("…")`: the Function constructor reached through a function.
  { kind: 'constructor with a string', pattern: /\.constructor\s*\(\s*["'`]/g },
];

/**
 * Occurrences that cannot run in the app, each matched on the code around it (`around` must match
 * the finding's context), with why. Anything else fails the test.
 */
const ALLOWED: { kind: string; around: RegExp; why: string }[] = [
  {
    kind: 'Function call',
    // Modern: `if(k.jitless||…)return!1;try{return Function(``),!0}`; legacy the same through a temporary.
    around: /\.jitless\|\|typeof navigator[^{}]{0,160}\)return!1;try\{return Function\($/,
    why: "zod 4's allowsEval probe: it returns false before the probe when jitless is set, which src/domain/shared/zod.ts does before any schema exists (tests/unit/zod-jitless.test.ts runs it under a trap).",
  },
  {
    kind: 'Function alias',
    around: /compile\(\)\{(?:var \w+;)?let \w+=Function$/,
    why: "zod 4's JIT (Doc.compile): called only for object schemas built while the JIT is on, never with jitless set (same unit test).",
  },
  {
    kind: 'Function call',
    around: /r\(typeof globalThis==`object`&&globalThis\)\|\|r\(typeof window==`object`&&window\)\|\|r\(typeof self==`object`&&self\)[^;]{0,120}\|\|Function\($/,
    why: "core-js (legacy bundle) finding the global object: the last resort after globalThis, window and self, one of which every browser has.",
  },
  {
    kind: 'Function call',
    around: /=function\(\w\)\{if\(\w\)\{try\{return \w\.process\.getBuiltinModule\(\w\)\}catch\(\w\)\{\}try\{return Function\($/,
    why: "core-js (legacy bundle) loading a Node built-in: guarded by its IS_NODE flag, false in a browser.",
  },
  {
    kind: 'eval',
    around: /\.shouldFetch=function\(\)\{return!1\}[\s\S]{0,800}return this\.shouldFetch\(\w,\w,\w\)\?this\.fetch\([\s\S]{0,500}\(0,eval$/,
    why: "SystemJS (legacy loader) evaluating a fetched module: only when shouldFetch() is true, which it never is (it returns false and nothing in the build replaces it, checked below); modules load as script elements.",
  },
];

function findings(file: string, code: string): Finding[] {
  const found: Finding[] = [];
  for (const { kind, pattern } of EVALUATORS) {
    for (const m of code.matchAll(pattern)) {
      const start = m.index;
      const end = start + m[0].length;
      found.push({ file, kind, context: `${code.slice(Math.max(0, start - 1000), end)}⟦${code.slice(end, end + 100)}` });
    }
  }
  return found;
}

/** Allowed when an entry of its kind matches the code before and up to the match (the ⟦ marks its end). */
function allowed(f: Finding): boolean {
  const upTo = f.context.slice(0, f.context.indexOf('⟦'));
  return ALLOWED.some((a) => a.kind === f.kind && a.around.test(upTo));
}

const DIST = path.resolve('dist');
const built = fs.existsSync(path.join(DIST, 'index.html'));

/** Every JavaScript file of the build, and the inline scripts of its HTML pages. */
function builtCode(): { file: string; code: string }[] {
  const out: { file: string; code: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      // .ssr (the clinic-link page's server-rendering bundle, run by the server) and .vite (the
      // manifest) are never sent to a browser (src/server/http/static.ts refuses them).
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.')) walk(full);
      }
      else if (/\.(m?js)$/.test(entry.name)) out.push({ file: path.relative(DIST, full), code: fs.readFileSync(full, 'utf8') });
      else if (entry.name.endsWith('.html')) {
        const html = fs.readFileSync(full, 'utf8');
        for (const [i, m] of [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].entries()) {
          if (m[1]!.trim()) out.push({ file: `${path.relative(DIST, full)} inline script ${i + 1}`, code: m[1]! });
        }
      }
    }
  };
  walk(DIST);
  return out;
}

describe('issue 21 #4: no string evaluation in the built app (the CSP has no unsafe-eval)', () => {
  it('the scanner finds each kind of string evaluation, and the allow-list does not pass one without its guard', () => {
    const planted = [
      'const f=new Function("a","return a")',
      'x=Function("return this")()',
      'x=Function`return this`',
      'let e=Function,t=1;new e("a")',
      'eval("1+1")',
      '(0,eval)("1")',
      'globalThis["eval"]("1")',
      'setTimeout("tick()",10)',
      'setInterval(`tick()`,10)',
      '(function(){}).constructor("return 1")()',
      // zod's probe without its jitless guard, and core-js's Node loader without its IS_NODE check.
      'i=hi(()=>{try{return Function(``),!0}catch(e){return!1}})',
      'n.exports=function(e){try{return Function(`return require("`+e+`")`)()}catch(e){}}',
    ];
    for (const code of planted) {
      const found = findings('planted.js', code);
      expect(found.length, code).toBeGreaterThan(0);
      expect(found.filter((f) => !allowed(f)).length, code).toBeGreaterThan(0);
    }
    // Harmless text is not a finding: a string naming a type, a property, a word inside another.
    for (const code of ['if(n(e)===`Function`)', 'case`AsyncFunction`:', 'e[e.Function=1]=`Function`', 'x.evaluate()', 'retrieval(1)', 'setTimeout(tick,10)']) {
      expect(findings('planted.js', code), code).toEqual([]);
    }
  });

  it.skipIf(!built)('no modern, legacy, service-worker or inline script evaluates a string, save the explained allow-list', () => {
    const files = builtCode();
    // The scan must have read what it claims to: the service worker and both kinds of bundle.
    expect(files.map((f) => f.file)).toContain('sw.js');
    expect(files.filter((f) => /^assets\/.*-legacy-.*\.js$/.test(f.file)).length).toBeGreaterThan(5);
    expect(files.filter((f) => /^assets\/(?!.*-legacy-).*\.js$/.test(f.file)).length).toBeGreaterThan(5);
    const all = files.flatMap(({ file, code }) => findings(file, code));
    const refused = all.filter((f) => !allowed(f));
    expect(refused.map((f) => `${f.file}: ${f.kind}: …${f.context.slice(-220)}`)).toEqual([]);
    // SystemJS's eval is allowed because shouldFetch() stays false: nothing else may set it.
    const shouldFetchSetters = files.flatMap(({ file, code }) => [...code.matchAll(/\.shouldFetch\s*=\s*([^,;]{0,40})/g)].map((m) => `${file}: ${m[1]}`));
    expect(shouldFetchSetters.every((s) => s.endsWith('function(){return!1}')), shouldFetchSetters.join('\n')).toBe(true);
  });
});
