import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { isDeepStrictEqual } from 'node:util';
import { declarationSchema } from '../../src/domain/declaration/declaration-schema.ts';
import { verifyAuditChain } from '../../src/server/audit/audit.service.ts';
import { openDatabase, SQLITE_FILE_NAME } from '../../src/server/db/database.ts';
import { cardSigner, declarationBody, freePort, prepareDataDir, registrationBody, simDataDirOf, sleep, startServer, type ServerHandle } from '../bench/support.ts';

/**
 * `npm run test:crash`: crash safety of the real server (issue 7 §2). Starts
 * `node src/server/main.ts` on its own data directory, drives consent registrations (registration,
 * card answer, handoff) and outage declarations from this process at a steady rate, kills the
 * server with SIGKILL at a random moment, checks the database, restarts, and repeats. At the end:
 * every write the client saw acknowledged is there, nothing is half-written, integrity_check is
 * ok and the audit chain verifies. Every write a kill cut off (sent, no answer) is looked up in
 * the file the kill left: it committed whole or not at all, and the run fails if no kill cut off
 * a write at all (then it proved nothing about atomicity). Declarations are compared by content,
 * not only by id. Exit status 1 on any violation. See tests/crash/README.md.
 *
 * Environment: CRASH_KILLS (default 20), CRASH_WORKERS (concurrent clients, default 4),
 * CRASH_MIN_MS / CRASH_MAX_MS (time under load before a kill, default 300–2000 ms).
 */

// Issue 7 asks for at least 20 kills.
const KILLS = Number(process.env.CRASH_KILLS || 20);
const WORKERS = Number(process.env.CRASH_WORKERS || 4);
const MIN_MS = Number(process.env.CRASH_MIN_MS || 300);
const MAX_MS = Number(process.env.CRASH_MAX_MS || 2000);
/** Pause between a client's requests: a steady rate, not a flood (the point is the kill, not the load). */
const PACE_MS = 5;
/** A run whose kills cut off fewer writes than this proved too little: it fails. */
const MIN_CUT_OFF = Number(process.env.CRASH_MIN_CUT_OFF || Math.max(1, Math.floor(KILLS / 2)));

