import { spawn, type ChildProcess } from 'node:child_process';
import crypto, { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { agreeToAll, consentedScopes, formatScopes } from '../../src/domain/consent/consent.ts';
import { HANDOFF_PROTOCOL, handoffSigningInput } from '../../src/domain/registration/handoff.ts';
import { institutionCheckDigit } from '../../src/domain/institution/institution-code.ts';
import type { Db } from '../../src/server/db/database.ts';
import { openDatabase } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { ensureDemoInstitution } from '../../src/server/demo/demo-seed.ts';
import { loadKeyring } from '../../src/server/secrets/keyring.ts';
import { DEMO_CARDS } from '../../src/server/national/embedded/card-simulator/demo-cards.ts';
import { demoPersons } from '../../src/server/national/embedded/demo-persons.ts';
import { ensureTestCa } from '../../src/server/national/embedded/test-ca.ts';
import { SESSION_COOKIE } from '../../src/server/staff/session.ts';

/**
 * Shared by the benchmark (tests/bench) and the crash test (tests/crash): seeding a data
 * directory directly in its database, starting the real server as a child process, and the
 * request bodies of the flows both drive.
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const NODE = path.join(ROOT, 'node_modules/.bin/node');
export const DEMO_LINK_TOKEN = 'bench-demo-link-token-0001';

/**
 * The card-app simulator's own directory beside the data directory (the server's SIM_DATA_DIR
 * default): its CA and card keys never sit in the reception's data directory (issue 12 #3).
 */
export function simDataDirOf(dataDir: string): string {
  return `${path.resolve(dataDir)}-card-sim`;
}

export { freePort } from '../support/child-server.ts';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `taskset -c <cpu>` in front of a command when pinning is on and taskset exists. */
export function pinned(cpu: number | null, command: string, args: string[]): [string, string[]] {
  if (cpu === null || !fs.existsSync('/usr/bin/taskset')) return [command, args];
  return ['/usr/bin/taskset', ['-c', String(cpu), command, ...args]];
}

export interface ServerHandle {
  child: ChildProcess;
  port: number;
  url: string;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), then wait for the exit. */
  stop(): Promise<void>;
}

