import fc from 'fast-check';
import { expect, vi } from 'vitest';
import { ERROR_CODES, type ApiErrorBody } from '../../../src/domain/shared/api.ts';

/**
 * Shared pieces of the malformed-input property tests (issue 7 §3): a recognisable marker that the
 * generators put into every submitted value, the arbitraries of malformed values, the check of the
 * one error shape, and a capture of the server's log lines.
 */

/** Put into generated values; no response body and no log line may ever contain it. ASCII, so it reads the same in any encoding. */
export const MARKER = 'Zq9MarkerXv';

const KNOWN_CODES = new Set<string>(ERROR_CODES);

/** Strings built around the marker: plain, padded, in unicode, with control characters, huge. */
export const markedString: fc.Arbitrary<string> = fc.oneof(
  fc.constant(MARKER),
  fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([a, b]) => `${a}${MARKER}${b}`),
  fc.tuple(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 6 })).map(([a, b]) => `${a}${MARKER}${b}`),
  fc.constantFrom(
    `${MARKER}\u0000`,
    `\u202e${MARKER}`,
    `${MARKER}\ud800`,
    `<script>${MARKER}</script>`,
    `' OR 1=1 -- ${MARKER}`,
    `${MARKER}%00%ff`,
    `../../${MARKER}`,
    `${MARKER}\r\nSet-Cookie: x=1`,
    `０６${MARKER}`,
    `令和${MARKER}年`,
  ),
  fc.integer({ min: 1, max: 4 }).map((k) => `${MARKER}${'あ'.repeat(k * 1500)}`),
);

/** Values of any JSON type, malformed for almost every field; strings carry the marker. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  markedString,
  fc.constantFrom(null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, 0.5, '', ' ', '0', 'true', 'null'),
  fc.integer(),
  fc.double(),
  fc.array(markedString, { maxLength: 3 }),
  fc.dictionary(markedString, markedString, { maxKeys: 3 }),
  fc.constant({ [MARKER]: MARKER }),
  fc.constant([[[[[[MARKER]]]]]]),
);

/** Replaces, deletes or adds one leaf of a valid-looking body; adds a marked extra key now and then. */
export function mutate(template: unknown, pathChoice: number, action: number, value: unknown): unknown {
  const copy: unknown = structuredClone(template);
  const leaves: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    leaves.push(path);
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...path, i]));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  walk(copy, []);
  const path = leaves[pathChoice % leaves.length]!;
  if (path.length === 0) return action % 3 === 0 ? value : copy;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (action % 3 === 1) delete parent[last];
  else if (action % 3 === 2 && !Array.isArray(parent)) {
    parent[last] = value;
    parent[MARKER] = MARKER;
  } else parent[last] = value;
  return copy;
}

/** Deeply nested JSON text (arrays or objects), built as text so building it cannot overflow. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}"${MARKER}"${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}"${MARKER}"${'}'.repeat(depth)}`;
}

/** Byte sequences that are not UTF-8: lone continuation bytes, overlong forms, CESU surrogates. */
export const invalidUtf8: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.constantFrom([0xff], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc3]),
    fc.constantFrom('{"loginId":"', '{"rows":["', '"', ''),
  )
  .map(([bad, prefix]) => {
    const enc = new TextEncoder();
    return new Uint8Array([...enc.encode(`${prefix}${MARKER}`), ...bad, ...enc.encode(`${MARKER}"}`)]);
  });

export interface Seen {
  status: number;
  text: string;
  contentType: string;
  cacheControl: string | null;
}

/**
 * The one rejection shape: a JSON body `{error:{code,message,fields?}}` with a known code and a
 * sentence. 5xx is never acceptable. Neither the body nor any header may echo the marker.
 */
