import { randomUUID, webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import { agreeToAll } from '../../src/domain/consent/consent.ts';
import type { DeclarationInboxResponse, DeclarationResponse } from '../../src/domain/declaration/declaration-api.ts';
import {
  base64url,
  normaliseEnrolmentCode,
  signedText,
  type DeviceEnrolmentResponse,
  type EnrolledDeviceDto,
  type EnrolmentCodeResponse,
} from '../../src/domain/staff/device-signature.ts';
import { guideOutcome } from '../../src/domain/fallback/fallback-walk.ts';
import type { DeviceListResponse } from '../../src/domain/institution/institution-api.ts';
import { scaledRateLimits } from '../../src/server/http/rate-limit-config.ts';
import { hashPassword } from '../../src/server/staff/password.ts';
import { createTestApp, jsonRequest, loginAs, loginWithTotp, TEST_TOTP_SECRET, type TestApp } from './support/test-app.ts';

/**
 * Issue 12 #15: devices the clinic trusts. A tablet is enrolled with a one-time code; it signs
 * with a non-extractable P-256 key (played here by node's WebCrypto); declarations it signs reach
 * the inbox as from an enrolled device, others are unverified and rate-limited per link; a
 * revoked key is refused whatever device id it sends.
 */

const HOUR = 60 * 60 * 1000;
const UNVERIFIED_LIMIT = 4;
const OTHER_LINK = 'other-clinic-link-for-device-trust';
const OTHER_LOGIN = 'other-device-clerk';
const OTHER_PASSWORD = 'other-password-1';
const subtle = webcrypto.subtle;

let t: TestApp;
let linkToken: string;

beforeAll(async () => {
  t = await createTestApp({ config: { rateLimits: { ...scaledRateLimits(1000), unverifiedDeclarationsPerLink: { limit: UNVERIFIED_LIMIT, windowMs: HOUR } } } });
  linkToken = t.demo.institution.link_token;
  const otherId = randomUUID();
  await t.db.insertInto('institution').values({ ...t.demo.institution, id: otherId, code: '1310000009', name: '別の診療所', link_token: OTHER_LINK }).execute();
  await t.db
    .insertInto('staff_account')
    .values({
      id: randomUUID(),
      institution_id: otherId,
      login_id: OTHER_LOGIN,
      display_name: '別の受付',
      role: 'clerk',
      password_hash: await hashPassword(OTHER_PASSWORD),
      created_at: '2026-11-22T01:00:00.000Z',
      totp_secret: TEST_TOTP_SECRET,
    })
    .execute();
}, 60_000);
afterAll(async () => {
  await t.close();
});

interface Reply<T> {
  status: number;
  text: string;
  body: T;
}

async function call<T = unknown>(path: string, init?: RequestInit): Promise<Reply<T>> {
  const res = await t.app.request(path, init);
  const text = await res.text();
  return { status: res.status, text, body: (text ? JSON.parse(text) : null) as T };
}

function errorCode(reply: Reply<unknown>): string | undefined {
  return (reply.body as ApiErrorBody | null)?.error?.code;
}

const clerkOf = (who: 'demo' | 'other') => (who === 'demo' ? loginAs(t, 'clerk') : loginWithTotp(t, OTHER_LOGIN, OTHER_PASSWORD, TEST_TOTP_SECRET));

async function newCode(cookie: string): Promise<EnrolmentCodeResponse> {
  const reply = await call<EnrolmentCodeResponse>('/api/staff/devices/enrolment-codes', { method: 'POST', headers: { cookie } });
  expect(reply.status, reply.text).toBe(201);
  return reply.body;
}

/** A tablet: a key pair whose private half cannot be exported, as the app makes it. */
interface Tablet {
  keys: webcrypto.CryptoKeyPair;
  publicJwk: webcrypto.JsonWebKey;
  keyId: string | null;
}

async function newTablet(): Promise<Tablet> {
  const keys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  return { keys, publicJwk: await subtle.exportKey('jwk', keys.publicKey), keyId: null };
}

function enrol(tablet: Tablet, code: string, link = linkToken) {
  return call<DeviceEnrolmentResponse>(
    '/api/public/device-enrolments',
    jsonRequest('POST', { linkToken: link, code, publicKey: tablet.publicJwk, label: '訪問用タブレット' }),
  );
}

async function enrolled(link: string, who: 'demo' | 'other'): Promise<Tablet> {
  const tablet = await newTablet();
  const reply = await enrol(tablet, (await newCode(await clerkOf(who))).code, link);
  expect(reply.status, reply.text).toBe(201);
  tablet.keyId = reply.body.keyId;
  return tablet;
}

interface SignOptions {
  /** Sign with this key instead of the tablet's (a forgery). */
  signer?: webcrypto.CryptoKey;
  timestamp?: number;
  /** Sign this text as the body instead of the one sent. */
  signedBody?: string;
}

async function signatureHeaders(tablet: Tablet, method: string, path: string, body: string, options: SignOptions = {}): Promise<Record<string, string>> {
  const timestamp = String(options.timestamp ?? t.clock.now().getTime());
  const nonce = base64url(webcrypto.getRandomValues(new Uint8Array(18)));
  const bodySha256 = base64url(await subtle.digest('SHA-256', new TextEncoder().encode(options.signedBody ?? body)));
  const text = new TextEncoder().encode(signedText({ method, path, timestamp, nonce, bodySha256 }));
  const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, options.signer ?? tablet.keys.privateKey, text);
  return { 'x-device-key': tablet.keyId!, 'x-device-timestamp': timestamp, 'x-device-nonce': nonce, 'x-device-signature': base64url(signature) };
}

