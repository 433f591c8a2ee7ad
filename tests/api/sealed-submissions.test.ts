import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import type { DeclarationReceipt, DeclarationResponse } from '../../src/domain/declaration/declaration-api.ts';
import { SIGNATURE_MAX_CHARS } from '../../src/domain/declaration/declaration-schema.ts';
import { guideOutcome } from '../../src/domain/fallback/fallback-walk.ts';
import type { GuideRecordInput, GuideRecordListResponse } from '../../src/domain/fallback/guide-record.ts';
import type { InstitutionLinkResponse } from '../../src/domain/institution/institution-api.ts';
import type { InstitutionPublicDto } from '../../src/domain/registration/reception-api.ts';
import type { SealedEnvelope } from '../../src/domain/declaration/sealed-envelope.ts';
import { sealJson } from '../../src/app/storage/seal.ts';
import { createTestApp, jsonRequest, loginAs, type TestApp } from './support/test-app.ts';

/**
 * issue 12 #7: queued submissions are sealed on the device to the institution's public key
 * (ECDH P-256 + HKDF + AES-GCM, the app's own WebCrypto code) and opened by the server with the
 * institution's private key, which is stored sealed with the keyring. #13: the envelope keeps its
 * seal when re-addressed to a reissued link.
 */

const BASE_TIME = '2026-11-22T01:00:00.000Z';
const DEVICE = '5d1e3f7a-2b4d-4c6e-8a0b-1d3f5e7a9c2b';
const OTHER_LINK = 'other-clinic-link-for-sealed-forms';
const NAME = '封緘 花子';

let t: TestApp;
let otherInstitutionId: string;

