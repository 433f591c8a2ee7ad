import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { verifyAuditChain } from '../../src/server/audit/audit.service.ts';
import { openDatabase, SQLITE_FILE_NAME } from '../../src/server/db/database.ts';
import { cardSigner, declarationBody, freePort, prepareDataDir, registrationBody, simDataDirOf, sleep, startServer, type ServerHandle } from '../bench/support.ts';

/**
 * `npm run test:crash`: crash safety of the real server (issue 7 §2). Starts
 * `node src/server/main.ts` on its own data directory, drives consent registrations (registration,
 * card answer, handoff) and outage declarations from this process at a steady rate, kills the
 * server with SIGKILL at a random moment, checks the database, restarts, and repeats. At the end:
 * every write the client saw acknowledged is there, nothing is half-written, integrity_check is
 * ok and the audit chain verifies. Exit status 1 on any violation. See tests/crash/README.md.
 *
 * Environment: CRASH_KILLS (default 24), CRASH_WORKERS (concurrent clients, default 4),
 * CRASH_MIN_MS / CRASH_MAX_MS (time under load before a kill, default 300–2000 ms).
 */

const KILLS = Number(process.env.CRASH_KILLS || 24);
const WORKERS = Number(process.env.CRASH_WORKERS || 4);
const MIN_MS = Number(process.env.CRASH_MIN_MS || 300);
const MAX_MS = Number(process.env.CRASH_MAX_MS || 2000);
/** Pause between a client's requests: a steady rate, not a flood (the point is the kill, not the load). */
const PACE_MS = 5;

interface Acknowledged {
  /** 201 to POST /api/public/registrations. */
  registrations: Set<string>;
  /** 200 to POST /api/handoff: a consent was registered for this registration. */
  completed: Set<string>;
  /** 201/200 to POST /api/public/declarations. */
  declarations: Set<string>;
}

const failures: string[] = [];
function fail(message: string): void {
  failures.push(message);
  process.stderr.write(`[crash] FAIL ${message}\n`);
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null };
}