/** A write that was sent and got no answer because the server was killed. */
interface CutOff {
  kind: 'registration' | 'handoff' | 'declaration';
  /** registration: the random device id it was sent with; handoff: the registration id; declaration: its id. */
  key: string;
}

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
  // The card trust comes from the test CA's files, as a production server reads its anchors and
  // CRL, instead of from the card-app simulator's process: the signatures are still checked in
  // full, and each of the 21 starts no longer pays for a second Node process (about 40 % of a start).
  const simDir = simDataDirOf(dataDir);
  const serverEnv = { LOG_LEVEL: 'silent', CARD_SIMULATOR: 'off', CARD_TRUST_ANCHORS: path.join(simDir, 'ca-cert.pem'), CARD_CRL_SOURCES: path.join(simDir, 'crl.pem') };
  const ack: Acknowledged = { registrations: new Set(), completed: new Set(), declarations: new Set() };
  /** Declarations sent but not acknowledged (in flight at a kill): the outbox sends them again. */
  const unsent = new Map<string, string>();
  let inFlightLost = 0;
  let attempts = 0;
  /** Writes cut off by the current kill, looked up in the file before the next start. */
  let cutOff: CutOff[] = [];
  const resolved = { committed: 0, notCommitted: 0, killsWithCutOff: 0 };
  /** Every declaration body sent, by id: the stored form must match it (content, not only id). */
  const sentDeclarations = new Map<string, string>();
  let declarationCount = 0;

  /** Sends one write; when the kill cuts it off, remembers what it was so its outcome can be checked. */
  async function write(what: CutOff, url: string, body: string, headers: Record<string, string> = {}) {
    try {
      return await post(url, body, headers);
    } catch (err) {
      if (isConnectionError(err)) cutOff.push(what);
      throw err;
    }
  }

  async function registrationFlow(url: string): Promise<void> {
    const device = randomUUID();
    const start = await write({ kind: 'registration', key: device }, `${url}/api/public/registrations`, registrationBody(linkToken), { 'x-device-id': device });
    if (start.status !== 201) throw new Error(`registration answered ${start.status}`);
    const reg = start.json as { registrationId: string; challenge: { challengeId: string; nonce: string } };
    ack.registrations.add(reg.registrationId);
    const done = await write({ kind: 'handoff', key: reg.registrationId }, `${url}/api/handoff`, sign(reg.challenge));
    if (done.status !== 200) throw new Error(`handoff answered ${done.status}`);
    ack.completed.add(reg.registrationId);
  }

  async function declarationFlow(url: string, id: string = randomUUID(), body: string = distinctDeclaration(linkToken, id, declarationCount++)): Promise<void> {
    unsent.set(id, body);
    sentDeclarations.set(id, body);
    const res = await write({ kind: 'declaration', key: id }, `${url}/api/public/declarations`, body, { 'x-device-id': randomUUID() });
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
    server = await startServer({ dataDir, port, env: serverEnv });
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
    const outcome = resolveCutOff(dataDir, cutOff, sentDeclarations);
    resolved.committed += outcome.committed;
    resolved.notCommitted += outcome.notCommitted;
    if (cutOff.length > 0) resolved.killsWithCutOff++;
    process.stderr.write(
      `[crash] kill ${kill}/${KILLS}: ${cutOff.length} writes cut off (${outcome.committed} committed whole, ${outcome.notCommitted} not at all); ${ack.completed.size} consents, ${ack.declarations.size} declarations acknowledged so far\n`,
    );
    cutOff = [];
  }

  // A last clean start, so the resends and the final check see a running server's view.
  server = await startServer({ dataDir, port, env: serverEnv });
  for (const [id, body] of [...unsent]) await declarationFlow(server.url, id, body).catch((err: unknown) => fail(`final resend: ${String(err)}`));
  await server.stop();

  const found = await checkDatabase(dataDir, ack, sentDeclarations);
  const cutOffTotal = resolved.committed + resolved.notCommitted;
  // Without writes cut off mid-flight the kills proved nothing about atomicity: not a pass.
  if (cutOffTotal < MIN_CUT_OFF) fail(`only ${cutOffTotal} writes were in flight at a kill (at least ${MIN_CUT_OFF} needed); raise CRASH_WORKERS or the load`);
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(
    [
      '',
      `crash test: ${KILLS} kills (SIGKILL) in ${seconds.toFixed(0)} s, ${WORKERS} clients, ${attempts} flows attempted, ${inFlightLost} cut off by a kill`,
      `  writes in flight at a kill ${cutOffTotal} (at ${resolved.killsWithCutOff} of ${KILLS} kills; at least ${MIN_CUT_OFF} required): ${resolved.committed} had committed whole, ${resolved.notCommitted} not at all`,
      `  registrations acknowledged ${ack.registrations.size}, found ${found.registrations}`,
      `  consents acknowledged      ${ack.completed.size}, found ${found.consentsAcknowledged} (in the database: ${found.consents}, each complete with registration, eligibility record and audit event)`,
      `  declarations acknowledged  ${ack.declarations.size}, found ${found.declarations} (content equal to what was sent: ${found.declarationsSameContent} of ${found.declarationsInDb} in the database)`,
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

/** The bench's declaration made distinct per send (phone, address, birthday), so a swapped or stale row cannot match. */
function distinctDeclaration(linkToken: string, id: string, n: number): string {
  const form = JSON.parse(declarationBody(linkToken, id)) as Record<string, unknown>;
  form.phone = `090-${String(1000 + (n % 9000))}-${String(n).padStart(4, '0').slice(-4)}`;
  form.address = `東京都千代田区霞が関１－２－２ ${n}号`;
  form.dateOfBirth = { era: 'showa', year: 30 + (n % 30), month: 1 + (n % 12), day: 1 + (n % 28) };
  return JSON.stringify(form);
}

/** Differences between a stored form and the body that was sent (as the server's schema reads it). */
function contentDifference(formJson: string, sentBody: string): string | null {
  const sent = JSON.parse(sentBody) as Record<string, unknown>;
  const expected = declarationSchema.parse(sent);
  const stored = JSON.parse(formJson) as Record<string, unknown>;
  if (!isDeepStrictEqual(stored, JSON.parse(JSON.stringify(expected)))) return 'the stored form differs from the one sent';
  // Independently of the schema: the fields that make this send distinct are the ones sent.
  for (const field of ['name', 'phone', 'address'] as const) if (stored[field] !== sent[field]) return `${field} differs`;
  return null;
}

/**
 * Looks up, in the file a kill left behind, each write that kill cut off: it must have committed
 * whole (with the rows written alongside) or not at all. The answer was lost, so either is right.
 */
function resolveCutOff(dataDir: string, writes: CutOff[], sent: Map<string, string>): { committed: number; notCommitted: number } {
  const db = new DatabaseSync(path.join(dataDir, SQLITE_FILE_NAME), { readOnly: true });
  const one = <T>(sql: string, ...args: string[]) => db.prepare(sql).get(...args) as T | undefined;
  let committed = 0;
  let notCommitted = 0;
  try {
    for (const w of writes) {
      if (w.kind === 'registration') {
        const reg = one<{ id: string }>('SELECT id FROM registration WHERE device_id = ?', w.key);
        if (!reg) notCommitted++;
        else if (one('SELECT 1 AS x FROM handoff_challenge WHERE registration_id = ?', reg.id) && one("SELECT 1 AS x FROM audit_event WHERE action = 'registration.started' AND subject_id = ?", reg.id)) committed++;
        else fail(`cut-off registration ${reg.id} is half-written (challenge or audit event missing)`);
      } else if (w.kind === 'handoff') {
        const reg = one<{ status: string; consent_id: string | null }>('SELECT status, consent_id FROM registration WHERE id = ?', w.key);
        const consent = one<{ id: string }>('SELECT id FROM consent WHERE registration_id = ?', w.key);
        if (reg?.status === 'completed' && consent && reg.consent_id === consent.id) committed++;
        else if (reg?.status === 'awaitingCard' && !consent && reg.consent_id === null) notCommitted++;
        else fail(`cut-off handoff of registration ${w.key} is half-written (status ${reg?.status ?? 'missing'}, consent ${consent ? 'present' : 'absent'})`);
      } else {
        const row = one<{ form_json: string }>('SELECT form_json FROM declaration WHERE id = ?', w.key);
        if (!row) notCommitted++;
        else {
          const difference = contentDifference(row.form_json, sent.get(w.key)!);
          if (difference) fail(`cut-off declaration ${w.key}: ${difference}`);
          committed++;
        }
      }
    }
  } finally {
    db.close();
  }
  return { committed, notCommitted };
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

async function checkDatabase(dataDir: string, ack: Acknowledged, sent: Map<string, string>) {
  checkIntegrity(dataDir, 'at the end');
  const sqlite = new DatabaseSync(path.join(dataDir, SQLITE_FILE_NAME), { readOnly: true });
  const all = <T>(sql: string) => sqlite.prepare(sql).all() as T[];
  const registrations = new Map(all<{ id: string; status: string; consent_id: string | null }>('SELECT id, status, consent_id FROM registration').map((r) => [r.id, r]));
  const consents = all<Record<string, string | null>>('SELECT * FROM consent');
  const checks = new Set(all<{ consent_id: string }>("SELECT consent_id FROM eligibility_check WHERE kind = 'registration'").map((r) => r.consent_id));
  const audited = new Set(all<{ k: string }>("SELECT action || ':' || subject_id AS k FROM audit_event").map((r) => r.k));
  const challenges = new Set(all<{ registration_id: string }>('SELECT registration_id FROM handoff_challenge').map((r) => r.registration_id));
  const storedForms = new Map(all<{ id: string; form_json: string }>('SELECT id, form_json FROM declaration').map((r) => [r.id, r.form_json]));
  const declarations = new Set(storedForms.keys());
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
  let declarationsSameContent = 0;
  for (const [id, formJson] of storedForms) {
    if (!audited.has(`declaration.received:${id}`)) fail(`declaration ${id} has no declaration.received audit event`);
    // Content, not only the id: each stored form is the one sent with that id.
    const body = sent.get(id);
    const difference = body === undefined ? 'it was never sent' : contentDifference(formJson, body);
    if (difference) fail(`declaration ${id}: ${difference}`);
    else declarationsSameContent++;
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
    declarationsInDb: storedForms.size,
    declarationsSameContent,
    chain: chain.ok ? `ok (${chain.events} events)` : `BROKEN at #${chain.brokenAtSeq}`,
  };
}

await main();