function form(link = linkToken) {
  return {
    id: randomUUID(),
    createdAt: '2026-11-22T00:40:00.000Z',
    linkToken: link,
    referenceNumber: '',
    holdsValidCard: true,
    insuranceType: 'employee',
    insurerName: '全国健康保険協会 東京支部',
    employerName: '株式会社端末商事',
    cardIssuedWhen: 'withinMonth',
    copayRatio: null,
    name: '端末 花子',
    nameKana: 'タンマツ ハナコ',
    dateOfBirth: { era: 'showa', year: 55, month: 4, day: 1 },
    sex: 'female',
    address: '東京都千代田区霞が関１－２－２',
    otherResidence: '',
    declaredOn: '2026-11-22',
    signature: `data:image/png;base64,iVBORw0KGgo${'A'.repeat(400)}`,
    relationship: '',
    phone: '090-2718-2818',
  };
}

/** POSTs the exact text given, with a fresh random X-Device-Id unless one is named. */
function post(path: string, text: string, headers: Record<string, string> = {}) {
  return call<{ id?: string } & ApiErrorBody>(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-device-id': randomUUID(), ...headers },
    body: text,
  });
}

async function sendSigned(tablet: Tablet, body: unknown, path = '/api/public/declarations', options: SignOptions = {}) {
  const text = JSON.stringify(body);
  return post(path, text, await signatureHeaders(tablet, 'POST', path, text, options));
}

async function senderInInbox(cookie: string, id: string): Promise<string | undefined> {
  const inbox = await call<DeclarationInboxResponse>('/api/staff/declarations', { headers: { cookie } });
  expect(inbox.status, inbox.text).toBe(200);
  return inbox.body.declarations.find((d) => d.id === id)?.sender;
}

describe('enrolment (issue 12 #15)', () => {
  it('issue 12 #15: a valid code enrols once; used, expired and unknown codes are refused; only a hash is stored', async () => {
    const cookie = await clerkOf('demo');
    const code = await newCode(cookie);
    expect(code.code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(code.link).toBe(`https://zaitaku.example/i/${linkToken}/enrol#code=${code.code}`);
    expect(Date.parse(code.expiresAt) - t.clock.now().getTime()).toBe(15 * 60 * 1000);
    const stored = await t.db.selectFrom('device_enrolment_code').select('code_hash').execute();
    expect(stored.some((r) => r.code_hash.includes(normaliseEnrolmentCode(code.code)))).toBe(false);

    // Typed as a person would: lower case, without the dash.
    const first = await enrol(await newTablet(), code.code.replace('-', '').toLowerCase());
    expect(first.status, first.text).toBe(201);
    expect(first.body.institutionName).toBe(t.demo.institution.name);
    const again = await enrol(await newTablet(), code.code);
    expect(again.status).toBe(404);
    expect(errorCode(again)).toBe('enrolment_code_invalid');

    const expiring = await newCode(cookie);
    t.clock.advance(15 * 60 * 1000 + 1000);
    const late = await enrol(await newTablet(), expiring.code);
    expect(errorCode(late)).toBe('enrolment_code_invalid');
    expect(errorCode(await enrol(await newTablet(), 'ABCDE-FGHJK'))).toBe('enrolment_code_invalid');

    // Only the staff of the institution with device.manage create codes.
    const doctor = await loginAs(t, 'doctor');
    expect((await call('/api/staff/devices/enrolment-codes', { method: 'POST', headers: { cookie: doctor } })).status).toBe(403);
  });

  it('issue 12 #15: the same code used by 12 tablets at once enrols exactly one', async () => {
    const code = await newCode(await clerkOf('demo'));
    const before = (await t.db.selectFrom('enrolled_device').select('key_id').execute()).length;
    const tablets = await Promise.all(Array.from({ length: 12 }, () => newTablet()));
    const replies = await Promise.all(tablets.map((tablet) => enrol(tablet, code.code)));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 404 && errorCode(r) === 'enrolment_code_invalid')).toHaveLength(11);
    expect((await t.db.selectFrom('enrolled_device').select('key_id').execute()).length).toBe(before + 1);
  });

  it('issue 12 #15: another institution’s code is refused at this link and stays usable at its own', async () => {
    const foreign = await newCode(await clerkOf('other'));
    const refused = await enrol(await newTablet(), foreign.code, linkToken);
    expect(refused.status).toBe(404);
    expect(errorCode(refused)).toBe('enrolment_code_invalid');
    expect((await enrol(await newTablet(), foreign.code, OTHER_LINK)).status).toBe(201);
  });

  it('issue 12 #15: a key that is not a P-256 public key is refused', async () => {
    const code = await newCode(await clerkOf('demo'));
    const reply = await call('/api/public/device-enrolments', jsonRequest('POST', { linkToken, code: code.code, publicKey: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'B'.repeat(43) } }));
    expect(reply.status).toBe(422);
  });
});