async function main(): Promise<void> {
  const started = Date.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-crash-'));
  // No seeded consents: every row in the database comes from the server under test.
  const [inst] = await prepareDataDir(dataDir, 0, false);
  const linkToken = inst!.linkToken;
  const sign = await cardSigner(dataDir);
  const port = await freePort();
  const ack: Acknowledged = { registrations: new Set(), completed: new Set(), declarations: new Set() };
  /** Declarations sent but not acknowledged (in flight at a kill): the outbox sends them again. */
  const unsent = new Map<string, string>();
  let inFlightLost = 0;
  let attempts = 0;

  async function registrationFlow(url: string): Promise<void> {
    const start = await post(`${url}/api/public/registrations`, registrationBody(linkToken), { 'x-device-id': randomUUID() });
    if (start.status !== 201) throw new Error(`registration answered ${start.status}`);
    const reg = start.json as { registrationId: string; challenge: { challengeId: string; nonce: string } };
    ack.registrations.add(reg.registrationId);
    const done = await post(`${url}/api/handoff`, sign(reg.challenge));
    if (done.status !== 200) throw new Error(`handoff answered ${done.status}`);
    ack.completed.add(reg.registrationId);
  }

  async function declarationFlow(url: string, id: string = randomUUID(), body: string = declarationBody(linkToken, id)): Promise<void> {
    unsent.set(id, body);
    const res = await post(`${url}/api/public/declarations`, body, { 'x-device-id': randomUUID() });
    if (res.status !== 201 && res.status !== 200) throw new Error(`declaration answered ${res.status}`);
    ack.declarations.add(id);
    unsent.delete(id);
  }

  async function client(url: string, stop: { now: boolean }, n: number): Promise<void> {
    for (let i = 0; !stop.now; i++) {
      attempts++;
      try {
        if ((i + n) % 3 === 2) await declarationFlow(url);
        else await registrationFlow(url);
      } catch (err) {
        // A request cut off by the kill is expected (its outcome is unknown, so it was never
        // acknowledged); anything else, or a dead server before the kill, is a bug.
        if (stop.now && isConnectionError(err)) {
          inFlightLost++;
          return;
        }
        fail(`unexpected failure while the server ran: ${err instanceof Error ? err.message : String(err)}`);
        if (isConnectionError(err)) return;
      }
      await sleep(PACE_MS);
    }
  }

  let server: ServerHandle | null = null;
  for (let kill = 1; kill <= KILLS; kill++) {
    server = await startServer({ dataDir, port, env: { LOG_LEVEL: 'silent' } });
    // The outbox's resend after a lost answer: the same declaration again, same content.
    for (const [id, body] of [...unsent]) {
      try {
        await declarationFlow(server.url, id, body);
      } catch (err) {
        fail(`a resent declaration was not accepted: ${err instanceof Error ? err.message : String(err)}`);
        unsent.delete(id);
      }
    }
    const stop = { now: false };
    const clients = Array.from({ length: WORKERS }, (_, n) => client(server!.url, stop, n));
    await sleep(MIN_MS + Math.random() * (MAX_MS - MIN_MS));
    stop.now = true;
    await server.kill();
    await Promise.all(clients);
    // Between crash and restart: the file as the next start will find it.
    checkIntegrity(dataDir, `after kill ${kill}`);
    process.stderr.write(`[crash] kill ${kill}/${KILLS}: ${ack.completed.size} consents, ${ack.declarations.size} declarations acknowledged so far\n`);
  }

  // A last clean start, so the resends and the final check see a running server's view.
  server = await startServer({ dataDir, port, env: { LOG_LEVEL: 'silent' } });
  for (const [id, body] of [...unsent]) await declarationFlow(server.url, id, body).catch((err: unknown) => fail(`final resend: ${String(err)}`));
  await server.stop();

  const found = await checkDatabase(dataDir, ack);
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(
    [
      '',
      `crash test: ${KILLS} kills (SIGKILL) in ${seconds.toFixed(0)} s, ${WORKERS} clients, ${attempts} flows attempted, ${inFlightLost} cut off by a kill`,
      `  registrations acknowledged ${ack.registrations.size}, found ${found.registrations}`,
      `  consents acknowledged      ${ack.completed.size}, found ${found.consentsAcknowledged} (in the database: ${found.consents}, each complete with registration, eligibility record and audit event)`,
      `  declarations acknowledged  ${ack.declarations.size}, found ${found.declarations}`,
      `  audit chain: ${found.chain}; integrity_check: ok after every kill and at the end`,
      failures.length === 0 ? 'PASS' : `FAIL (${failures.length} problems)`,
      '',
    ].join('\n'),
  );
  if (failures.length === 0) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(simDataDirOf(dataDir), { recursive: true, force: true });
  }
  else process.stdout.write(`data directory kept for inspection: ${dataDir}\n`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

function isConnectionError(err: unknown): boolean {
  const cause = err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
  return err instanceof TypeError && (cause?.code === 'ECONNREFUSED' || cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET' || /fetch failed|other side closed/i.test(err.message));
}

function checkIntegrity(dataDir: string, when: string): void {
  const db = new DatabaseSync(path.join(dataDir, SQLITE_FILE_NAME));
  try {
    const rows = db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>;
    if (rows.length !== 1 || rows[0]!.integrity_check !== 'ok') fail(`integrity_check ${when}: ${rows.map((r) => r.integrity_check).join('; ')}`);
    const fk = db.prepare('PRAGMA foreign_key_check').all();
    if (fk.length > 0) fail(`foreign_key_check ${when}: ${fk.length} rows`);
  } finally {
    db.close();
  }
}

async function checkDatabase(dataDir: string, ack: Acknowledged) {
  checkIntegrity(dataDir, 'at the end');
  const sqlite = new DatabaseSync(path.join(dataDir, SQLITE_FILE_NAME), { readOnly: true });
  const all = <T>(sql: string) => sqlite.prepare(sql).all() as T[];
  const registrations = new Map(all<{ id: string; status: string; consent_id: string | null }>('SELECT id, status, consent_id FROM registration').map((r) => [r.id, r]));
  const consents = all<Record<string, string | null>>('SELECT * FROM consent');
  const checks = new Set(all<{ consent_id: string }>("SELECT consent_id FROM eligibility_check WHERE kind = 'registration'").map((r) => r.consent_id));
  const audited = new Set(all<{ k: string }>("SELECT action || ':' || subject_id AS k FROM audit_event").map((r) => r.k));
  const challenges = new Set(all<{ registration_id: string }>('SELECT registration_id FROM handoff_challenge').map((r) => r.registration_id));
  const declarations = new Set(all<{ id: string }>('SELECT id FROM declaration').map((r) => r.id));
  sqlite.close();

  // Every acknowledged write is there.
  let foundRegistrations = 0;
  for (const id of ack.registrations) {
    if (registrations.has(id)) foundRegistrations++;
    else fail(`acknowledged registration ${id} is missing`);
  }
  let consentsAcknowledged = 0;
  const consentIds = new Set(consents.map((c) => c.id));
  const consentByRegistration = new Map(consents.map((c) => [c.registration_id, c]));
  for (const id of ack.completed) {
    const reg = registrations.get(id);
    const consent = consentByRegistration.get(id);
    if (reg?.status === 'completed' && consent && reg.consent_id === consent.id) consentsAcknowledged++;
    else fail(`acknowledged consent of registration ${id} is missing or its registration is not completed`);
  }
  let foundDeclarations = 0;
  for (const id of ack.declarations) {
    if (declarations.has(id)) foundDeclarations++;
    else fail(`acknowledged declaration ${id} is missing`);
  }

  // Nothing half-written, acknowledged or not: each row has the rows it is written with.
  const required = ['id', 'institution_id', 'person_ref', 'visit_type', 'scopes', 'registered_at', 'status', 'registration_id', 'updated_at'];
  for (const consent of consents) {
    const missing = required.filter((c) => consent[c] === null || consent[c] === undefined);
    if (missing.length > 0) fail(`consent ${consent.id} lacks ${missing.join(', ')}`);
    const reg = registrations.get(consent.registration_id!);
    if (!reg || reg.status !== 'completed' || reg.consent_id !== consent.id) fail(`consent ${consent.id} has no completed registration pointing at it`);
    if (!checks.has(consent.id!)) fail(`consent ${consent.id} has no eligibility record`);
    if (!audited.has(`consent.registered:${consent.id}`)) fail(`consent ${consent.id} has no consent.registered audit event`);
  }
  for (const reg of registrations.values()) {
    if (!audited.has(`registration.started:${reg.id}`)) fail(`registration ${reg.id} has no registration.started audit event`);
    if (!challenges.has(reg.id)) fail(`registration ${reg.id} has no challenge`);
    if (reg.status === 'completed' && !consentIds.has(reg.consent_id ?? '')) fail(`completed registration ${reg.id} has no consent`);
  }
  for (const id of declarations) {
    if (!audited.has(`declaration.received:${id}`)) fail(`declaration ${id} has no declaration.received audit event`);
  }

  const { db } = openDatabase({ dataDir });
  const chain = await verifyAuditChain(db);
  await db.destroy();
  if (!chain.ok) fail(`audit chain broken at event #${chain.brokenAtSeq}`);
  return {
    registrations: foundRegistrations,
    consentsAcknowledged,
    consents: consents.length,
    declarations: foundDeclarations,
    chain: chain.ok ? `ok (${chain.events} events)` : `BROKEN at #${chain.brokenAtSeq}`,
  };
}

await main();
