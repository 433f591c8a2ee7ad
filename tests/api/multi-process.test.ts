import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreeToAll } from '../../src/domain/consent/consent.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import type { RegistrationOutcomeDto, StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import { base32Decode, hotp, totpStep } from '../../src/server/staff/totp.ts';
import { testDatabaseUrl } from './support/test-app.ts';

/**
 * Issue 17 #5: several server processes over one database, everything shared through it. Two real
 * `node src/server/main.ts` processes on one PostgreSQL database in the PostgreSQL lane (on one
 * SQLite file in `npm test`, the set-up of a server with the institution CLI beside it):
 * - a registration started on one and answered by the card app on the other advances the
 *   tablet, which polls the first, within 2 s;
 * - a staff login on one is valid on the other;
 * - rate limits count the requests of both.
 * README "Several processes" says how to run them behind a proxy.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/server/main.ts');
const PASSWORD = 'multi-process-password-1';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const LINK_TOKEN = 'multi-process-link-token-0001';
/** Neither process's own address: the proxy in front of both, as the browser would name it. */
const PUBLIC_URL = 'http://clinic.example';

interface Server {
  url: string;
  child: ChildProcess;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-multi-'));
let database: Awaited<ReturnType<typeof testDatabaseUrl>>;
let a: Server;
let b: Server;

/** One process: the same data directory (the keyring and the card simulator's CA) and database. */
async function startServer(): Promise<Server> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATA_DIR: path.join(work, 'data'),
    STATIC_DIR: path.join(work, 'no-static'),
    PUBLIC_URL,
    DEMO_PASSWORD: PASSWORD,
    DEMO_TOTP_SECRET: TOTP_SECRET,
    DEMO_LINK_TOKEN: LINK_TOKEN,
    ...(database ? { DATABASE_URL: database.url } : {}),
  };
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start message: ${out}\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /is running at .*\(port (\d+),/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${out}\n${err}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function stop(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

async function post(server: Server, pathname: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: PUBLIC_URL, ...headers },
    body: JSON.stringify(body),
  });
}

function cookieOf(res: Response): string {
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error(`no session cookie (status ${res.status})`);
  return cookie.split(';')[0]!;
}

beforeAll(async () => {
  database = await testDatabaseUrl(path.join(work, 'data'));
  // Started together, as an operator starts them: both migrate and seed the same database.
  [a, b] = await Promise.all([startServer(), startServer()]);
}, 120_000);

afterAll(async () => {
  await Promise.all([stop(a), stop(b)]);
  await database?.drop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('issue 17 #5: two server processes over one database', () => {
  it('a registration started on one and answered on the other advances the tablet on the first within 2 s', async () => {
    const device = crypto.randomUUID();
    const started = await post(a, '/api/public/registrations', {
      linkToken: LINK_TOKEN,
      visitType: 'homeVisit',
      arrival: 'link',
      choices: agreeToAll(),
      prescriptionForm: 'electronic',
      handoffPath: 'crossDevice',
    }, { 'x-device-id': device });
    expect(started.status, await started.clone().text()).toBe(201);
    const reg = (await started.json()) as StartRegistrationResponse;
    // The card app: the simulated card signs (through the first process's simulator), and its
    // answer reaches the second process.
    const signed = await post(a, '/sim/api/cards/card-01/sign', { pin: DEMO_PIN, challengeId: reg.challenge.challengeId, nonce: reg.challenge.nonce });
    expect(signed.status).toBe(200);
    const answered = await post(b, '/api/handoff', await signed.json());
    expect(answered.status, await answered.clone().text()).toBe(200);
    // The tablet polls the process it started on.
    const deadline = Date.now() + 2000;
    let status = '';
    while (Date.now() < deadline) {
      const res = await fetch(`${a.url}/api/public/registrations/${reg.registrationId}`, { headers: { authorization: `Bearer ${reg.accessToken}` } });
      status = ((await res.json()) as RegistrationOutcomeDto).status;
      if (status === 'completed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe('completed');
  });

  it('a staff login on one process is valid on the other, and a logout on the other ends it on the first', async () => {
    const first = await post(a, '/api/staff/login', { loginId: 'demo-clerk', password: PASSWORD });
    expect(first.status).toBe(200);
    const pending = cookieOf(first);
    // The second factor on the other process.
    const code = hotp(base32Decode(TOTP_SECRET), totpStep(new Date()));
    const second = await post(b, '/api/staff/auth/totp', { code }, { cookie: pending });
    expect(second.status, await second.clone().text()).toBe(204);
    const session = cookieOf(second);
    for (const server of [a, b]) {
      const me = await fetch(`${server.url}/api/staff/me`, { headers: { cookie: session } });
      expect(me.status).toBe(200);
    }
    expect((await post(b, '/api/staff/logout', {}, { cookie: session })).status).toBeLessThan(300);
    const after = await fetch(`${a.url}/api/staff/me`, { headers: { cookie: session } });
    expect(after.status).toBe(401);
  });

  it('rate limits count the requests of both processes', async () => {
    // Failed logins per login id: 10 per 15 minutes (an unknown id, so no account gets locked).
    const loginId = `nobody-${crypto.randomUUID().slice(0, 8)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await post(i % 2 === 0 ? a : b, '/api/staff/login', { loginId, password: 'wrong-password' });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