export function expectSafeResponse(seen: Seen, context: string): void {
  expect(seen.status, `${context}: ${seen.text.slice(0, 300)}`).toBeLessThan(500);
  // API answers, errors included (a 413 from the body limit once lacked it), are never stored.
  expect(seen.cacheControl, context).toBe('no-store');
  expect(seen.text.includes(MARKER), `${context}: response echoes a submitted value: ${seen.text.slice(0, 300)}`).toBe(false);
  // The FHIR API (issue 19) answers its refusals as OperationOutcome, with the app's code in details.
  if (seen.status >= 400 && seen.contentType.startsWith('application/fhir+json')) {
    const outcome = JSON.parse(seen.text) as { resourceType: string; issue: Array<{ code: string; diagnostics?: string; details?: { coding?: Array<{ code?: string }> } }> };
    expect(outcome.resourceType, context).toBe('OperationOutcome');
    expect(outcome.issue.length, context).toBeGreaterThan(0);
    const code = outcome.issue[0]?.details?.coding?.[0]?.code;
    expect(KNOWN_CODES.has(code ?? ''), `${context}: unknown code ${String(code)}`).toBe(true);
    expect(outcome.issue[0]?.diagnostics?.length ?? 0, context).toBeGreaterThan(0);
    return;
  }
  if (seen.status >= 400) {
    expect(seen.contentType, context).toMatch(/^application\/json/);
    const body = JSON.parse(seen.text) as ApiErrorBody;
    expect(Object.keys(body), context).toEqual(['error']);
    expect(KNOWN_CODES.has(body.error.code), `${context}: unknown code ${String(body.error.code)}`).toBe(true);
    expect(typeof body.error.message, context).toBe('string');
    expect(body.error.message.length, context).toBeGreaterThan(0);
    for (const [field, message] of Object.entries(body.error.fields ?? {})) {
      expect(typeof message, context).toBe('string');
      expect(field.includes(MARKER), context).toBe(false);
    }
  }
}

export async function readSeen(res: Response): Promise<Seen> {
  const text = await res.text();
  const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
  // Headers count as the response too (a Location or Set-Cookie must not carry the value either).
  return { status: res.status, text: headers.includes(MARKER) ? `${text}\n${headers}` : text, contentType: res.headers.get('content-type') ?? '', cacheControl: res.headers.get('cache-control') };
}

/**
 * Captures every line the logger writes (it writes to stdout/stderr unless LOG_LEVEL=silent, the
 * test default); `stop()` restores both streams and returns the captured text.
 */
