import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as api from '../../src/domain/shared/api.ts';
import * as cardSimulatorSchema from '../../src/domain/registration/card-simulator-schema.ts';
import { decodeUtf8, parseCsvRecords, readBatchCsv, readRequeryCsv } from '../../src/domain/requery/csv.ts';
import * as declarationApiSchema from '../../src/domain/declaration/declaration-api-schema.ts';
import * as declarationSchema from '../../src/domain/declaration/declaration-schema.ts';
import { ERAS, eraYearRange, findEra, formatEraDate, parseEraDate, parseEraNumber, toEraDate } from '../../src/domain/shared/era.ts';
import * as handoffSchema from '../../src/domain/registration/handoff-schema.ts';
import * as registrationSchema from '../../src/domain/registration/registration-schema.ts';
import * as staffLifecycleSchema from '../../src/domain/consent/staff-lifecycle-schema.ts';
import { validationErrorFrom } from '../../src/server/http/errors.ts';

/**
 * Issue 7 §3 for the domain core: every zod schema exported from src/domain (*-schema.ts and
 * api.ts, found by walking the modules so a new schema is covered) and the era and CSV readers,
 * under arbitrary, wrongly typed and malformed values. Nothing throws; a rejection's messages
 * never repeat the submitted value (MARKER).
 */

