import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import type { BatchQueryResponse } from '../../src/domain/consent/staff-lifecycle-api.ts';
import { createTestApp, jsonRequest, loginAsDemo, type TestApp } from './support/test-app.ts';

/**
 * Q6: the batch query takes 1–5000 persons in one request. With the cost-limit values the clinic
 * sends, 5000 rows pass the app's usual 1 MiB body limit, so the two batch routes (JSON and CSV)
 * have a larger one (8 MiB); every other route keeps 1 MiB.
 */

const MIB = 1024 * 1024;
const CSV_HEADER = '保険者番号,記号,番号,枝番,生年月日,限度額適用認定証区分,限度額適用区分';

let t: TestApp;
let cookie: string;

beforeAll(async () => {
  t = await createTestApp();
  cookie = await loginAsDemo(t);
});
afterAll(async () => {
  await t.close();
});

/** A valid row with long-ish values: every free-text cell at the 40-character cap, in kanji (3 bytes each). */
function longRow(i: number) {
  return {
    insurerNumber: '06139999',
    symbol: `記号${'長'.repeat(34)}${String(i).padStart(4, '0')}`,
    number: `${'番'.repeat(34)}${String(i).padStart(6, '0')}`,
    branch: '01',
    dateOfBirth: '1950-01-01',
    costLimit: { category: `限度額適用認定証${'区'.repeat(32)}`, applicationCategory: `現役並み${'区'.repeat(36)}` },
  };
}

function csvOf(count: number): string {
  const lines = Array.from({ length: count }, (_, i) => {
    const r = longRow(i);
    return [r.insurerNumber, r.symbol, r.number, r.branch, r.dateOfBirth, r.costLimit.category, r.costLimit.applicationCategory].join(',');
  });
  return `\uFEFF${CSV_HEADER}\r\n${lines.join('\r\n')}\r\n`;
}

async function post(path: string, body: string, contentType: string) {
  const res = await t.app.request(path, { method: 'POST', headers: { cookie, 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as BatchQueryResponse & ApiErrorBody };
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('Q6: the batch routes take 5000 rows over 1 MiB; every other route keeps 1 MiB', () => {
  it('Q6: 5001 rows over 1 MiB are refused as rows_out_of_range (JSON and CSV), not payload_too_large', async () => {
    const json = JSON.stringify({ rows: Array.from({ length: 5001 }, (_, i) => longRow(i)) });
    expect(bytes(json)).toBeGreaterThan(2 * MIB);
    const reply = await post('/api/staff/requery/batch', json, 'application/json');
    expect(reply.status, reply.text).toBe(422);
    expect(reply.body.error.code).toBe('rows_out_of_range');

    const csv = csvOf(5001);
    expect(bytes(csv)).toBeGreaterThan(MIB);
    const csvReply = await post('/api/staff/requery/batch/csv', csv, 'text/csv; charset=utf-8');
    expect(csvReply.status, csvReply.text).toBe(422);
    expect(csvReply.body.error.code).toBe('rows_out_of_range');
  });

  it('Q6: 5000 rows with long values (over 2 MiB as JSON) are answered row by row', { timeout: 60_000 }, async () => {
    const json = JSON.stringify({ rows: Array.from({ length: 5000 }, (_, i) => longRow(i)) });
    expect(bytes(json)).toBeGreaterThan(2 * MIB);
    expect(bytes(json)).toBeLessThan(8 * MIB);
    const reply = await post('/api/staff/requery/batch', json, 'application/json');
    expect(reply.status, reply.text.slice(0, 300)).toBe(200);
    expect(reply.body.rows).toHaveLength(5000);
    // Valid rows (nobody with these numbers consented here): none was refused as malformed.
    expect(reply.body.rows.every((r) => r.outcome === 'notFound')).toBe(true);

    // The CSV route has the same limit: a 5000-row file over 1 MiB reaches the once-a-day check.
    const csv = csvOf(5000);
    expect(bytes(csv)).toBeGreaterThan(MIB);
    const again = await post('/api/staff/requery/batch/csv', csv, 'text/csv; charset=utf-8');
    expect(again.status, again.text).toBe(409);
    expect(again.body.error.code).toBe('batch_query_already_run');
  });

  it('the batch routes refuse more than 8 MiB', async () => {
    const padding = ' '.repeat(8 * MIB);
    const reply = await post('/api/staff/requery/batch', `{"rows":[]${padding}}`, 'application/json');
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('payload_too_large');
  });

  it('other routes still refuse 2 MiB with payload_too_large', async () => {
    const big = JSON.stringify({ client: 'screen', rows: [{ insurerNumber: '06139999', number: '1', dateOfBirth: '1950-01-01', symbol: 'x'.repeat(2 * MIB) }] });
    for (const [path, body, type] of [
      ['/api/staff/requery', big, 'application/json'],
      ['/api/staff/requery/csv?client=screen', `保険者番号,記号,番号,枝番,生年月日\r\n${'0'.repeat(2 * MIB)}\r\n`, 'text/csv'],
      ['/api/staff/consents/search', big, 'application/json'],
      ['/api/public/declarations', big, 'application/json'],
      // A path that only looks like the batch routes.
      ['/api/staff/requery/batch/csv/', big, 'application/json'],
    ] as const) {
      const reply = await post(path, body, type);
      expect(reply.status, path).toBe(413);
      expect(reply.body.error.code, path).toBe('payload_too_large');
    }
    // Just under 1 MiB is not refused for its size.
    const under = await t.app.request('/api/staff/requery', jsonRequest('POST', { client: 'screen', rows: [], pad: 'x'.repeat(MIB - 100) }, { cookie }));
    expect(under.status).not.toBe(413);
  });
});
