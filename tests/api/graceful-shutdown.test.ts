import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReadinessResponse } from '../../src/domain/shared/api.ts';
import { SQLITE_FILE_NAME } from '../../src/server/db/database.ts';
import { createLifecycle } from '../../src/server/lifecycle/lifecycle.ts';
import { declarationBody, DEMO_LINK_TOKEN, freePort, prepareDataDir, registrationBody, simDataDirOf, sleep, startServer, type ServerHandle } from '../bench/support.ts';

/**
 * Issue 20 #4: SIGTERM stops accepting at once, answers what it received (within
 * SHUTDOWN_DEADLINE_MS), commits and closes the database and exits 0; readiness is 503 while
 * draining and while starting; past the deadline the requests are cut, counted in the log, and the
 * exit code is 1. The real server (`node src/server/main.ts`, card simulator on as in a demo start)
 * in its own process, on SQLite.
 */

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-graceful-'));
afterAll(() => {
  for (const dir of fs.readdirSync(work)) fs.rmSync(path.join(work, dir), { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

/** One HTTP/1.1 exchange over a raw socket, sent in parts, so a request can be left half-sent. */
function rawExchange(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString('utf8')));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return {
    async send(...parts: Array<string | Buffer>) {
      await connected;
      for (const part of parts) await new Promise<void>((resolve) => socket.write(part, () => resolve()));
    },
    /** The whole answer (the server closes the connection after it while draining). */
    closed,
    received: () => received,
  };
}

function parseResponse(raw: string): { status: number; headers: Map<string, string>; body: string } {
  const [head = '', body = ''] = raw.split('\r\n\r\n', 2);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/** A declaration whose content differs from the others (the registry keeps each as sent). */
function distinctDeclaration(id: string, n: number): string {
  const form = JSON.parse(declarationBody(DEMO_LINK_TOKEN, id)) as Record<string, unknown>;
  form.phone = `090-${String(1000 + (n % 9000))}-${String(n).padStart(4, '0').slice(-4)}`;
  form.address = `東京都千代田区霞が関１－２－２ ${n}号`;
  return JSON.stringify(form);
}

/** Whether a TCP connection to the port is refused now. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

async function exitCode(server: ServerHandle): Promise<number | null> {
  if (server.child.exitCode === null && server.child.signalCode === null) await new Promise((resolve) => server.child.once('exit', resolve));
  return server.child.exitCode;
}

/** The simulator's process: the server's child (read from /proc, Linux). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isConnectionError(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } }).cause;
  return err instanceof TypeError && ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'].includes(cause?.code ?? '');
}

const inOwnProcess = describe.skipIf(Boolean(process.env.DATABASE_URL));

inOwnProcess('issue 20 #4: graceful shutdown of the real server', () => {
  it('SIGTERM under a load of writes: every request is answered whole or never accepted, readiness is 503 while draining, every acknowledged write is there after a restart, exit code 0', async () => {
    const dataDir = path.join(work, 'load');
    await prepareDataDir(dataDir, 0, false);
    const port = await freePort();
    const env = { LOG_LEVEL: 'silent', DATABASE_URL: '', HOST: '127.0.0.1', SHUTDOWN_DEADLINE_MS: '15000' };
    const server = await startServer({ dataDir, port, env });
    const url = server.url;
    expect(((await (await fetch(`${url}/api/health/ready`)).json()) as ReadinessResponse).status).toBe('ready');
    expect((await fetch(`${url}/api/health/live`)).status).toBe(200);
    const simulators = childPids(server.child.pid!);
    expect(simulators.length).toBeGreaterThan(0);

    // Two requests in flight across the signal: a declaration with half its body sent, and a
    // readiness check with its head not yet ended.
    const heldId = randomUUID();
    const heldBody = Buffer.from(distinctDeclaration(heldId, 99_999));
    const held = rawExchange(port);
    await held.send(
      `POST /api/public/declarations HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nX-Device-Id: ${randomUUID()}\r\nContent-Length: ${heldBody.length}\r\n\r\n`,
      heldBody.subarray(0, 100),
    );
    const readiness = rawExchange(port);
    await readiness.send(`GET /api/health/ready HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);

    // The load: registrations and declarations from six clients until the server goes away.
    const acknowledged = { registrations: new Set<string>(), declarations: new Set<string>() };
    const notAccepted = { devices: new Set<string>(), declarations: new Set<string>() };
    const problems: string[] = [];
    let signalled = false;
    const stop = { now: false };
    async function client(n: number): Promise<void> {
      for (let i = 0; !stop.now; i++) {
        const declaration = (i + n) % 2 === 0;
        const id = randomUUID();
        const device = randomUUID();
        const body = declaration ? distinctDeclaration(id, n * 10_000 + i) : registrationBody(DEMO_LINK_TOKEN);
        let res: Response;
        try {
          res = await fetch(`${url}/api/public/${declaration ? 'declarations' : 'registrations'}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-device-id': device },
            body,
          });
        } catch (err) {
          // Refused or reset before an answer began: allowed only once the server was told to stop.
          if (!signalled || !isConnectionError(err)) problems.push(`request failed: ${String((err as { cause?: unknown }).cause ?? err)}`);
          if (declaration) notAccepted.declarations.add(id);
          else notAccepted.devices.add(device);
          return;
        }
        let text: string;
        try {
          text = await res.text();
        } catch (err) {
          problems.push(`an answer was cut off after it began (${res.status}): ${String(err)}`);
          return;
        }
        if (res.status !== 201 && res.status !== 200) problems.push(`answered ${res.status}: ${text.slice(0, 200)}`);
        else if (declaration) acknowledged.declarations.add(id);
        else acknowledged.registrations.add((JSON.parse(text) as { registrationId: string }).registrationId);
      }
    }
    const clients = Array.from({ length: 6 }, (_, n) => client(n));
    await sleep(800);
    signalled = true;
    server.child.kill('SIGTERM');

    // New connections are refused at once (the listening socket is closed)…
    let refusedAt = Date.now() + 3000;
    while (!(await refused(port))) {
      if (Date.now() > refusedAt) throw new Error('the server still accepts connections 3 s after SIGTERM');
      await sleep(5);
    }
    refusedAt = Date.now();
    // …while the requests it had received are answered: the readiness check says draining…
    await readiness.send('\r\n');
    const ready = parseResponse(await readiness.closed);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'draining' });
    expect(ready.headers.get('connection')).toBe('close');
    // …and the half-sent declaration, completed now, is accepted and committed.
    await held.send(heldBody.subarray(100));
    const heldAnswer = parseResponse(await held.closed);
    expect(heldAnswer.status).toBe(201);
    expect(heldAnswer.headers.get('connection')).toBe('close');

    stop.now = true;
    await Promise.all(clients);
    expect(await exitCode(server)).toBe(0);
    expect(problems).toEqual([]);
    expect(acknowledged.registrations.size + acknowledged.declarations.size).toBeGreaterThan(10);
    // The card simulator's process was stopped with the server.
    for (let waited = 0; simulators.some(alive) && waited < 3000; waited += 50) await sleep(50);
    expect(simulators.filter(alive)).toEqual([]);

    // A restart finds every acknowledged write, and none of the writes that were never accepted.
    const again = await startServer({ dataDir, port, env });
    expect((await fetch(`${again.url}/api/health/ready`)).status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await exitCode(again)).toBe(0);
    const sqlite = new DatabaseSync(path.join(dataDir, SQLITE_FILE_NAME), { readOnly: true });
    try {
      const registrations = sqlite.prepare('SELECT id, device_id FROM registration').all() as Array<{ id: string; device_id: string | null }>;
      const declarations = new Set((sqlite.prepare('SELECT id FROM declaration').all() as Array<{ id: string }>).map((r) => r.id));
      const registrationIds = new Set(registrations.map((r) => r.id));
      const devices = new Set(registrations.map((r) => r.device_id));
      expect([...acknowledged.registrations].filter((id) => !registrationIds.has(id))).toEqual([]);
      expect([...acknowledged.declarations].filter((id) => !declarations.has(id))).toEqual([]);
      expect(declarations.has(heldId)).toBe(true);
      expect([...notAccepted.declarations].filter((id) => declarations.has(id))).toEqual([]);
      expect([...notAccepted.devices].filter((d) => devices.has(d))).toEqual([]);
      expect((sqlite.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
    } finally {
      sqlite.close();
    }
    fs.rmSync(simDataDirOf(dataDir), { recursive: true, force: true });
  }, 60_000);

  it('past SHUTDOWN_DEADLINE_MS the open requests are cut, counted in the log, and the exit code is 1; what was cut is not written', async () => {
    const dataDir = path.join(work, 'deadline');
    await prepareDataDir(dataDir, 0, false);
    const port = await freePort();
    const server = await startServer({ dataDir, port, env: { LOG_LEVEL: 'info', DATABASE_URL: '', CARD_SIMULATOR: 'off', CARD_TRUST_ANCHORS: path.join(simDataDirOf(dataDir), 'ca-cert.pem'), CARD_CRL_SOURCES: path.join(simDataDirOf(dataDir), 'crl.pem'), SHUTDOWN_DEADLINE_MS: '400' } });
    let stderr = '';
    server.child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const id = randomUUID();
    const body = Buffer.from(distinctDeclaration(id, 1));
    const held = rawExchange(port);
    await held.send(
      `POST /api/public/declarations HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nX-Device-Id: ${randomUUID()}\r\nContent-Length: ${body.length}\r\n\r\n`,
      body.subarray(0, 50),
    );
    await sleep(100);
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    expect(await exitCode(server)).toBe(1);
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(350);
    // Cut before any byte of an answer.
    expect(await held.closed).toBe('');
    const line = stderr.split('\n').find((l) => l.includes('"shutdown_deadline_passed"'));
    expect(line && (JSON.parse(line) as { requestsCut: number }).requestsCut).toBe(1);
    const sqlite = new DatabaseSync(path.join(dataDir, SQLITE_FILE_NAME), { readOnly: true });
    try {
      expect(sqlite.prepare('SELECT id FROM declaration WHERE id = ?').get(id)).toBeUndefined();
    } finally {
      sqlite.close();
    }
  }, 30_000);
});

describe('issue 20 #4: readiness while starting (in-process lifecycle)', () => {
  it('before the app is handed over only liveness answers 200; readiness is 503 (starting); after it, the app answers; a shutdown then drains and resolves 0', async () => {
    const codes: number[] = [];
    const lifecycle = createLifecycle({ deadlineMs: 2000, exit: (code) => codes.push(code) });
    const port = await lifecycle.listen(0);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/api/health/live`)).status).toBe(200);
    const starting = await fetch(`${base}/api/health/ready`);
    expect(starting.status).toBe(503);
    expect(starting.headers.get('retry-after')).not.toBeNull();
    expect(await starting.json()).toEqual({ status: 'starting' });
    expect((await fetch(`${base}/api/public/declarations`, { method: 'POST', body: '{}' })).status).toBe(503);
    let closedDatabase = false;
    let loopStopped = false;
    lifecycle.serve(() => new Response(JSON.stringify({ served: true }), { headers: { 'content-type': 'application/json' } }), {
      loops: [{ name: 'test-loop', stop: () => void (loopStopped = true) }],
      closeDatabase: async () => void (closedDatabase = true),
      finally: [],
    });
    expect(lifecycle.phase()).toBe('ready');
    expect(await (await fetch(`${base}/anything`)).json()).toEqual({ served: true });
    expect(await lifecycle.shutdown('test')).toBe(0);
    expect(lifecycle.phase()).toBe('draining');
    expect(loopStopped && closedDatabase).toBe(true);
    expect(await refused(port)).toBe(true);
  });
});
