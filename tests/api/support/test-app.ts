import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../../src/server/app.ts';
import { readConfig } from '../../../src/server/config.ts';
import type { ServerConfig } from '../../../src/server/config.ts';
import { openDatabase } from '../../../src/server/db/database.ts';
import { migrateToLatest } from '../../../src/server/db/migrate.ts';
import { DEMO_ACCOUNTS, ensureDemoInstitution } from '../../../src/server/demo/demo-seed.ts';
import type { StaffRole } from '../../../src/domain/shared/api.ts';
import type { CardTrustSources } from '../../../src/server/national/card-trust.ts';
import { createCardSimulatorApp } from '../../../src/server/national/embedded/card-simulator/sim-app.ts';
import { ensureTestCa } from '../../../src/server/national/embedded/test-ca.ts';
import { createNationalServices } from '../../../src/server/national/national-services.ts';
import { resolveCardTrustSources } from '../../../src/server/national/trust-config.ts';
import pg from 'pg';
import type { LogEvent } from 'kysely';
import { loadKeyring } from '../../../src/server/secrets/keyring.ts';
import { base32Decode, hotp, TOTP_STEP_SECONDS, totpStep } from '../../../src/server/staff/totp.ts';

/**
 * With DATABASE_URL set, every test data directory gets its own PostgreSQL database (named after
 * the directory, so reopening the same directory reopens the same database); otherwise SQLite.
 */
export async function testDatabaseUrl(dataDir: string): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const base = process.env.DATABASE_URL;
  if (!base) return undefined;
  const name = `zaitaku_test_${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name} TEMPLATE ${await migratedTemplate(admin, base)}`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(base, name),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

const MIGRATIONS_DIR = path.join(import.meta.dirname, '../../../src/server/db/migrations');

/**
 * A database the migrations have run on, which each test database is copied from (CREATE
 * DATABASE … TEMPLATE): running the migrations for every test database was most of what a
 * PostgreSQL test app cost. Named after the migrations' contents, so a changed or added migration
 * makes a new one; made once per cluster, under an advisory lock the lane's workers share.
 */
async function migratedTemplate(admin: pg.Client, base: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(MIGRATIONS_DIR).sort()) hash.update(file).update(fs.readFileSync(path.join(MIGRATIONS_DIR, file)));
  const name = `zaitaku_template_${hash.digest('hex').slice(0, 16)}`;
  await admin.query('SELECT pg_advisory_lock(7301)');
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      // Made under another name and renamed when complete: a half-migrated template is never used.
      const partial = `${name}_partial`;
      await admin.query(`DROP DATABASE IF EXISTS ${partial} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${partial}`);
      const opened = openDatabase({ dataDir: os.tmpdir(), databaseUrl: databaseUrl(base, partial) });
      try {
        await migrateToLatest(opened.db);
      } finally {
        await opened.db.destroy();
      }
      await admin.query(`ALTER DATABASE ${partial} RENAME TO ${name}`);
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(7301)');
  }
  return name;
}

/**
 * The demo PKI (a CA and a key pair per simulated card) is made once per clock day for all test
 * files and kept in the temporary directory; each app gets its own copy of the files. Generating
 * the keys was most of what creating an app cost (6 s of 7 under load). ensureTestCa still checks
 * each copied card against the app's clock and issues again whatever no longer fits (a card added
 * since, an expired certificate), as it does on a real start.
 */
