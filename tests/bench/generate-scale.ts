import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { institutionCheckDigit } from '../../src/domain/institution/institution-code.ts';
import { eventHash } from '../../src/server/audit/audit.service.ts';
import { SQLITE_FILE_NAME } from '../../src/server/db/database.ts';
import { prepareDataDir } from './support.ts';

/**
 * Fills a migrated SQLite data directory with many consents (and their registrations) and a long
 * audit trail, fast: one prepared statement per table, 50,000 rows per transaction, and
 * `journal_mode=OFF`, `synchronous=OFF` while generating only (a crash mid-way leaves a broken
 * file — it is a throw-away benchmark database). WAL and the server's settings apply again when
 * the server opens it.
 *
 * The rows belong to generated institutions ("クリニック" + number, BENCH_SCALE_INSTITUTIONS of
 * them), not to the demo institution, so the demo institution's own lookups stay the same size and
 * only the size of the tables around them changes. The audit rows continue the existing chain
 * with real hashes (the server's eventHash), so `npm run audit:verify` passes on the result.
 *
 *   node tests/bench/generate-scale.ts <dataDir>      (creates and seeds it when empty)
 *
 * Sizes: BENCH_SCALE_CONSENTS (default 1,000,000), BENCH_SCALE_AUDIT (default 10,000,000),
 * BENCH_SCALE_INSTITUTIONS (default 1,000).
 */

export interface ScaleSizes {
  consents: number;
  auditEvents: number;
  institutions: number;
}

export function scaleSizesFromEnv(env: NodeJS.ProcessEnv = process.env): ScaleSizes {
  const n = (value: string | undefined, fallback: number) => (value ? Number(value.replace(/_/g, '')) : fallback);
  return {
    consents: n(env.BENCH_SCALE_CONSENTS, 1_000_000),
    auditEvents: n(env.BENCH_SCALE_AUDIT, 10_000_000),
    institutions: n(env.BENCH_SCALE_INSTITUTIONS, 1_000),
  };
}

const CHUNK = 50_000;
const ACTIONS = ['registration.started', 'consent.registered', 'eligibility.viewed', 'requery', 'consent.superseded', 'batch_query'];