export function captureLogs(): { lines: () => string; stop: () => string } {
  const saved = process.env.LOG_LEVEL;
  delete process.env.LOG_LEVEL;
  let captured = '';
  const grab = (chunk: unknown): boolean => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(grab as typeof process.stdout.write);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(grab as typeof process.stderr.write);
  return {
    lines: () => captured,
    stop: () => {
      out.mockRestore();
      err.mockRestore();
      if (saved === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = saved;
      return captured;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// CSV uploads (re-query and batch query): wrong columns, too many rows, Shift_JIS, BOM, empty
// lines, CRLF/LF/CR mixes, unclosed quotes, formula cells.

const REQUERY_HEADERS = ['保険者番号', '記号', '番号', '枝番', '生年月日'];
const BATCH_HEADERS = [...REQUERY_HEADERS, '限度額適用認定証区分', '限度額適用区分'];
const ENGLISH_HEADERS = ['insurerNumber', 'symbol', 'number', 'branch', 'dateOfBirth', 'costLimitCategory', 'costLimitApplicationCategory'];
/** The batch header row in Shift_JIS (as Excel's plain "CSV" saves it), then one row. */
const SHIFT_JIS_HEADER = Buffer.from(
  '95db8caf8ed294d48d862c8b4c8d862c94d48d862c8e7d94d42c90b6944e8c8e93fa2c8cc093788a7a934b9770944692e88fd88be695aa2c8cc093788a7a934b97708be695aa',
  'hex',
);
/** ヤマダ in Shift_JIS. */
const SHIFT_JIS_KANA = Buffer.from('8384837d835f', 'hex');

const csvCell: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('06139993', '138057', '1', '01', '1950-01-01', 'S25.1.1', '昭和25年1月1日', '', ' ', 'ア', '1', '00000000', '9'.repeat(30)),
  markedString.map((s) => s.replace(/[\r\n]/g, '')),
  markedString.map((s) => `"${s.replace(/"/g, '""')},\r\n${MARKER}"`),
  fc.constantFrom(`=HYPERLINK("${MARKER}")`, `+${MARKER}`, `@${MARKER}`, `"${MARKER}""`),
);

export interface CsvUpload {
  bytes: Uint8Array;
  /** The charset the client names, if any. */
  charset: string | undefined;
}

export const csvUpload: fc.Arbitrary<CsvUpload> = fc
  .record({
    header: fc.oneof(
      fc.constant(REQUERY_HEADERS),
      fc.constant(BATCH_HEADERS),
      fc.constant(ENGLISH_HEADERS),
      fc.constant(REQUERY_HEADERS.slice(1)),
      fc.constant([...REQUERY_HEADERS, REQUERY_HEADERS[0]!]),
      fc.constant([...BATCH_HEADERS, MARKER]),
      fc.shuffledSubarray(BATCH_HEADERS, { minLength: 1 }),
      fc.constant([] as string[]),
    ),
    distinctRows: fc.array(fc.array(csvCell, { minLength: 0, maxLength: 9 }), { minLength: 1, maxLength: 4 }),
    // The limits (500 from a receipt computer, 1000 otherwise) one time in ten: a full file costs
    // the server a thousand lookups, and the small files carry the malformed cells.
    rowCount: fc.oneof({ arbitrary: fc.constantFrom(0, 1, 2, 3), weight: 9 }, { arbitrary: fc.constantFrom(500, 501, 1000, 1001), weight: 1 }),
    eol: fc.constantFrom('\r\n', '\n', '\r', 'mixed'),
    bom: fc.boolean(),
    emptyLines: fc.boolean(),
    encoding: fc.constantFrom<'utf-8' | 'utf-8-labelled' | 'shift_jis-unlabelled' | 'shift_jis-labelled' | 'invalid'>(
      'utf-8',
      'utf-8',
      'utf-8-labelled',
      'shift_jis-unlabelled',
      'shift_jis-labelled',
      'invalid',
    ),
    unclosedQuote: fc.boolean(),
  })
  .map((g): CsvUpload => {
    const eolAt = (i: number) => (g.eol === 'mixed' ? ['\r\n', '\n', '\r'][i % 3]! : g.eol);
    const lines: string[] = [g.header.join(',')];
    const rows = g.distinctRows.map((cells) => cells.join(','));
    for (let i = 0; i < g.rowCount; i++) {
      lines.push(rows[i % rows.length]!);
      if (g.emptyLines && i % 7 === 0) lines.push(i % 2 === 0 ? '' : ',,,,');
    }
    if (g.unclosedQuote) lines.push(`"${MARKER},1,2`);
    const text = `${g.bom ? '\ufeff' : ''}${lines.map((l, i) => `${l}${eolAt(i)}`).join('')}`;
    const utf8 = new TextEncoder().encode(text);
    switch (g.encoding) {
      case 'utf-8':
        return { bytes: utf8, charset: undefined };
      case 'utf-8-labelled':
        return { bytes: utf8, charset: 'utf-8' };
      case 'shift_jis-unlabelled':
      case 'shift_jis-labelled': {
        const body = Buffer.from(lines.slice(1).map((l) => `${l}\r\n`).join(''));
        // Buffer.concat, not an array spread: a thousand-row file is hundreds of kilobytes, and
        // spreading its bytes into an array literal took most of the fuzz's time.
        const bytes = new Uint8Array(Buffer.concat([SHIFT_JIS_HEADER, Buffer.from([0x0d, 0x0a]), SHIFT_JIS_KANA, Buffer.from([0x2c]), body]));
        return { bytes, charset: g.encoding === 'shift_jis-labelled' ? 'Shift_JIS' : undefined };
      }
      case 'invalid':
        return { bytes: new Uint8Array(Buffer.concat([utf8, Buffer.from([0xff, 0xfe, 0x81])])), charset: 'shift_jis' };
    }
  });
