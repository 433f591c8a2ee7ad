import { describe, expect, it } from 'vitest';
import { sealJson } from '../../src/app/storage/seal.ts';
import type { DeclarationKeyDto } from '../../src/domain/declaration/sealed-envelope.ts';
import { openSealedJson } from '../../src/server/declaration/sealed-intake.ts';

/**
 * P4 ("no sensitive data left readable on the device after a visit"), for what the outbox keeps
 * while a declaration waits to be sent: the envelope written to the device (src/app/storage/
 * seal.ts, as the app runs it in the browser — WebCrypto) carries none of the form's personal
 * fields, and only the institution's private key, which never reaches the device, opens it. The
 * API side (the server opens and stores it once) is in tests/api/sealed-submissions.test.ts; the
 * browser side (nothing left after sending) in tests/e2e/device-privacy.spec.ts.
 */

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;

async function institutionKey(): Promise<{ dto: DeclarationKeyDto; privateKey: CryptoKey }> {
  const pair = await crypto.subtle.generateKey(ECDH, true, ['deriveBits']);
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { dto: { keyId: 'key-1', publicKey: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! } }, privateKey: pair.privateKey };
}

const FORM = {
  id: '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  linkToken: 'abcdefghijklmnop',
  name: '封緘 花子',
  nameKana: 'フウカン ハナコ',
  dateOfBirth: { era: 'showa', year: 55, month: 4, day: 1 },
  address: '東京都千代田区霞が関１－２－２',
  phone: '090-1618-0339',
  insurerName: '全国健康保険協会',
};

describe('P4: a queued declaration is not readable on the device', () => {
  it('P4: the sealed envelope holds none of the personal fields, only the institution key opens it, and each seal differs', async () => {
    const { dto, privateKey } = await institutionKey();
    const envelope = await sealJson(dto, 'declaration', FORM.id, FORM.linkToken, FORM);
    const stored = JSON.stringify(envelope);
    for (const personal of [FORM.name, FORM.nameKana, FORM.address, FORM.phone, FORM.insurerName, 'showa', '花子', '霞が関', '1618']) {
      expect(stored).not.toContain(personal);
    }
    // What the device keeps names only where it goes: id, link, key id, and the ciphertext.
    expect(Object.keys(envelope).sort()).toEqual(['ciphertext', 'epk', 'id', 'iv', 'keyId', 'kind', 'linkToken', 'sealed']);
    expect(await openSealedJson(privateKey, envelope)).toEqual(FORM);

    // A key the device could make (or any other clinic's) does not open it.
    const other = await institutionKey();
    await expect(openSealedJson(other.privateKey, envelope)).rejects.toThrow();
    // The ephemeral key is fresh per seal: the same form sealed twice gives unrelated envelopes.
    const again = await sealJson(dto, 'declaration', FORM.id, FORM.linkToken, FORM);
    expect(again.ciphertext).not.toBe(envelope.ciphertext);
    expect(again.epk.x).not.toBe(envelope.epk.x);
  });

  it('P4: the envelope is bound to its id: moved under another id it does not open', async () => {
    const { dto, privateKey } = await institutionKey();
    const envelope = await sealJson(dto, 'declaration', FORM.id, FORM.linkToken, FORM);
    await expect(openSealedJson(privateKey, { ...envelope, id: '00000000-0000-4000-8000-000000000000' })).rejects.toThrow();
    await expect(openSealedJson(privateKey, { ...envelope, kind: 'guideRecord' })).rejects.toThrow();
  });
});