beforeAll(async () => {
  t = await createTestApp();
  otherInstitutionId = randomUUID();
  await t.db
    .insertInto('institution')
    .values({ ...t.demo.institution, id: otherInstitutionId, code: '1310000017', name: '別の診療所', link_token: OTHER_LINK })
    .execute();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => t.clock.advance(Date.parse(BASE_TIME) - t.clock.now().getTime()));

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

async function currentToken(): Promise<string> {
  const row = await t.db.selectFrom('institution').select('link_token').where('id', '=', t.demo.institution.id).executeTakeFirstOrThrow();
  return row.link_token;
}

async function publicDetails(token: string): Promise<InstitutionPublicDto> {
  const reply = await call<InstitutionPublicDto>(`/api/public/institutions/${token}`);
  expect(reply.status, reply.text).toBe(200);
  return reply.body;
}

function form(linkToken: string, id = randomUUID()) {
  return {
    id,
    createdAt: '2026-11-22T00:40:00.000Z',
    linkToken,
    referenceNumber: '',
    holdsValidCard: true,
    insuranceType: 'employee',
    insurerName: '全国健康保険協会 東京支部',
    employerName: '株式会社封緘商事',
    cardIssuedWhen: 'withinMonth',
    copayRatio: null,
    name: NAME,
    nameKana: 'フウカン ハナコ',
    dateOfBirth: { era: 'showa', year: 55, month: 4, day: 1 },
    sex: 'female',
    address: '東京都千代田区霞が関１－２－２',
    otherResidence: '',
    declaredOn: '2026-11-22',
    signature: `data:image/png;base64,iVBORw0KGgo${'A'.repeat(400)}`,
    relationship: '',
    phone: '090-1618-0339',
  };
}

const post = (path: string, body: unknown) => call<DeclarationReceipt & ApiErrorBody>(path, jsonRequest('POST', body, { 'x-device-id': DEVICE }));
const sendDeclaration = (body: unknown) => post('/api/public/declarations', body);

async function stored(id: string): Promise<number> {
  return (await t.db.selectFrom('declaration').select('id').where('id', '=', id).execute()).length;
}

/** Flips one character of a base64url text, keeping it valid base64url. */
function flip(text: string, at: number): string {
  return `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
}

describe('issue 12 #7: declarations sealed to the institution key', () => {
  it('issue 12 #7: the server opens what the app (WebCrypto) sealed; the envelope holds no personal data; the private key is stored sealed', async () => {
    const token = await currentToken();
    const { declarationKey } = await publicDetails(token);
    const body = form(token);
    const envelope = await sealJson(declarationKey, 'declaration', body.id, token, body);
    const text = JSON.stringify(envelope);
    for (const personal of [NAME, 'フウカン', '090-1618-0339', '霞が関', 'showa']) expect(text).not.toContain(personal);

    const reply = await sendDeclaration(envelope);
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body).toEqual({ id: body.id, receivedAt: BASE_TIME });
    const detail = await call<DeclarationResponse>(`/api/staff/declarations/${body.id}`, { headers: { cookie: await loginAs(t, 'admin') } });
    expect(detail.status).toBe(200);
    expect(detail.body.declaration.form.name).toBe(NAME);

    // The same form sealed again (a fresh ephemeral key) is a resend: same receipt, stored once.
    const again = await sendDeclaration(await sealJson(declarationKey, 'declaration', body.id, token, body));
    expect(again.status, again.text).toBe(200);
    expect(await stored(body.id)).toBe(1);

    const row = await t.db.selectFrom('institution_declaration_key').selectAll().where('institution_id', '=', t.demo.institution.id).executeTakeFirstOrThrow();
    expect(row.private_key_sealed.startsWith('sealed:v1:')).toBe(true);
    expect(row.key_id).toBe(declarationKey.keyId);
  });

  it('a NUL character inside a sealed form is refused once opened, as in a plain one (PostgreSQL cannot store it): 422, not stored', async () => {
    const token = await currentToken();
    const { declarationKey } = await publicDetails(token);
    const body = { ...form(token), address: '東京都千代田区\u0000霞が関' };
    const refused = await sendDeclaration(await sealJson(declarationKey, 'declaration', body.id, token, body));
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.error.fields).toEqual({ '(body)': 'Must not contain the NUL character (U+0000).' });
    expect(refused.text).not.toContain('霞が関');
    expect(await stored(body.id)).toBe(0);
  });

  it('issue 12 #7: once opened, the form is checked as today: a signature at its limit fits sealed, a field error names the field', async () => {
    const token = await currentToken();
    const { declarationKey } = await publicDetails(token);
    const large = form(token);
    large.signature = `data:image/png;base64,iVBORw0KGgo${'A'.repeat(SIGNATURE_MAX_CHARS - 40)}`;
    const fits = await sendDeclaration(await sealJson(declarationKey, 'declaration', large.id, token, large));
    expect(fits.status, fits.text.slice(0, 200)).toBe(201);
    const invalid = { ...form(token), phone: '12' };
    const refused = await sendDeclaration(await sealJson(declarationKey, 'declaration', invalid.id, token, invalid));
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('validation_failed');
    expect(Object.keys(refused.body.error.fields ?? {})).toEqual(['phone']);
    expect(refused.text).not.toContain(NAME);
  });

  it('issue 12 #7: a tampered envelope is refused (ciphertext, IV, ephemeral key, id outside) and nothing is stored', async () => {
    const token = await currentToken();
    const { declarationKey } = await publicDetails(token);
    const body = form(token);
    const envelope = await sealJson(declarationKey, 'declaration', body.id, token, body);
    const tampered: SealedEnvelope[] = [
      { ...envelope, ciphertext: flip(envelope.ciphertext, 40) },
      { ...envelope, iv: flip(envelope.iv, 3) },
      { ...envelope, epk: (await sealJson(declarationKey, 'declaration', body.id, token, body)).epk },
      { ...envelope, id: randomUUID() },
    ];
    for (const bad of tampered) {
      const reply = await sendDeclaration(bad);
      expect(reply.status, reply.text).toBe(422);
      expect(reply.body.error.code).toBe('sealed_submission_unreadable');
      expect(reply.text).not.toContain(NAME);
    }
    // Sealed as a guide record, sent as a declaration: refused too.
    expect((await sendDeclaration({ ...envelope, kind: 'guideRecord' })).body.error.code).toBe('sealed_submission_unreadable');
    expect(await stored(body.id)).toBe(0);
  });

  it("issue 12 #7: another institution's key cannot open it: sealed for one clinic, addressed to another, refused", async () => {
    const token = await currentToken();
    const mine = await publicDetails(token);
    const theirs = await publicDetails(OTHER_LINK);
    expect(theirs.declarationKey.keyId).not.toBe(mine.declarationKey.keyId);
    expect(theirs.declarationKey.publicKey).not.toEqual(mine.declarationKey.publicKey);
    const body = form(token);
    const envelope = await sealJson(mine.declarationKey, 'declaration', body.id, token, body);
    // Re-addressed to the other clinic's link, claiming its key id: its private key does not open it.
    const redirected = await sendDeclaration({ ...envelope, linkToken: OTHER_LINK, keyId: theirs.declarationKey.keyId });
    expect(redirected.body.error?.code).toBe('sealed_submission_unreadable');
    expect((await sendDeclaration({ ...envelope, linkToken: OTHER_LINK })).body.error?.code).toBe('sealed_submission_unreadable');
    expect(await stored(body.id)).toBe(0);
  });

  it('issue 12 #13: after a link reissue the old address is refused (link_invalid); the same envelope re-addressed to the new link is received once', async () => {
    const old = await currentToken();
    const { declarationKey } = await publicDetails(old);
    const body = form(old);
    const envelope = await sealJson(declarationKey, 'declaration', body.id, old, body);
    const admin = await loginAs(t, 'admin');
    const reissued = await call<InstitutionLinkResponse>('/api/staff/institution/link/reissue', { method: 'POST', headers: { cookie: admin } });
    expect(reissued.status).toBe(200);
    const fresh = reissued.body.link.split('/i/')[1]!;

    const refused = await sendDeclaration(envelope);
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('link_invalid');
    // The institution (and its key) is recognised by the new link's public details.
    expect((await publicDetails(fresh)).declarationKey.keyId).toBe(declarationKey.keyId);
    const sent = await sendDeclaration({ ...envelope, linkToken: fresh });
    expect(sent.status, sent.text).toBe(201);
    const resent = await sendDeclaration({ ...envelope, linkToken: fresh });
    expect(resent.status).toBe(200);
    expect(await stored(body.id)).toBe(1);
  });

  it('issue 12 #7: a guide record (it may carry the kana name) is sealed and opened the same way', async () => {
    const token = await currentToken();
    const { declarationKey } = await publicDetails(token);
    const record: GuideRecordInput = {
      id: randomUUID(),
      linkToken: token,
      visitDate: '2026-11-22',
      steps: ['explainCardUnusable', 'proofMynaportalScreen'],
      outcome: guideOutcome({ cause: 'cardUnusable', resolution: 'proofMynaportalScreen', copayPercent: 30, recordedAt: '2026-11-22T00:55:00.000Z' }),
      patientKana: 'フウカン ハナコ',
      note: '',
    };
    const envelope = await sealJson(declarationKey, 'guideRecord', record.id, token, record);
    expect(JSON.stringify(envelope)).not.toContain('フウカン');
    const reply = await post('/api/public/guide-records', envelope);
    expect(reply.status, reply.text).toBe(201);
    const list = await call<GuideRecordListResponse>('/api/staff/guide-records', { headers: { cookie: await loginAs(t, 'admin') } });
    expect(list.body.guideRecords.find((r) => r.id === record.id)?.patientKana).toBe('フウカン ハナコ');
    const tampered = await post('/api/public/guide-records', { ...envelope, ciphertext: flip(envelope.ciphertext, 10) });
    expect(tampered.body.error.code).toBe('sealed_submission_unreadable');
  });
});