/** Starts `node src/server/main.ts` on its own data directory and waits until /api/health answers. */
export async function startServer(options: { dataDir: string; port: number; cpu?: number | null; env?: Record<string, string> }): Promise<ServerHandle> {
  // BENCH_PROFILE_DIR: each server writes a V8 CPU profile there when it stops (Node refuses
  // --cpu-prof in NODE_OPTIONS, so it is passed here).
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const [cmd, args] = pinned(options.cpu ?? null, NODE, [...profile, path.join(ROOT, 'src/server/main.ts')]);
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(options.port),
      DATA_DIR: options.dataDir,
      SIM_DATA_DIR: simDataDirOf(options.dataDir),
      PUBLIC_URL: `http://127.0.0.1:${options.port}`,
      DEMO_LINK_TOKEN,
      DEMO_PASSWORD: 'bench-password-1',
      // One load generator is one client address: the per-address limits would measure the limiter.
      RATE_LIMIT_FACTOR: '100000',
      STATIC_DIR: path.join(ROOT, 'dist'),
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited during start-up: ${stderr}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within 30 s: ${stderr}`);
    }
    await sleep(50);
  }
  return {
    child,
    port: options.port,
    url,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** One insurance query row per demo person that has a qualification (for re-query and batch). */
export function demoInsuranceRows(now = new Date()) {
  const rows: Array<{ insurerNumber: string; symbol: string; number: string; branch: string; dateOfBirth: string }> = [];
  for (const person of demoPersons(now)) {
    const q = person.qualifications[0];
    if (!q || !person.dateOfBirth) continue;
    rows.push({ insurerNumber: q.insurerNumber, symbol: q.symbol, number: q.number, branch: q.branch, dateOfBirth: person.dateOfBirth });
  }
  return rows;
}

export interface SeededInstitution {
  id: string;
  linkToken: string;
  /** Cookie header value of a fresh admin session. */
  cookie: string;
}

/**
 * Another institution like the demo one, with its own admin account, a staff session and an
 * active home-visit consent for every demo person. Rows are copied from the demo ones so that
 * columns added later by other features come along. The session is seeded in the database, so
 * nothing here depends on how the login route signs people in.
 */
export async function seedInstitution(db: Db, index: number, now = new Date(), withConsents = true): Promise<SeededInstitution> {
  const demo = await db.selectFrom('institution').selectAll().orderBy('created_at').executeTakeFirstOrThrow();
  const admin = await db.selectFrom('staff_account').selectAll().where('institution_id', '=', demo.id).where('role', '=', 'admin').executeTakeFirstOrThrow();
  const at = now.toISOString();
  let id = demo.id;
  let staffId = admin.id;
  let linkToken = demo.link_token;
  if (index > 0) {
    id = randomUUID();
    staffId = randomUUID();
    linkToken = `bench-${index}-${randomBytes(8).toString('hex')}`;
    const nine = `1398${String(index).padStart(5, '0')}`;
    await db.insertInto('institution').values({ ...demo, id, code: `${nine}${institutionCheckDigit(nine)}`, link_token: linkToken, name: `ベンチ医院${index}` }).execute();
    await db.insertInto('staff_account').values({ ...admin, id: staffId, institution_id: id, login_id: `bench-admin-${index}` }).execute();
  }
  const token = randomBytes(32).toString('base64url');
  await db.insertInto('staff_session').values({ token_hash: sha256(token), staff_id: staffId, created_at: at, last_seen_at: at, stage: 'full', challenge: null, pending_totp_secret: null }).execute();
  const scopes = formatScopes(consentedScopes(agreeToAll(), { usesClinicalInfo: true, usesElectronicPrescription: true }));
  for (const person of withConsents ? demoPersons(now) : []) {
    const registrationId = randomUUID();
    const consentId = randomUUID();
    await db
      .insertInto('registration')
      .values({
        id: registrationId,
        institution_id: id,
        purpose: 'register',
        visit_type: 'homeVisit',
        arrival: 'link',
        scopes,
        prescription_form: 'electronic',
        consultation_date: null,
        return_url: null,
        device_id: randomUUID(),
        staff_id: null,
        access_token_hash: sha256(randomUUID()),
        status: 'completed',
        failure_code: null,
        person_ref: person.personId,
        consent_id: consentId,
        created_at: at,
        completed_at: at,
      })
      .execute();
    await db
      .insertInto('consent')
      .values({
        id: consentId,
        institution_id: id,
        person_ref: person.personId,
        visit_type: 'homeVisit',
        scopes,
        prescription_form: 'electronic',
        consultation_date: null,
        registered_at: at,
        valid_until: null,
        status: 'active',
        revoked_at: null,
        revoked_by: null,
        revoke_reason: null,
        device_id: null,
        staff_id: null,
        registration_id: registrationId,
        updated_at: at,
        last_confirmed_at: null,
      })
      .execute();
  }
  return { id, linkToken, cookie: `${SESSION_COOKIE}=${token}` };
}

/**
 * Creates and migrates a data directory with the demo institution, the test CA and `extra` more
 * institutions (each with consents for the demo persons unless `withConsents` is false).
 */
export async function prepareDataDir(dataDir: string, extra: number, withConsents = true, databaseUrl?: string): Promise<SeededInstitution[]> {
  fs.mkdirSync(dataDir, { recursive: true });
  const { db } = openDatabase({ dataDir, databaseUrl });
  try {
    await migrateToLatest(db);
    await ensureDemoInstitution(db, loadKeyring({ dataDir }), { dataDir, fixedPassword: 'bench-password-1', fixedLinkToken: DEMO_LINK_TOKEN });
    await ensureTestCa(simDataDirOf(dataDir), new Date());
    // One transaction: a fsync per row would make a thousand institutions take minutes.
    return await db.transaction().execute(async (trx) => {
      const out: SeededInstitution[] = [];
      for (let i = 0; i <= extra; i++) out.push(await seedInstitution(trx, i, new Date(), withConsents));
      return out;
    });
  } finally {
    await db.destroy();
  }
}

/**
 * Marks a seeded staff session as used just now: generating the scaled database takes minutes,
 * past the idle lock, after which every lookup would be a fast 401.
 */
export async function touchSession(dataDir: string, cookie: string): Promise<void> {
  const { db } = openDatabase({ dataDir });
  try {
    const now = new Date().toISOString();
    const token = cookie.slice(cookie.indexOf('=') + 1);
    await db.updateTable('staff_session').set({ created_at: now, last_seen_at: now, locked_at: null }).where('token_hash', '=', sha256(token)).execute();
  } finally {
    await db.destroy();
  }
}

/** A home-visit registration request as the patient's browser sends it. */
export function registrationBody(linkToken: string): string {
  return JSON.stringify({
    linkToken,
    visitType: 'homeVisit',
    arrival: 'link',
    choices: agreeToAll(),
    prescriptionForm: 'electronic',
    handoffPath: 'crossDevice',
  });
}

/** A complete outage declaration (D3) with a fresh id, as the outbox sends it. */
export function declarationBody(linkToken: string, id: string = randomUUID(), now = new Date()): string {
  return JSON.stringify({
    id,
    createdAt: now.toISOString(),
    linkToken,
    referenceNumber: '',
    holdsValidCard: true,
    insuranceType: 'employee',
    insurerName: '全国健康保険協会 東京支部',
    employerName: '株式会社申立商事',
    cardIssuedWhen: 'withinMonth',
    copayRatio: null,
    name: '申立 花子',
    nameKana: 'モウシタテ ハナコ',
    dateOfBirth: { era: 'showa', year: 55, month: 4, day: 1 },
    sex: 'female',
    address: '東京都千代田区霞が関１－２－２',
    otherResidence: '',
    declaredOn: new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10),
    signature: `data:image/png;base64,iVBORw0KGgo${'A'.repeat(400)}`,
    relationship: '',
    phone: '090-3141-5926',
  });
}

export function uuidV4(): string {
  return randomUUID();
}

/**
 * The card app's part of a registration, done in the calling process (the card app is another
 * system; its signing must not count against the reception server): signs a challenge with the
 * next demo card (round robin over the normal cards with a card holder).
 */
export async function cardSigner(dataDir: string): Promise<(challenge: { challengeId: string; nonce: string }) => string> {
  const material = await ensureTestCa(simDataDirOf(dataDir), new Date());
  const cards = DEMO_CARDS.filter((c) => c.kind === 'normal' && c.personId !== null && c.id !== 'card-lock').map((c) => material.cards.get(c.id)!);
  let next = 0;
  return (challenge) => {
    const keys = cards[next++ % cards.length]!;
    const signature = crypto.sign('sha256', Buffer.from(handoffSigningInput(challenge), 'utf8'), keys.privateKey);
    return JSON.stringify({
      protocol: HANDOFF_PROTOCOL,
      challengeId: challenge.challengeId,
      nonce: challenge.nonce,
      signature: signature.toString('base64url'),
      certificate: keys.certDer.toString('base64'),
    });
  };
}
