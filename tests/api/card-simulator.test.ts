import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import type { SimCardListResponse } from '../../src/domain/registration/card-simulator.ts';
import { CHALLENGE_TTL_MS, type HandoffResponse } from '../../src/domain/registration/handoff.ts';
import { verifyHandoffResponse } from '../../src/server/handoff/verify-response.ts';
import type { AppEnv } from '../../src/server/http/app-env.ts';
import { handleError } from '../../src/server/http/errors.ts';
import { requestLog } from '../../src/server/http/logger.ts';
import { createCardTrust } from '../../src/server/national/card-trust.ts';
import { createCardSimulatorRoutes } from '../../src/server/national/embedded/card-simulator/card-sim.routes.ts';
import { getCardState } from '../../src/server/national/embedded/card-simulator/card-sim.repository.ts';
import { resetCard, signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { cardHolderMap, DEMO_CARDS, DEMO_PIN } from '../../src/server/national/embedded/card-simulator/demo-cards.ts';
import { ensureTestCa, type TestCaMaterial } from '../../src/server/national/embedded/test-ca.ts';
import { openDatabase } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { jsonRequest, TestClock } from './support/test-app.ts';

const WRONG_PIN = '8642';
const caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-test-ca-'));
let material: TestCaMaterial;
let t: SimDb;

/**
 * A migrated database in its own data directory, opened as main.ts does. (Not createTestApp: the
 * simulator needs no reception app, and this suite must not depend on how it is wired.)
 */
async function openSimDb(dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-sim-'))) {
  const opened = openDatabase({ dataDir, databaseUrl: undefined });
  await migrateToLatest(opened.db);
  return {
    db: opened.db,
    clock: new TestClock(),
    async close(removeData = true) {
      await opened.db.destroy();
      if (removeData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
type SimDb = Awaited<ReturnType<typeof openSimDb>>;

beforeAll(async () => {
  material = await ensureTestCa(caDir, new TestClock().now());
  t = await openSimDb();
});
afterAll(async () => {
  await t.close();
  fs.rmSync(caDir, { recursive: true, force: true });
});

/** The reception's trust in the demo PKI: the test CA as anchor, its CRL file as revocation source. */
function demoTrust() {
  return createCardTrust({ anchorPems: [material.caCertPem], intermediatePems: [], crlSources: [material.crlFile], crlGraceMs: 0, crlRefreshMs: 0 });
}

/** The simulator routes as the lead mounts them, over a test database and clock. */
function simApp(app: SimDb) {
  return new Hono<AppEnv>()
    .use(requestLog())
    .use(async (c, next) => {
      c.set('db', app.db);
      c.set('dialect', 'sqlite');
      c.set('now', app.clock.now);
      await next();
    })
    .route('/sim/api', createCardSimulatorRoutes(material))
    .onError(handleError);
}

function newChallenge(now: Date) {
  return {
    challengeId: crypto.randomUUID(),
    nonce: crypto.randomBytes(32).toString('base64url'),
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
    usedAt: null,
  };
}

async function sign(app: SimDb, cardId: string, pin: string, challenge = newChallenge(app.clock.now())) {
  const res = await simApp(app).request(
    `/sim/api/cards/${cardId}/sign`,
    jsonRequest('POST', { pin, challengeId: challenge.challengeId, nonce: challenge.nonce }),
  );
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as HandoffResponse & ApiErrorBody, challenge };
}

describe('demo PKI', () => {
  it('is created once and loaded from disk afterwards; private keys are readable by the owner only', async () => {
    const again = await ensureTestCa(caDir, new TestClock().now());
    expect(again.caCertPem).toBe(material.caCertPem);
    expect(again.crlPem).toBe(material.crlPem);
    expect(again.cards.get('card-01')!.certPem).toBe(material.cards.get('card-01')!.certPem);
    expect(again.cards.size).toBe(DEMO_CARDS.length);
    for (const file of ['ca-key.pem', 'cards/card-01.key.pem']) {
      expect(fs.statSync(path.join(caDir, file)).mode & 0o777).toBe(0o600);
    }
  });

  it('R2: a card not registered for insurance use maps to nobody; every certificate serial is unique', () => {
    const holders = cardHolderMap();
    const unregistered = DEMO_CARDS.find((card) => card.kind === 'notRegistered')!;
    expect(holders.has(unregistered.certSerial)).toBe(false);
    expect(holders.get(DEMO_CARDS.find((card) => card.id === 'card-01')!.certSerial)).toBe('p01');
    expect(new Set(DEMO_CARDS.map((card) => card.certSerial)).size).toBe(DEMO_CARDS.length);
  });
});

describe('card simulator API', () => {
  it('GET /cards lists every demo card without the PIN or the card holder', async () => {
    const res = await simApp(t).request('/sim/api/cards');
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as SimCardListResponse;
    expect(body.cards.map((card) => card.id)).toEqual(DEMO_CARDS.map((card) => card.id));
    for (const card of body.cards) expect(Object.keys(card).sort()).toEqual(['attemptsRemaining', 'id', 'kind', 'label', 'locked']);
    expect(body.cards.find((card) => card.id === 'card-01')).toMatchObject({ locked: false, attemptsRemaining: 3 });
    expect(body.cards.find((card) => card.id === 'card-face')).toMatchObject({ kind: 'faceAuthOnly', attemptsRemaining: null });
    expect(text).not.toContain(DEMO_PIN);
    expect(text).not.toMatch(/"p\d\d"|"personId"|"pin"|"certSerial"/);
  });

  it('R6/P2: the right PIN signs the challenge, and the reception verifies it against the CA and CRL', async () => {
    const { status, body, challenge } = await sign(t, 'card-01', DEMO_PIN);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['certificate', 'challengeId', 'nonce', 'protocol', 'signature']);
    const trust = await demoTrust();
    const result = await verifyHandoffResponse({ response: body, challenge, trust, now: t.clock.now() });
    expect(result).toEqual({ ok: true, certificateSerial: DEMO_CARDS.find((card) => card.id === 'card-01')!.certSerial });
  });

  it('R6: the reception refuses the expired and the revoked demo cards', async () => {
    const trust = await demoTrust();
    for (const [cardId, rejection] of [
      ['card-expired', 'certificate_expired'],
      ['card-revoked', 'certificate_revoked'],
    ] as const) {
      const { status, body, challenge } = await sign(t, cardId, DEMO_PIN);
      expect(status).toBe(200);
      expect(await verifyHandoffResponse({ response: body, challenge, trust, now: t.clock.now() })).toEqual({ ok: false, rejection });
    }
  });

  it('validates the body: the PIN is exactly 4 digits, and the error does not echo it', async () => {
    for (const pin of ['12345', '12a4', '']) {
      const { status, body, text } = await sign(t, 'card-02', pin);
      expect(status).toBe(422);
      expect(body.error.code).toBe('validation_failed');
      if (pin) expect(text).not.toContain(pin);
    }
    expect((await getCardState(t.db, 'card-02')).failedPinAttempts).toBe(0);
  });

  it('refuses an unknown card', async () => {
    const { status, body } = await sign(t, 'card-99', DEMO_PIN);
    expect(status).toBe(404);
    expect(body.error.code).toBe('card_unknown');
  });

  it('R2: holding a face-auth-only card is refused before any PIN, with the reason; other cards answer for the PIN pad', async () => {
    const face = await simApp(t).request('/sim/api/cards/card-face');
    expect(face.status).toBe(409);
    const refused = (await face.json()) as ApiErrorBody;
    expect(refused.error.code).toBe('face_auth_only');
    expect(refused.error.message).toMatch(/face-authentication-only.*no PIN/);
    expect(await getCardState(t.db, 'card-face')).toEqual({ failedPinAttempts: 0, locked: false });

    // A card with a PIN is read as before: the PIN pad follows, and nothing is counted yet.
    const normal = await simApp(t).request('/sim/api/cards/card-02');
    expect(normal.status).toBe(200);
    expect(await normal.json()).toEqual({ id: 'card-02', label: expect.any(Object), kind: 'normal', locked: false, attemptsRemaining: 3 });
    // Other problems keep their real place: an expired certificate is found by the reception after the PIN.
    const expired = await simApp(t).request('/sim/api/cards/card-expired');
    expect(((await expired.json()) as { kind: string }).kind).toBe('expiredCertificate');
    expect((await simApp(t).request('/sim/api/cards/card-99')).status).toBe(404);
  });

  it('R2: a face-auth-only card is refused at signing too and no attempt is counted', async () => {
    const { status, body } = await sign(t, 'card-face', WRONG_PIN);
    expect(status).toBe(409);
    expect(body.error.code).toBe('face_auth_only');
    expect(body.error.message).toMatch(/face-authentication-only/);
    expect(await getCardState(t.db, 'card-face')).toEqual({ failedPinAttempts: 0, locked: false });
  });

  it('a correct PIN resets the wrong-PIN count', async () => {
    expect((await sign(t, 'card-03', WRONG_PIN)).body.error.attemptsRemaining).toBe(2);
    expect((await sign(t, 'card-03', WRONG_PIN)).body.error.attemptsRemaining).toBe(1);
    expect((await sign(t, 'card-03', DEMO_PIN)).status).toBe(200);
    expect((await sign(t, 'card-03', WRONG_PIN)).body.error.attemptsRemaining).toBe(2);
  });
});

describe('PIN lock (F7)', () => {
  it('F7: 3 wrong PINs lock the card, even the right PIN is then refused, and the lock survives a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-sim-lock-'));
    const first = await openSimDb(dataDir);
    for (const remaining of [2, 1, 0]) {
      const { status, body } = await sign(first, 'card-lock', WRONG_PIN);
      expect(status).toBe(401);
      expect(body.error.code).toBe('pin_incorrect');
      expect(body.error.attemptsRemaining).toBe(remaining);
    }
    const locked = await sign(first, 'card-lock', DEMO_PIN);
    expect(locked.status).toBe(423);
    expect(locked.body.error.code).toBe('card_locked');
    expect(locked.body.error.message).toMatch(/municipal office/);
    await first.close(false);

    const second = await openSimDb(dataDir);
    try {
      expect((await sign(second, 'card-lock', DEMO_PIN)).body.error.code).toBe('card_locked');
      const list = (await (await simApp(second).request('/sim/api/cards')).json()) as SimCardListResponse;
      expect(list.cards.find((card) => card.id === 'card-lock')).toMatchObject({ locked: true, attemptsRemaining: 0 });
      // Other cards are unaffected.
      expect((await sign(second, 'card-04', DEMO_PIN)).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('F7: resetCard (the municipal office) unlocks the card', async () => {
    for (let i = 0; i < 3; i++) await sign(t, 'card-05', WRONG_PIN);
    expect((await sign(t, 'card-05', DEMO_PIN)).body.error.code).toBe('card_locked');
    expect(await resetCard(t.db, 'card-05')).toBe(1);
    expect(await getCardState(t.db, 'card-05')).toEqual({ failedPinAttempts: 0, locked: false });
    expect((await sign(t, 'card-05', DEMO_PIN)).status).toBe(200);
    await expect(resetCard(t.db, 'card-99')).rejects.toMatchObject({ code: 'card_unknown' });
    await sign(t, 'card-06', WRONG_PIN);
    expect(await resetCard(t.db, 'all')).toBeGreaterThanOrEqual(1);
    expect(await getCardState(t.db, 'card-06')).toEqual({ failedPinAttempts: 0, locked: false });
  });

  it('the service can be called directly and signs with the card key', async () => {
    const challenge = newChallenge(t.clock.now());
    const response = await signChallenge(t.db, material, { cardId: 'card-07', pin: DEMO_PIN, ...challenge, now: t.clock.now() });
    expect(response.challengeId).toBe(challenge.challengeId);
    await expect(
      signChallenge(t.db, material, { cardId: 'card-07', pin: WRONG_PIN, ...challenge, now: t.clock.now() }),
    ).rejects.toMatchObject({ code: 'pin_incorrect', extra: { attemptsRemaining: 2 } });
  });
});

describe('P2: the PIN never leaks', () => {
  it('P2: no response body and no log line contains the PIN, right or wrong', async () => {
    const previous = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = '';
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const bodies: string[] = [];
    try {
      for (let i = 0; i < 4; i++) bodies.push((await sign(t, 'card-08', WRONG_PIN)).text);
      bodies.push((await sign(t, 'card-08', DEMO_PIN)).text);
      bodies.push((await sign(t, 'card-face', WRONG_PIN)).text);
      bodies.push((await sign(t, 'card-09', '98765')).text);
      const ok = await sign(t, 'card-09', DEMO_PIN);
      expect(ok.status).toBe(200);
      // The signature and certificate are computed, not echoed; check the rest of the body.
      bodies.push(JSON.stringify({ ...ok.body, signature: undefined, certificate: undefined }));
    } finally {
      out.mockRestore();
      err.mockRestore();
      process.env.LOG_LEVEL = previous;
    }
    expect(written.some((line) => line.includes('"event":"request"'))).toBe(true);
    for (const text of [...bodies, ...written]) {
      expect(text).not.toContain(WRONG_PIN);
      expect(text).not.toContain('98765');
      expect(text).not.toContain(DEMO_PIN);
    }
  });
});