export async function generateScale(dataDir: string, sizes: ScaleSizes, log: (line: string) => void = () => {}): Promise<{ seconds: number; dbBytes: number }> {
  const started = Date.now();
  const file = path.join(dataDir, SQLITE_FILE_NAME);
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = OFF');
  db.exec('PRAGMA synchronous = OFF');
  db.exec('PRAGMA cache_size = -262144'); // 256 MiB
  db.exec('PRAGMA foreign_keys = OFF');
  const at = new Date().toISOString();

  // Institutions, copied from the demo one (so later columns come along).
  const demo = db.prepare('SELECT * FROM institution ORDER BY created_at LIMIT 1').get() as Record<string, string | number | null>;
  const columns = Object.keys(demo);
  const insertInstitution = db.prepare(`INSERT INTO institution (${columns.join(',')}) VALUES (${columns.map(() => '?').join(',')})`);
  const institutionIds: string[] = [];
  db.exec('BEGIN');
  for (let i = 0; i < sizes.institutions; i++) {
    const id = randomUUID();
    const nine = `27${String(i).padStart(7, '0')}`;
    const row: Record<string, string | number | null> = { ...demo, id, code: `${nine}${institutionCheckDigit(nine)}`, link_token: `scale-${i}-${id.slice(0, 8)}`, name: `クリニック${i}` };
    insertInstitution.run(...columns.map((c) => row[c] ?? null));
    institutionIds.push(id);
  }
  db.exec('COMMIT');

  const insertRegistration = db.prepare(
    `INSERT INTO registration (id, institution_id, purpose, visit_type, arrival, scopes, prescription_form, consultation_date, return_url, device_id, staff_id, access_token_hash, status, failure_code, person_ref, consent_id, created_at, completed_at)
     VALUES (?, ?, 'register', ?, 'link', ?, 'electronic', NULL, NULL, ?, NULL, ?, 'completed', NULL, ?, ?, ?, ?)`,
  );
  const insertConsent = db.prepare(
    `INSERT INTO consent (id, institution_id, person_ref, visit_type, scopes, prescription_form, consultation_date, registered_at, valid_until, status, revoked_at, revoked_by, revoke_reason, device_id, staff_id, registration_id, updated_at, last_confirmed_at)
     VALUES (?, ?, ?, ?, ?, 'electronic', NULL, ?, NULL, ?, ?, ?, ?, ?, NULL, ?, ?, NULL)`,
  );
  const scopes = 'surgery,clinical,medication,dispensing,checkup,costLimit,specificDisease';
  for (let done = 0; done < sizes.consents; ) {
    const end = Math.min(sizes.consents, done + CHUNK);
    db.exec('BEGIN');
    for (let i = done; i < end; i++) {
      const institutionId = institutionIds[i % institutionIds.length]!;
      const registrationId = randomUUID();
      const consentId = randomUUID();
      const device = randomUUID();
      const person = `gen-${i}`;
      const visitType = i % 3 === 0 ? 'online' : 'homeVisit';
      const revoked = i % 10 === 0;
      insertRegistration.run(registrationId, institutionId, visitType, scopes, device, consentId.slice(0, 43), person, consentId, at, at);
      insertConsent.run(
        consentId,
        institutionId,
        person,
        visitType,
        scopes,
        at,
        revoked ? 'revoked' : 'active',
        revoked ? at : null,
        revoked ? 'system' : null,
        revoked ? 'superseded' : null,
        device,
        registrationId,
        at,
      );
    }
    db.exec('COMMIT');
    done = end;
    if (done % 200_000 === 0 || done === sizes.consents) log(`consents: ${done}`);
  }

  // The audit trail, continuing the chain from its current head.
  const head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string };
  const insertAudit = db.prepare(
    `INSERT INTO audit_event (seq, at, institution_id, actor_type, actor_id, action, person_ref, device_id, subject_id, outcome, detail, prev_hash, hash)
     VALUES (?, ?, ?, ?, NULL, ?, ?, NULL, ?, 'ok', NULL, ?, ?)`,
  );
  let seq = Number(head.seq);
  let prev = head.hash;
  for (let done = 0; done < sizes.auditEvents; ) {
    const end = Math.min(sizes.auditEvents, done + CHUNK);
    db.exec('BEGIN');
    for (let i = done; i < end; i++) {
      seq += 1;
      const row = {
        seq,
        at,
        institution_id: institutionIds[i % institutionIds.length]!,
        actor_type: 'patient' as const,
        actor_id: null,
        action: ACTIONS[i % ACTIONS.length]!,
        person_ref: `gen-${i % Math.max(1, sizes.consents)}`,
        device_id: null,
        subject_id: createHash('md5').update(String(i)).digest('hex'),
        outcome: 'ok',
        detail: null,
        prev_hash: prev,
      };
      const hash = eventHash(row);
      insertAudit.run(seq, at, row.institution_id, row.actor_type, row.action, row.person_ref, row.subject_id, prev, hash);
      prev = hash;
    }
    db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1').run(seq, prev);
    db.exec('COMMIT');
    done = end;
    if (done % 1_000_000 === 0 || done === sizes.auditEvents) log(`audit events: ${done}`);
  }

  db.exec('PRAGMA journal_mode = WAL');
  db.close();
  const seconds = (Date.now() - started) / 1000;
  const dbBytes = fs.statSync(file).size;
  log(`generated in ${seconds.toFixed(1)} s, ${(dbBytes / 2 ** 20).toFixed(1)} MiB`);
  return { seconds, dbBytes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dataDir = path.resolve(process.argv[2] ?? 'bench-results/scale-data');
  if (!fs.existsSync(path.join(dataDir, SQLITE_FILE_NAME))) await prepareDataDir(dataDir, 0);
  await generateScale(dataDir, scaleSizesFromEnv(), (line) => process.stderr.write(`[generate-scale] ${line}\n`));
}
