import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, StaffMeResponse } from '../../src/domain/shared/api.ts';
import type { StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import { agreeToAll } from '../../src/domain/consent/consent.ts';
import { readConfig } from '../../src/server/config.ts';
import { signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { createCa, ensureTestCa } from '../../src/server/national/embedded/test-ca.ts';
import { resolveCardTrustSources, StartupRefusedError } from '../../src/server/national/trust-config.ts';
import { createTestApp, jsonRequest, loginAsDemo, TestClock } from './support/test-app.ts';

/**
 * Issue 12 #3 (trust comes from configuration; demo and production modes; the simulator in its
 * own process and directory) and #14 (no demo credentials in the start log).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/server/main.ts');
const DEVICE = '5f0c2a9e-7b3d-4e8a-9c6f-0d2f4b6a8e10';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-app-mode-'));
/** A CA that is not the demo one, standing in for a real card CA. */
let otherCaFile: string;
/** The demo CA as the simulator keeps it in its own directory. */
let demoSimDir: string;

beforeAll(async () => {
  const ca = await createCa({ now: new Date(), name: 'CN=Production Card Test CA, O=Test, C=JP', algorithm: 'EC' });
  otherCaFile = path.join(work, 'card-ca.pem');
  fs.writeFileSync(otherCaFile, ca.certPem);
  demoSimDir = path.join(work, 'demo-card-sim');
  await ensureTestCa(demoSimDir, new Date());
}, 60_000);
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

interface Started {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the server got as far as its "is running" message. */
  port: number | null;
  kill(): Promise<void>;
}

/**
 * Runs `node src/server/main.ts` with only the given settings (on top of PATH and HOME) until it
 * exits or prints its start message.
 */
async function startMain(env: Record<string, string>, timeoutMs = 60_000): Promise<Started> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', PORT: '0', STATIC_DIR: path.join(work, 'no-static'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = new Promise<number>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /is running at .*\(port (\d+),[^\n]*\n[\s\S]*\n\n/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
  });
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  const first = await Promise.race([exited.then((code) => ({ code })), running.then((port) => ({ port })), timeout]);
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  if (first === 'timeout') {
    await kill();
    throw new Error(`main.ts neither started nor exited: ${stdout}\n${stderr}`);
  }
  return { code: 'code' in first ? first.code : null, stdout, stderr, port: 'port' in first ? first.port : null, kill };
}

