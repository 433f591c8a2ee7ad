import fs from 'node:fs';
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreeToAll } from '../../src/domain/consent/consent.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import type { StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import { signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { demoPersons } from '../../src/server/national/embedded/demo-persons.ts';
import { createTestApp, jsonRequest, loginAs, type TestApp } from './support/test-app.ts';

/**
 * Issue 17 #4: the hot paths stay flat at scale only if every statement they run is served by an
 * index. Records each statement of a registration and handoff, a re-query of one person, the
 * consent lists, a search and a page of the audit trail, then asks the database for its plan:
 * SQLite's EXPLAIN QUERY PLAN must show no full SCAN of a table and must look a person or a consent
 * up by that column, PostgreSQL's EXPLAIN (with
 * sequential scans priced out, since its planner rightly prefers them on the small test tables)
 * no Seq Scan. QUERY_PLANS_REPORT=<file> writes every statement with its plan.
 */

/** One row at most (the chain's head) or the migrator's own: a scan of them costs nothing. */
const TINY_TABLES = new Set(['audit_head', 'kysely_migration', 'kysely_migration_lock']);

let t: TestApp;
let capturing = false;
const statements = new Map<string, { sql: string; parameters: readonly unknown[]; path: string }>();
let currentPath = '';

beforeAll(async () => {
  t = await createTestApp({
    onQuery: (text, parameters) => {
      if (capturing && !statements.has(text)) statements.set(text, { sql: text, parameters, path: currentPath });
    },
  });
});
afterAll(async () => {
  await t.close();
});

async function during<T>(label: string, fn: () => Promise<T>): Promise<T> {
  currentPath = label;
  capturing = true;
  try {
    return await fn();
  } finally {
    capturing = false;
  }
}

/** The plan lines that read a whole table. */
async function fullScans(statement: { sql: string; parameters: readonly unknown[] }): Promise<{ plan: string[]; scans: string[] }> {
  if (t.dialect === 'sqlite') {
    const result = await t.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${statement.sql}`, [...statement.parameters]));
    const plan = result.rows.map((r) => r.detail);
    // "SCAN consent" reads every row; "SCAN consent USING INDEX …" walks an index in order.
    // ("SCAN 2-ROW VALUES CLAUSE" is the rows of a multi-row INSERT, not a table.)
    const table = (line: string) => /^SCAN ([A-Za-z_]\w*)(?: |$)/.exec(line)?.[1];
    const scans = plan.filter((line) => table(line) !== undefined && !/USING (COVERING )?INDEX/.test(line) && !TINY_TABLES.has(table(line)!));
    // A look-up by person or by consent must find them through the index, not walk everything
    // the institution has in another index's order (what the planner did without statistics).
    const where = statement.sql.split(/ where /i)[1] ?? '';
    for (const column of ['person_ref', 'consent_id']) {
      if (new RegExp(`"${column}" (=|in) `).test(where) && /^\s*select/i.test(statement.sql) && !plan.some((line) => line.includes(`${column}=`))) {
        scans.push(`not looked up by ${column}: ${plan.join(' | ')}`);
      }
    }
    return { plan, scans };
  }
  return t.db.connection().execute(async (conn) => {
    await sql`SET enable_seqscan = off`.execute(conn);
    try {
      const result = await conn.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${statement.sql}`, [...statement.parameters]));
      const plan = result.rows.map((r) => r['QUERY PLAN']);
      const scans = plan.filter((line) => /Seq Scan on (\w+)/.test(line) && !TINY_TABLES.has(/Seq Scan on (\w+)/.exec(line)![1]!));
      return { plan, scans };
    } finally {
      await sql`RESET enable_seqscan`.execute(conn);
    }
  });
}

describe('issue 17 #4: every statement of the hot paths is served by an index', () => {
  it('registration, handoff, re-query of one person, the lists, search and an audit page', async () => {
    const link = t.demo.institution.link_token;
    const reg = await during('registration', async () => {
      const res = await t.app.request(
        '/api/public/registrations',
        jsonRequest('POST', { linkToken: link, visitType: 'homeVisit', arrival: 'link', choices: agreeToAll(), prescriptionForm: 'electronic', handoffPath: 'crossDevice' }, { 'x-device-id': crypto.randomUUID() }),
      );
      expect(res.status).toBe(201);
      return (await res.json()) as StartRegistrationResponse;
    });
    const answer = await signChallenge(t.db, t.cardSim, { cardId: 'card-01', pin: DEMO_PIN, challengeId: reg.challenge.challengeId, nonce: reg.challenge.nonce, now: t.clock.now() });
    await during('handoff', async () => {
      expect((await t.app.request('/api/handoff', jsonRequest('POST', answer))).status).toBe(200);
      expect((await t.app.request(`/api/public/registrations/${reg.registrationId}`, { headers: { authorization: `Bearer ${reg.accessToken}` } })).status).toBe(200);
    });
    const consent = await t.db.selectFrom('consent').select('person_ref').where('registration_id', '=', reg.registrationId).executeTakeFirstOrThrow();
    const person = demoPersons(t.clock.now()).find((p) => p.personId === consent.person_ref)!;
    const q = person.qualifications[0]!;
    const query = { insurerNumber: q.insurerNumber, symbol: q.symbol, number: q.number, branch: q.branch, dateOfBirth: person.dateOfBirth };
    const clerk = await loginAs(t, 'clerk');
    const admin = await loginAs(t, 'admin');
    await during('re-query', async () => {
      const res = await t.app.request('/api/staff/requery', jsonRequest('POST', { client: 'api', rows: [query] }, { cookie: clerk }));
      expect(res.status, await res.clone().text()).toBe(200);
    });
    await during('lists', async () => {
      expect((await t.app.request('/api/staff/consents/lists', { headers: { cookie: clerk } })).status).toBe(200);
    });
    await during('search', async () => {
      expect((await t.app.request('/api/staff/consents/search', jsonRequest('POST', query, { cookie: clerk }))).status).toBe(200);
    });
    await during('audit page', async () => {
      expect((await t.app.request('/api/staff/audit/events', { headers: { cookie: admin } })).status).toBe(200);
      expect((await t.app.request(`/api/staff/audit/events?personRef=${consent.person_ref}`, { headers: { cookie: admin } })).status).toBe(200);
    });

    const explained = [];
    for (const statement of statements.values()) {
      if (/^\s*(begin|commit|rollback|savepoint|release)/i.test(statement.sql)) continue;
      explained.push({ ...statement, ...(await fullScans(statement)) });
    }
    if (process.env.QUERY_PLANS_REPORT) fs.writeFileSync(process.env.QUERY_PLANS_REPORT, JSON.stringify({ dialect: t.dialect, statements: explained }, null, 2));
    expect(explained.length).toBeGreaterThan(30);
    const offenders = explained.filter((e) => e.scans.length > 0).map((e) => `[${e.path}] ${e.sql}\n    ${e.scans.join('\n    ')}`);
    expect(offenders, offenders.join('\n')).toEqual([]);
  });
});
