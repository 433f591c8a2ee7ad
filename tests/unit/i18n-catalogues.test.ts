import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/app/i18n/en.ts';
import { fallbackEn } from '../../src/app/i18n/fallback-en.ts';
import { fallbackJa } from '../../src/app/i18n/fallback-ja.ts';
import { ja } from '../../src/app/i18n/ja.ts';
import { linkInvalidEn } from '../../src/app/i18n/link-invalid-en.ts';
import { receiptEn } from '../../src/app/i18n/receipt-en.ts';
import { receiptJa } from '../../src/app/i18n/receipt-ja.ts';
import { staffEn } from '../../src/app/i18n/staff-en.ts';
import { staffJa } from '../../src/app/i18n/staff-ja.ts';

/**
 * The catalogues are split so the patient's first load carries only the core (issue 7); the
 * staff and fallback catalogues load with the route chunks that app.tsx marks with
 * withSections(). The types make every key exist somewhere; these tests make sure a screen
 * never asks for a key from a catalogue its route has not loaded, which no type can see.
 */
const APP = path.join(process.cwd(), 'src/app');
type Part = 'core' | 'staff' | 'fallback' | 'receipt';
const CATALOGUES: Record<Part, { ja: Record<string, string>; en: Record<string, string> }> = {
  core: { ja, en },
  staff: { ja: staffJa, en: staffEn },
  fallback: { ja: fallbackJa, en: fallbackEn },
  receipt: { ja: receiptJa, en: receiptEn },
};
const partOf = new Map<string, Part>();
for (const part of Object.keys(CATALOGUES) as Part[]) for (const key of Object.keys(CATALOGUES[part].ja)) partOf.set(key, part);

const read = (file: string) => fs.readFileSync(file, 'utf8');
const rel = (file: string) => path.relative(APP, file).split(path.sep).join('/');

/** Static (non-type) relative imports of a module, resolved to files. */
function staticImports(file: string): string[] {
  const text = read(file).replace(/^import type [^;]*;$/gm, '');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom '(\.[^']+)';$/gms), ...text.matchAll(/^import '(\.[^']+)';$/gm)]
    .map((m) => path.resolve(path.dirname(file), m[1]!))
    .filter((target) => /\.tsx?$/.test(target) && fs.existsSync(target));
}

/** The routes of app.tsx (plus main.tsx and other dynamic imports) and the sections each loads. */
function routeRoots(): Map<string, Part[]> {
  const roots = new Map<string, Part[]>([[path.join(APP, 'main.tsx'), ['core']]]);
  const appFile = path.join(APP, 'app.tsx');
  const app = read(appFile);
  for (const m of app.matchAll(/lazy\((?:withSections\()?\(\) => import\('(\.[^']+)'\)((?:, '\w+')*)\)/g)) {
    const sections = [...m[2]!.matchAll(/'(\w+)'/g)].map((s) => s[1] as Part);
    roots.set(path.resolve(APP, m[1]!), ['core', ...sections]);
  }
  // Any other dynamic import in the app is a chunk of its own that loads no section, unless the
  // same expression loads its sections with it: `Promise.all([import('./x.tsx'), loadSections('receipt')])`.
  const files = fs.readdirSync(APP, { recursive: true }).map(String).filter((f) => /\.tsx?$/.test(f));
  for (const f of files) {
    if (f === 'app.tsx' || f.startsWith('i18n/')) continue;
    const full = path.join(APP, f);
    for (const m of read(full).matchAll(/import\('(\.[^']+)'\)(?:\s*,\s*loadSections\(((?:'\w+'(?:,\s*)?)+)\))?/g)) {
      const sections = [...(m[2] ?? '').matchAll(/'(\w+)'/g)].map((s) => s[1] as Part);
      roots.set(path.resolve(path.dirname(full), m[1]!), ['core', ...sections]);
    }
  }
  return roots;
}

/** For every module: the catalogues loaded on every route that reaches it (the intersection). */
function allowedParts(): Map<string, Set<Part>> {
  const allowed = new Map<string, Set<Part>>();
  for (const [root, parts] of routeRoots()) {
    const seen = new Set<string>();
    const stack = [root];
    while (stack.length > 0) {
      const file = stack.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const before = allowed.get(file);
      allowed.set(file, new Set(before ? [...before].filter((p) => parts.includes(p)) : parts));
      stack.push(...staticImports(file));
    }
  }
  return allowed;
}

describe('i18n catalogues (issue 7: split per section)', () => {
  it('gives every key exactly one catalogue, and English the same keys as Japanese', () => {
    const seen = new Map<string, Part>();
    for (const part of Object.keys(CATALOGUES) as Part[]) {
      const jaKeys = Object.keys(CATALOGUES[part].ja);
      expect(Object.keys(CATALOGUES[part].en).sort(), part).toEqual([...jaKeys].sort());
      for (const key of jaKeys) {
        expect(seen.get(key), `${key} is in both ${seen.get(key)} and ${part}`).toBeUndefined();
        seen.set(key, part);
      }
    }
    for (const [key, text] of Object.entries(linkInvalidEn)) expect(en[key as keyof typeof en]).toBe(text);
  });

  it('finds the route roots of app.tsx, with the staff and fallback routes loading their sections', () => {
    const roots = routeRoots();
    expect(roots.get(path.join(APP, 'staff/staff-lifecycle-page.tsx'))).toEqual(['core', 'staff', 'fallback']);
    expect(roots.get(path.join(APP, 'fallback/fallback-page.tsx'))).toEqual(['core', 'fallback']);
    expect(roots.get(path.join(APP, 'reception/reception-page.tsx'))).toEqual(['core']);
    // Issue 19 #4: the receipt's chunk loads its own catalogue with it.
    expect(roots.get(path.join(APP, 'reception/consent-receipt.tsx'))).toEqual(['core', 'receipt']);
  });

  it('uses in each module only keys from catalogues loaded on every route that reaches it', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [file, parts] of allowedParts()) {
      if (rel(file).startsWith('i18n/')) continue;
      const text = read(file);
      // Whole keys in quotes, and the fixed start of keys built in template literals.
      for (const m of text.matchAll(/['"`]([a-zA-Z][\w.]*)['"`]/g)) {
        const part = partOf.get(m[1]!);
        if (part === undefined) continue;
        checked++;
        if (!parts.has(part)) problems.push(`${rel(file)}: '${m[1]}' is in the ${part} catalogue`);
      }
      for (const m of text.matchAll(/`([a-zA-Z][\w.]*\.)\$\{/g)) {
        const prefix = m[1]!;
        for (const [key, part] of partOf) {
          if (key.startsWith(prefix) && !parts.has(part)) problems.push(`${rel(file)}: \`${prefix}…\` reaches '${key}' in the ${part} catalogue`);
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(problems).toEqual([]);
  });
});