const MARKER = 'Zq9MarkerXv';
/** FUZZ_RUNS raises every property here as in the API fuzz (default 300; schemas get half, era and UTF-8 three times). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const schemaModules = { api, cardSimulatorSchema, declarationApiSchema, declarationSchema, handoffSchema, registrationSchema, staffLifecycleSchema };

function isSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && typeof (value as { safeParse?: unknown }).safeParse === 'function';
}

const schemas = Object.entries(schemaModules).flatMap(([module, exports]) =>
  Object.entries(exports)
    .filter(([, value]) => isSchema(value))
    .map(([name, value]) => ({ name: `${module}.${name}`, schema: value as z.ZodType })),
);

const marked = fc.oneof(
  fc.constant(MARKER),
  fc.tuple(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 6 })).map(([a, b]) => `${a}${MARKER}${b}`),
  fc.constant(`${MARKER}${'x'.repeat(300_000)}`),
  fc.constant(`${MARKER}\ud800`),
);
/** Any JSON-ish value with the marker in its strings and keys, plus JS oddities JSON cannot carry. */
const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    marked,
    fc.constantFrom(null, undefined, true, false, 0, -0, -1, NaN, Infinity, 1e308, 2 ** 53 + 1, 0.5, '', '元', '2019-05-01', '1989-01-07'),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(marked, tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** A few valid-looking objects to mutate, so that values reach the inner rules. */
const SEEDS: unknown[] = [
  { loginId: 'demo', password: 'pw' },
  { pin: '1234', challengeId: 'c', nonce: 'n' },
  { insurerNumber: '06139993', number: '1', dateOfBirth: '1950-01-01', costLimit: null },
  { client: 'screen', rows: [{}] },
  { consentId: '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', answer: 'stopViewing', scopes: ['surgery'] },
  { qualification: 'current', note: 'n' },
  { protocol: 'zaitaku-handoff-v1', challengeId: 'c', nonce: 'n', signature: 's', certificate: 'c' },
  {
    id: '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    createdAt: '2026-11-22T01:00:00.000Z',
    linkToken: 'abcdefghijkl',
    name: '山田',
    dateOfBirth: { era: 'heisei', year: 31, month: 4, day: 30 },
    declaredOn: '2026-11-22',
  },
];

function mutated(seed: unknown, key: string, value: unknown): unknown {
  return seed && typeof seed === 'object' ? { ...(seed as object), [key]: value } : value;
}

/**
 * What the server sends for a failed schema: validationErrorFrom's per-field messages. (zod's own
 * default messages do name unrecognised keys; they never reach a response, which is the point.)
 */
function messagesOf(error: z.ZodError): string {
  return JSON.stringify(validationErrorFrom(error).fields);
}

describe('every domain schema under malformed values (issue 7 §3)', () => {
  it('finds the schemas by walking the modules', () => {
    const names = schemas.map((s) => s.name);
    for (const expected of ['api.loginRequestSchema', 'handoffSchema.handoffResponseSchema', 'declarationSchema.declarationSchema', 'registrationSchema.cardRequestSchema']) {
      expect(names).toContain(expected);
    }
  });

  it.each(schemas)('$name never throws, and the server\'s error for it never repeats the value', ({ schema }) => {
    let rejected = 0;
    fc.assert(
      fc.property(
        fc.oneof(anyValue, fc.tuple(fc.constantFrom(...SEEDS), fc.oneof(marked, fc.constantFrom('loginId', 'dateOfBirth', 'rows', 'name', 'choices', 'pin', 'era')), anyValue).map(([s, k, v]) => mutated(s, k, v))),
        (value) => {
          const result = schema.safeParse(value);
          if (!result.success) {
            rejected++;
            expect(messagesOf(result.error)).not.toContain(MARKER);
          }
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
    // The generated values did reach the schema's rules: some were refused (the message check ran).
    expect(rejected).toBeGreaterThan(0);
  });
});

describe('era dates (D4) under arbitrary input', () => {
  const eraText = fc.oneof(
    fc.constantFrom(...ERAS.flatMap((e) => [e.id, e.name, e.letter, e.letter.toLowerCase()]), '㍾', '㍽', '㍼', '㍻', '㋿', ' 令和 ', 'ｒ', ''),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
  );
  const part = fc.oneof(fc.integer({ min: -5, max: 10_000 }), fc.double(), fc.constantFrom('元', '元年', '３１', '31日', '0', '', ' ', '1e1', '0x1f', '12月'), fc.string({ maxLength: 5 }));

  it('parseEraDate answers every input with a date or a problem, never throws', () => {
    fc.assert(
      fc.property(eraText, part, part, part, (era, year, month, day) => {
        const r = parseEraDate({ era, year, month, day });
        if (r.ok) {
          expect(r.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          // Round trip: the date is a day of that era, and formats back to it.
          const back = toEraDate(r.date);
          expect(back?.era).toBe(findEra(era)!.id);
          expect(formatEraDate(r.date)).not.toBeNull();
        } else {
          expect(['unknownEra', 'yearOutOfRange', 'notADate', 'beforeEraStart', 'afterEraEnd']).toContain(r.problem);
        }
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('accepts exactly the days of each era at its boundaries (D4)', () => {
    for (const era of ERAS) {
      const range = eraYearRange(era.id);
      // The last day of a closed era exists; the day after does not (in that era).
      if (era.end) {
        const [y, m, d] = era.end.split('-').map(Number) as [number, number, number];
        const year = y - Number(era.start.slice(0, 4)) + 1;
        expect(parseEraDate({ era: era.id, year, month: m, day: d })).toEqual({ ok: true, date: era.end });
        const next = new Date(Date.UTC(y, m - 1, d + 1));
        expect(parseEraDate({ era: era.id, year: year + (next.getUTCFullYear() - y), month: next.getUTCMonth() + 1, day: next.getUTCDate() }).ok).toBe(false);
      }
      expect(parseEraDate({ era: era.id, year: range.max + 1, month: 1, day: 1 })).toEqual({ ok: false, problem: 'yearOutOfRange' });
      expect(parseEraDate({ era: era.id, year: range.min - 1, month: 1, day: 1 }).ok).toBe(false);
    }
    expect(parseEraDate({ era: '平成', year: 31, month: 4, day: 30 })).toEqual({ ok: true, date: '2019-04-30' });
    expect(parseEraDate({ era: '平成', year: 31, month: 5, day: 1 })).toEqual({ ok: false, problem: 'afterEraEnd' });
    expect(parseEraDate({ era: 'R', year: '元', month: 5, day: 1 })).toEqual({ ok: true, date: '2019-05-01' });
  });

  it('toEraDate and formatEraDate take any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 12 }), fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))), (s) => {
        const era = toEraDate(s);
        if (era) expect(parseEraDate({ era: era.era, year: era.year, month: era.month, day: era.day })).toEqual({ ok: true, date: s });
        formatEraDate(s);
      }),
      { numRuns: RUNS },
    );
  });

  it('parseEraNumber gives a positive whole number or null', () => {
    fc.assert(
      fc.property(fc.oneof(part, fc.string()), (v) => {
        const n = parseEraNumber(v);
        if (n !== null) expect(Number.isSafeInteger(n) && n > 0).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('CSV reading under malformed files (Q1–Q6)', () => {
  const bytes = fc.uint8Array({ maxLength: 200 });
  it('decodeUtf8 agrees with a strict TextDecoder on arbitrary bytes', () => {
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
    fc.assert(
      fc.property(fc.oneof(bytes, fc.string({ unit: 'binary' }).map((s) => new TextEncoder().encode(s))), (b) => {
        let expected: string | null;
        try {
          expected = strict.decode(b);
        } catch {
          expected = null;
        }
        const got = decodeUtf8(b);
        expect(got.ok ? got.text : null).toBe(expected);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  const cell = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('"', '""', '"a,b"', '\r', '\n', '\r\n', ',', MARKER, '06139993', '1950-01-01'));
  const csvText = fc
    .tuple(
      fc.oneof(fc.constant('保険者番号,記号,番号,枝番,生年月日,限度額適用認定証区分,限度額適用区分'), fc.constant('insurerNumber,number,dateOfBirth'), fc.string({ maxLength: 30 })),
      fc.array(fc.array(cell, { maxLength: 9 }), { maxLength: 12 }),
      fc.constantFrom('\r\n', '\n', '\r'),
      fc.boolean(),
    )
    .map(([header, rows, eol, bom]) => `${bom ? '\ufeff' : ''}${[header, ...rows.map((r) => r.join(','))].join(eol)}`);

  it('parses or refuses any text, never throws, and keeps row counts within the limit', () => {
    fc.assert(
      fc.property(csvText, fc.integer({ min: 1, max: 5 }), (text, limit) => {
        parseCsvRecords(text);
        for (const read of [readRequeryCsv(text, limit), readBatchCsv(text, limit)]) {
          if (read.ok) {
            expect(read.rows.length).toBeGreaterThan(0);
            expect(read.rows.length).toBeLessThanOrEqual(limit);
            // A failed row names fields, never values.
            for (const row of read.rows) if (!row.ok) expect(row.fields.join()).not.toContain(MARKER);
          } else {
            expect(['noHeader', 'columns', 'malformed', 'noRows', 'tooManyRows']).toContain(read.problem);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('counts 1,000 rows in, 1,001 out, whatever the line ends and empty lines', () => {
    const header = '保険者番号,記号,番号,枝番,生年月日';
    for (const eol of ['\r\n', '\n', '\r']) {
      const rows = (n: number) => Array.from({ length: n }, (_, i) => (i % 10 === 0 ? `\n06139993,A,${i},01,1950-01-01` : `06139993,A,${i},01,1950-01-01`));
      const ok = readRequeryCsv(`\ufeff${[header, ...rows(1000)].join(eol)}${eol}${eol}`, 1000);
      expect(ok.ok && ok.rows.length).toBe(1000);
      expect(readRequeryCsv([header, ...rows(1001)].join(eol), 1000)).toEqual({ ok: false, problem: 'tooManyRows' });
    }
  });
});