function productionEnv(extra: Record<string, string> = {}): Record<string, string> {
  const dataDir = fs.mkdtempSync(path.join(work, 'prod-'));
  return { APP_MODE: 'production', DATA_DIR: dataDir, SIM_DATA_DIR: demoSimDir, ...extra };
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/**
 * The servers these tests start get only the settings each test gives (`startMain`: no
 * DATABASE_URL), so they run on SQLite in either lane. The PostgreSQL lane skips them rather than
 * run the same processes again (declared in tests/skips.ts).
 */
const inOwnProcess = describe.skipIf(Boolean(process.env.DATABASE_URL));

inOwnProcess('issue 12 #3: production mode refuses an unsafe card trust set', () => {
  it('issue 12 #3: production mode with the demo CA among the trust anchors refuses to start', async () => {
    const started = await startMain(productionEnv({ CARD_TRUST_ANCHORS: `${otherCaFile},${path.join(demoSimDir, 'ca-cert.pem')}` }));
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('Refusing to start in production mode');
    expect(started.stderr).toContain('the demo CA is among the configured card CAs');
    // Before anything is opened: no database in the data directory.
    expect(started.stdout).not.toContain('is running at');
  }, 60_000);

  it('issue 12 #3: a CA with the demo CA\'s name (another key) is refused too, also as an intermediate', async () => {
    const impostor = await createCa({ now: new Date(), algorithm: 'EC' });
    const file = path.join(work, 'impostor.pem');
    fs.writeFileSync(file, impostor.certPem);
    const started = await startMain(productionEnv({ CARD_TRUST_ANCHORS: otherCaFile, CARD_INTERMEDIATES: file }));
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('the demo CA is among the configured card CAs');
  }, 60_000);

  it('issue 12 #3: production mode with the card simulator on refuses to start', async () => {
    const started = await startMain(productionEnv({ CARD_TRUST_ANCHORS: otherCaFile, CARD_SIMULATOR: 'on' }));
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('the card-app simulator is on');
  }, 60_000);

  it('issue 12 #3: production mode without a trust anchor refuses to start', async () => {
    const started = await startMain(productionEnv());
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('no card trust anchor is configured (CARD_TRUST_ANCHORS)');
  }, 60_000);

  it('issue 12 #3: an unreadable anchor file is named in the refusal', async () => {
    const started = await startMain(productionEnv({ CARD_TRUST_ANCHORS: path.join(work, 'missing.pem') }));
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('CARD_TRUST_ANCHORS: cannot read');
  }, 60_000);

  it('issue 12 #3: production mode with a configured anchor starts, without the simulator or its API', async () => {
    const env = productionEnv({ CARD_TRUST_ANCHORS: otherCaFile, SIM_DATA_DIR: path.join(work, 'prod-sim-unused') });
    const started = await startMain(env);
    try {
      expect(started.port, started.stderr).not.toBeNull();
      expect(started.stdout).toContain('production mode');
      expect(started.stdout).not.toContain('DEMO MODE');
      const health = await fetch(`http://127.0.0.1:${started.port}/api/health`);
      expect(health.status).toBe(200);
      // No card API: the path falls through to the app shell (503 here, with no built app).
      const sim = await fetch(`http://127.0.0.1:${started.port}/sim/api/cards`);
      expect(sim.status).not.toBe(200);
      expect(await sim.text()).not.toContain('card-01');
      // No simulator was started: its directory was never created, and no demo data was seeded.
      expect(fs.existsSync(env.SIM_DATA_DIR!)).toBe(false);
      expect(fs.existsSync(path.join(env.DATA_DIR!, 'demo-login.txt'))).toBe(false);
      // Issue 21 #2: PUBLIC_URL defaults to http://localhost…: production warns that it needs HTTPS.
      expect(started.stderr).toMatch(/WARNING: PUBLIC_URL \(http:\/\/localhost:0\) is not https\. Production requires HTTPS/);
    } finally {
      await started.kill();
    }
    // Behind TLS (an https PUBLIC_URL) there is no such warning.
    const behindTls = await startMain(productionEnv({ CARD_TRUST_ANCHORS: otherCaFile, SIM_DATA_DIR: path.join(work, 'prod-sim-unused'), PUBLIC_URL: 'https://clinic.example' }));
    try {
      expect(behindTls.port, behindTls.stderr).not.toBeNull();
      expect(behindTls.stderr).not.toMatch(/not https/);
    } finally {
      await behindTls.kill();
    }
  }, 60_000);
});

describe('issue 12 #3: the card trust set follows the mode', () => {
  const demoCa = () => ({ caCertPem: fs.readFileSync(path.join(demoSimDir, 'ca-cert.pem'), 'utf8'), crlUrl: path.join(demoSimDir, 'crl.pem') });

  it('issue 12 #3: demo mode trusts the running simulator\'s CA and its CRL; CARD_SIMULATOR=off removes that trust', () => {
    const demo = readConfig({ DATA_DIR: path.join(work, 'demo-data') });
    expect(demo.appMode).toBe('demo');
    expect(demo.cardSimulator).toBe(true);
    expect(demo.simDataDir).toBe(`${path.join(work, 'demo-data')}-card-sim`);
    const withSim = resolveCardTrustSources(demo, demoCa());
    expect(withSim.anchorPems).toEqual([demoCa().caCertPem]);
    expect(withSim.crlSources).toEqual([demoCa().crlUrl]);

    // Simulator off: only what is configured, and nothing configured is a refusal.
    const off = readConfig({ DATA_DIR: path.join(work, 'demo-data'), CARD_SIMULATOR: 'off', CARD_TRUST_ANCHORS: otherCaFile });
    const sources = resolveCardTrustSources(off, null);
    expect(sources.anchorPems).toEqual([fs.readFileSync(otherCaFile, 'utf8').trim()]);
    expect(sources.anchorPems.join('')).not.toContain(demoCa().caCertPem.trim());
    expect(() => resolveCardTrustSources(readConfig({ CARD_SIMULATOR: 'off' }), null)).toThrow(StartupRefusedError);
  });

  it('issue 12 #3: the settings are read with their defaults', () => {
    const config = readConfig({
      APP_MODE: 'production',
      CARD_TRUST_ANCHORS: ` ${otherCaFile} , `,
      CARD_CRL_SOURCES: 'https://crl.example/jpki.crl,/etc/zaitaku/local.crl',
      CARD_POLICY_OID: '1.2.392.200149.8.5.1.3.10',
    });
    expect(config.cardSimulator).toBe(false);
    expect(config.cardTrust).toEqual({
      anchorFiles: [otherCaFile],
      intermediateFiles: [],
      crlSources: ['https://crl.example/jpki.crl', '/etc/zaitaku/local.crl'],
      crlGraceHours: 24,
      crlRefreshMinutes: 60,
      policyOid: '1.2.392.200149.8.5.1.3.10',
    });
    const sources = resolveCardTrustSources(config, null);
    expect(sources.crlGraceMs).toBe(24 * 3600_000);
    expect(sources.crlRefreshMs).toBe(3600_000);
    expect(() => readConfig({ APP_MODE: 'staging' })).toThrow(/APP_MODE/);
    expect(() => readConfig({ CARD_SIMULATOR: 'maybe' })).toThrow(/CARD_SIMULATOR/);
  });

  it('issue 12 #3: in production mode a card signed by the demo CA is refused (certificate_untrusted)', async () => {
    const config = { ...readConfig({ APP_MODE: 'production', CARD_TRUST_ANCHORS: otherCaFile }), cardSimulator: false };
    const t = await createTestApp({ config, trust: resolveCardTrustSources(config, null), clock: new TestClock(new Date().toISOString()) });
    try {
      const body = {
        linkToken: t.demo.institution.link_token,
        visitType: 'homeVisit',
        arrival: 'link',
        choices: agreeToAll(),
        prescriptionForm: 'electronic',
        handoffPath: 'crossDevice',
      };
      const started = await t.app.request('/api/public/registrations', jsonRequest('POST', body, { 'x-device-id': DEVICE }));
      expect(started.status).toBe(201);
      const reg = (await started.json()) as StartRegistrationResponse;
      // A genuine demo card, signed with its key from the demo CA.
      const answer = await signChallenge(t.db, t.cardSim, { cardId: 'card-01', pin: DEMO_PIN, ...reg.challenge, now: t.clock.now() });
      const res = await t.app.request('/api/handoff', jsonRequest('POST', answer));
      expect(res.status).toBe(422);
      expect(((await res.json()) as ApiErrorBody).error.code).toBe('certificate_untrusted');
      const consents = await t.db.selectFrom('consent').select('id').execute();
      expect(consents).toHaveLength(0);
      const cookie = await loginAsDemo(t);
      const me = (await (await t.app.request('/api/staff/me', { headers: { cookie } })).json()) as StaffMeResponse;
      expect(me.appMode).toBe('production');
    } finally {
      await t.close();
    }
  }, 60_000);

  it('issue 12 #3: the staff console learns the mode from /api/staff/me', async () => {
    const t = await createTestApp();
    try {
      const cookie = await loginAsDemo(t);
      const me = (await (await t.app.request('/api/staff/me', { headers: { cookie } })).json()) as StaffMeResponse;
      expect(me.appMode).toBe('demo');
    } finally {
      await t.close();
    }
  }, 60_000);
});

inOwnProcess('issue 12 #3 / #14: a demo start', () => {
  it('issue 12 #3: the simulator runs in its own process and directory: the reception\'s data holds no private key; key files 0600, directory 0700', async () => {
    const dataDir = path.join(work, 'demo-start', 'data');
    const started = await startMain({ DATA_DIR: dataDir });
    try {
      expect(started.port, started.stderr).not.toBeNull();
      expect(started.stdout).toContain('DEMO MODE');
      // The card-app page's API is reached on the reception's origin and answered by the simulator.
      const cards = await fetch(`http://127.0.0.1:${started.port}/sim/api/cards`);
      expect(cards.status).toBe(200);
      expect(((await cards.json()) as { cards: unknown[] }).cards.length).toBeGreaterThan(0);

      const simDir = `${dataDir}-card-sim`;
      for (const file of filesUnder(dataDir)) {
        expect(fs.readFileSync(file).includes('PRIVATE KEY'), file).toBe(false);
      }
      const simKeys = filesUnder(simDir).filter((file) => fs.readFileSync(file).includes('PRIVATE KEY'));
      expect(simKeys.map((file) => path.relative(simDir, file))).toContain('ca-key.pem');
      for (const file of simKeys) expect(fs.statSync(file).mode & 0o777, file).toBe(0o600);
      expect(fs.statSync(simDir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(simDir, 'cards')).mode & 0o777).toBe(0o700);

      // #14: the generated credentials are in the 0600 file, and the start message only names it.
      const loginFile = path.join(dataDir, 'demo-login.txt');
      const [, password, totpSecret] = fs.readFileSync(loginFile, 'utf8').split('\n');
      expect(password!.length).toBeGreaterThan(8);
      expect(totpSecret!.length).toBeGreaterThan(8);
      expect(fs.statSync(loginFile).mode & 0o777).toBe(0o600);
      expect(started.stdout).toContain(loginFile);
      expect(started.stdout).not.toContain(password!);
      expect(started.stdout).not.toContain(totpSecret!);
      expect(started.stderr).not.toContain(password!);
      expect(started.stderr).not.toContain(totpSecret!);
    } finally {
      await started.kill();
    }
  }, 90_000);

  it('issue 12 #14: stdout of a demo start holds neither the demo password nor the TOTP secret', async () => {
    const password = 'issue12-demo-password-7f3a';
    const totpSecret = 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA';
    const started = await startMain({ DATA_DIR: path.join(work, 'demo-fixed', 'data'), DEMO_PASSWORD: password, DEMO_TOTP_SECRET: totpSecret });
    try {
      expect(started.port, started.stderr).not.toBeNull();
      expect(started.stdout).toContain('Demo staff login: demo-admin');
      expect(started.stdout).not.toContain(password);
      expect(started.stdout).not.toContain(totpSecret);
      expect(started.stderr).not.toContain(password);
      expect(started.stderr).not.toContain(totpSecret);
    } finally {
      await started.kill();
    }
  }, 90_000);
});