describe('signed requests (issue 12 #15)', () => {
  it('issue 12 #15: a signed declaration reaches the inbox as from an enrolled device, an unsigned one as unverified', async () => {
    const tablet = await enrolled(linkToken, 'demo');
    const signedForm = form();
    const sentAt = t.clock.now().toISOString();
    const signed = await sendSigned(tablet, signedForm);
    expect(signed.status, signed.text).toBe(201);
    const plainForm = form();
    const plain = await post('/api/public/declarations', JSON.stringify(plainForm));
    expect(plain.status, plain.text).toBe(201);

    const cookie = await clerkOf('demo');
    expect(await senderInInbox(cookie, signedForm.id)).toBe('enrolled');
    expect(await senderInInbox(cookie, plainForm.id)).toBe('unverified');
    const detail = await call<DeclarationResponse>(`/api/staff/declarations/${signedForm.id}`, { headers: { cookie } });
    expect(detail.body.declaration.sender).toBe('enrolled');
    const list = await call<DeviceListResponse>('/api/staff/devices', { headers: { cookie } });
    expect(list.body.enrolled.find((d) => d.keyId === tablet.keyId)?.lastSeenAt).toBe(sentAt);
  });

  it('issue 12 #15: unsigned declarations are rate-limited per link; an enrolled tablet and other links are not', async () => {
    // The other clinic's link: this test owns its counter.
    for (let i = 0; i < UNVERIFIED_LIMIT; i++) {
      const reply = await post('/api/public/declarations', JSON.stringify(form(OTHER_LINK)));
      expect(reply.status, reply.text).toBe(201);
    }
    const limited = await post('/api/public/declarations', JSON.stringify(form(OTHER_LINK)));
    expect(limited.status).toBe(429);
    expect(errorCode(limited)).toBe('rate_limited');
    // A key id alone (no valid signature) neither passes the limit nor is accepted.
    const tablet = await enrolled(OTHER_LINK, 'other');
    const forged = await sendSigned(tablet, form(OTHER_LINK), undefined, { signer: (await newTablet()).keys.privateKey });
    expect(forged.status).toBe(401);
    // The clinic's own tablet still sends.
    const signed = await sendSigned(tablet, form(OTHER_LINK));
    expect(signed.status, signed.text).toBe(201);
    // Another link has its own count.
    expect((await post('/api/public/declarations', JSON.stringify(form()))).status).toBe(201);
    // After the hour the link may send again.
    t.clock.advance(HOUR);
    expect((await post('/api/public/declarations', JSON.stringify(form(OTHER_LINK)))).status).toBe(201);
  });

  it('issue 12 #15: a signature by another key, or over another body, is refused and nothing is stored', async () => {
    const tablet = await enrolled(linkToken, 'demo');
    const stranger = await newTablet();
    const forgedForm = form();
    const forged = await sendSigned(tablet, forgedForm, undefined, { signer: stranger.keys.privateKey });
    expect(forged.status).toBe(401);
    expect(errorCode(forged)).toBe('device_signature_invalid');
    const tamperedForm = form();
    const tampered = await sendSigned(tablet, tamperedForm, undefined, { signedBody: JSON.stringify(form()) });
    expect(errorCode(tampered)).toBe('device_signature_invalid');
    const stored = await t.db.selectFrom('declaration').select('id').where('id', 'in', [forgedForm.id, tamperedForm.id]).execute();
    expect(stored).toEqual([]);
  });

  it('issue 12 #15: a replayed signature, a stale and a future timestamp are refused', async () => {
    const tablet = await enrolled(linkToken, 'demo');
    const path = '/api/public/declarations';
    const text = JSON.stringify(form());
    const headers = await signatureHeaders(tablet, 'POST', path, text);
    expect((await post(path, text, headers)).status).toBe(201);
    const replay = await post(path, text, headers);
    expect(replay.status).toBe(401);
    expect(errorCode(replay)).toBe('device_signature_invalid');
    // Two copies of a fresh request at once: exactly one passes.
    const text2 = JSON.stringify(form());
    const headers2 = await signatureHeaders(tablet, 'POST', path, text2);
    const race = await Promise.all([post(path, text2, headers2), post(path, text2, headers2), post(path, text2, headers2)]);
    expect(race.filter((r) => r.status === 201)).toHaveLength(1);
    expect(race.filter((r) => r.status === 401)).toHaveLength(2);

    const stale = await sendSigned(tablet, form(), path, { timestamp: t.clock.now().getTime() - 6 * 60 * 1000 });
    expect(errorCode(stale)).toBe('device_signature_invalid');
    const future = await sendSigned(tablet, form(), path, { timestamp: t.clock.now().getTime() + 6 * 60 * 1000 });
    expect(errorCode(future)).toBe('device_signature_invalid');
    // A signature for another endpoint does not pass here.
    const elsewhere = JSON.stringify(form());
    const moved = await post(path, elsewhere, await signatureHeaders(tablet, 'POST', '/api/public/guide-records', elsewhere));
    expect(errorCode(moved)).toBe('device_signature_invalid');
  });

  it('issue 12 #15: a revoked enrolled tablet is refused even with a fresh X-Device-Id; without its key it is only an unverified device', async () => {
    const tablet = await enrolled(linkToken, 'demo');
    const cookie = await clerkOf('demo');
    const revoked = await call<{ device: EnrolledDeviceDto }>(`/api/staff/devices/enrolled/${tablet.keyId}/revoke`, { method: 'POST', headers: { cookie } });
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body.device.revokedAt).toBe(t.clock.now().toISOString());

    // Site storage cleared of its device id: post() sends a new random one each time.
    const declaration = await sendSigned(tablet, form());
    expect(declaration.status).toBe(403);
    expect(errorCode(declaration)).toBe('device_revoked');
    const guide = await sendSigned(
      tablet,
      {
        id: randomUUID(),
        linkToken,
        visitDate: '2026-11-22',
        steps: ['explainCardUnusable', 'proofMynaportalScreen'],
        outcome: guideOutcome({ cause: 'cardUnusable', resolution: 'proofMynaportalScreen', copayPercent: 30, recordedAt: '2026-11-22T00:55:00.000Z' }),
        patientKana: 'タンマツ ハナコ',
        note: '',
      },
      '/api/public/guide-records',
    );
    expect(errorCode(guide)).toBe('device_revoked');
    const registration = await sendSigned(
      tablet,
      { linkToken, visitType: 'homeVisit', arrival: 'link', choices: agreeToAll(), prescriptionForm: 'electronic', handoffPath: 'crossDevice' },
      '/api/public/registrations',
    );
    expect(errorCode(registration)).toBe('device_revoked');

    // All storage cleared: no key, so an unknown device whose declaration is marked unverified.
    const plainForm = form();
    expect((await post('/api/public/declarations', JSON.stringify(plainForm))).status).toBe(201);
    expect(await senderInInbox(cookie, plainForm.id)).toBe('unverified');
    const events = await t.db.selectFrom('audit_event').select(['action', 'subject_id']).where('action', '=', 'device.enrolled_revoked').execute();
    expect(events.some((e) => e.subject_id === tablet.keyId)).toBe(true);
  });

  it('issue 12 #15: a clerk of another institution can neither list nor revoke the tablet', async () => {
    const tablet = await enrolled(linkToken, 'demo');
    const other = await clerkOf('other');
    const list = await call<DeviceListResponse>('/api/staff/devices', { headers: { cookie: other } });
    expect(list.status).toBe(200);
    expect(list.body.enrolled.some((d) => d.keyId === tablet.keyId)).toBe(false);
    const revoke = await call(`/api/staff/devices/enrolled/${tablet.keyId}/revoke`, { method: 'POST', headers: { cookie: other } });
    expect(revoke.status).toBe(404);
    expect(errorCode(revoke)).toBe('device_not_found');
    // Its signature still counts as enrolled at its own clinic only; at the other clinic it is unknown.
    const own = form();
    expect((await sendSigned(tablet, own)).status).toBe(201);
    expect(await senderInInbox(await clerkOf('demo'), own.id)).toBe('enrolled');
    // (A new hour, so the other link's unverified count starts afresh.)
    t.clock.advance(2 * HOUR);
    const there = form(OTHER_LINK);
    expect((await sendSigned(tablet, there)).status).toBe(201);
    expect(await senderInInbox(await clerkOf('other'), there.id)).toBe('unverified');
  });
});