async function copyOfTestCa(now: Date): Promise<string> {
  const template = path.join(os.tmpdir(), `zaitaku-test-ca-${now.toISOString().slice(0, 10)}`);
  if (!fs.existsSync(template)) {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-test-ca-new-'));
    await ensureTestCa(fresh, now);
    try {
      // Whole or not at all: another test file may be making the same template.
      fs.renameSync(fresh, template);
    } catch {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  }
  const simDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-api-sim-'));
  fs.cpSync(template, simDir, { recursive: true });
  return simDir;
}

/**
 * The seeded accounts' scrypt cost in API tests: N=2^10 (1 MiB) instead of 2^15. Logins still run
 * the real verification, reading the cost from the stored hash; the login-heavy suites (rate
 * limits, lockout, sessions) spent most of their time in scrypt. Accounts created through the API
 * in a test get the production cost, and a unit test pins that cost.
 */
const TEST_PASSWORD_HASH_PARAMS = { N: 2 ** 10, r: 8, p: 1 };

export const TEST_PASSWORD = 'test-password-1';
/** Every demo account's TOTP secret in API tests (base32, the RFC 6238 test key "12345678901234567890"). */
export const TEST_TOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** A settable clock, so tests can cross session limits and day boundaries. */
export class TestClock {
  private current: number;
  constructor(start = '2026-11-22T01:00:00.000Z') {
    this.current = Date.parse(start);
  }
  now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * A fresh database in its own data directory, migrated and seeded, and the app over it. The
 * card-app simulator's keys sit in a directory of their own (as SIM_DATA_DIR does in a real
 * start), and the reception reaches the simulator app through the same `/sim/api` forwarding as
 * in production, here in-process. `trust` replaces the demo trust set (production-mode tests).
 */
export async function createTestApp(
  options: { clock?: TestClock; dataDir?: string; config?: Partial<ServerConfig>; trust?: CardTrustSources; onQuery?: (sql: string, parameters: readonly unknown[]) => void } = {},
) {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-api-'));
  const postgres = await testDatabaseUrl(dataDir);
  const onQuery = options.onQuery;
  const opened = openDatabase({
    dataDir,
    databaseUrl: postgres?.url,
    ...(onQuery ? { log: (event: LogEvent) => { if (event.level === 'query') onQuery(event.query.sql, event.query.parameters); } } : {}),
  });
  const schemaVersion = await migrateToLatest(opened.db);
  const secrets = loadKeyring({ dataDir });
  const demo = await ensureDemoInstitution(opened.db, secrets, {
    dataDir,
    fixedPassword: TEST_PASSWORD,
    fixedTotpSecret: TEST_TOTP_SECRET,
    passwordHashParams: TEST_PASSWORD_HASH_PARAMS,
  });
  // In-process requests all share one client key, and suites log in and register many times:
  // limits are generous unless a test sets its own (options.config overrides any setting).
  const config = {
    ...readConfig({ DATA_DIR: dataDir, PORT: '0', PUBLIC_URL: 'https://zaitaku.example', RATE_LIMIT_FACTOR: '1000' }),
    ...options.config,
  };
  const clock = options.clock ?? new TestClock();
  const simDir = await copyOfTestCa(clock.now());
  const cardSim = await ensureTestCa(simDir, clock.now());
  // The PIN counters go to the test database (its migrations have the table), so tests can call
  // the simulator's service with t.db.
  const simApp = createCardSimulatorApp({ db: opened.db, material: cardSim, now: clock.now });
  const trust = options.trust ?? resolveCardTrustSources(config, { caCertPem: cardSim.caCertPem, crlUrl: path.join(simDir, 'crl.pem') });
  const national = await createNationalServices({
    publicUrl: config.publicUrl,
    trust,
    simulator: async (pathAndQuery, init) => simApp.request(pathAndQuery, init),
  });
  const app = createApp({ ...opened, config, schemaVersion, national, secrets, now: clock.now, serveStatic: false });
  return {
    app,
    db: opened.db,
    dialect: opened.dialect,
    /** Commits and transactions so far (SQLite's group commit; undefined on PostgreSQL). */
    commitStats: opened.commitStats,
    demo,
    clock,
    dataDir,
    /** The PostgreSQL database of this app (PostgreSQL lane), for a second connection; undefined on SQLite. */
    databaseUrl: postgres?.url,
    schemaVersion,
    national,
    /** The simulated cards' keys and the demo CA (the simulator's, not the reception's). */
    cardSim,
    secrets,
    async close(removeData = true) {
      await opened.db.destroy();
      fs.rmSync(simDir, { recursive: true, force: true });
      if (removeData) {
        fs.rmSync(dataDir, { recursive: true, force: true });
        await postgres?.drop();
      }
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** Logs the demo administrator in and returns the Cookie header value for later requests. */
export async function loginAsDemo(t: TestApp): Promise<string> {
  return loginAs(t, 'admin');
}

/** Logs in the demo account of one role (demo-admin, demo-clerk, demo-doctor); returns the Cookie value. */
export async function loginAs(t: TestApp, role: StaffRole): Promise<string> {
  const account = DEMO_ACCOUNTS.find((a) => a.role === role);
  if (!account) throw new Error(`no demo account for ${role}`);
  return loginWithTotp(t, account.loginId, TEST_PASSWORD, TEST_TOTP_SECRET);
}

export function sessionCookie(res: Response): string {
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

/**
 * The whole login: password, then the TOTP code an authenticator app would show at the test
 * clock's time. A code counts once per account and 30-second step (replay guard), and tests
 * log in many times on a frozen clock. So this uses the first step the account has not used
 * yet: the current one, else the next (apps' codes are accepted one step early), else it waits
 * on the clock for the next step, as a person would. A test clock set back in time leaves a
 * "last used" step in a future that did not happen; that memory is cleared.
 */
export async function loginWithTotp(t: TestApp, loginId: string, password: string, secret: string): Promise<string> {
  const res = await t.app.request('/api/staff/login', jsonRequest('POST', { loginId, password }));
  if (res.status !== 200) throw new Error(`login failed with ${res.status}`);
  const pending = sessionCookie(res);
  const row = await t.db.selectFrom('staff_account').select(['id', 'totp_last_step']).where('login_id', '=', loginId).executeTakeFirstOrThrow();
  const now = totpStep(t.clock.now());
  const last = row.totp_last_step;
  let step = now;
  if (last !== null && last >= now) {
    if (last === now) step = now + 1;
    else if (last === now + 1) {
      t.clock.advance(TOTP_STEP_SECONDS * 1000);
      step = now + 2;
    } else await t.db.updateTable('staff_account').set({ totp_last_step: null }).where('id', '=', row.id).execute();
  }
  const code = hotp(base32Decode(secret), step);
  const second = await t.app.request(
    '/api/staff/auth/totp',
    jsonRequest('POST', { code }, { cookie: pending }),
  );
  if (second.status !== 204) throw new Error(`second factor failed with ${second.status}`);
  return sessionCookie(second);
}
