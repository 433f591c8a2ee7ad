import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHALLENGE_TTL_MS, HANDOFF_PROTOCOL, handoffSigningInput, type HandoffResponse } from '../../src/domain/registration/handoff.ts';
import { verifyHandoffResponse, type StoredChallenge } from '../../src/server/handoff/verify-response.ts';
import { createCardTrust, type CardTrust, type CardTrustSources } from '../../src/server/national/card-trust.ts';
import {
  createCa,
  createCrl,
  generateKeys,
  issueCertificate,
  type IssuedCertificate,
  type KeyPair,
  type TestCa,
} from '../../src/server/national/embedded/test-ca.ts';

const NOW = new Date('2026-11-22T01:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const YEAR = 365 * DAY;
const CA_NAME = 'CN=Zaitaku Demo JPKI Test CA, O=Zaitaku Uketsuke (demo), C=JP';

let ca: TestCa;
let rogueCa: TestCa;
let cardKeys: KeyPair;
let valid: IssuedCertificate;
let expired: IssuedCertificate;
let notYetValid: IssuedCertificate;
let revoked: IssuedCertificate;
let ecCard: IssuedCertificate;
let rogueCard: IssuedCertificate;
let trust: CardTrust;

// Two RSA key generations in all (CA and card); the rest reuse them or use fast P-256 keys.
beforeAll(async () => {
  ca = await createCa({ now: NOW, name: CA_NAME });
  cardKeys = await generateKeys('RSA');
  const current = { notBefore: new Date(NOW.getTime() - YEAR), notAfter: new Date(NOW.getTime() + 4 * YEAR) };
  valid = await issueCertificate(ca, { serialNumber: '0a01', ...current, keys: cardKeys });
  expired = await issueCertificate(ca, {
    serialNumber: '0a02',
    notBefore: new Date(NOW.getTime() - 5 * YEAR),
    notAfter: new Date(NOW.getTime() - DAY),
    keys: cardKeys,
  });
  notYetValid = await issueCertificate(ca, {
    serialNumber: '0a06',
    notBefore: new Date(NOW.getTime() + DAY),
    notAfter: new Date(NOW.getTime() + YEAR),
    keys: cardKeys,
  });
  revoked = await issueCertificate(ca, { serialNumber: '0a03', ...current, keys: cardKeys });
  ecCard = await issueCertificate(ca, { serialNumber: '0a04', ...current, algorithm: 'EC' });
  // Same name as the real CA: only the signature tells them apart.
  rogueCa = await createCa({ now: NOW, name: CA_NAME, algorithm: 'EC' });
  rogueCard = await issueCertificate(rogueCa, { serialNumber: '0a05', ...current, keys: cardKeys });
  // Upper case with a leading zero: the CRL lookup must not depend on the spelling.
  trust = await createCardTrust(sourcesWith(writeCrl('crl.pem', await createCrl(ca, ['000A03'], { now: NOW }))));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-handoff-'));
function writeCrl(name: string, pem: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, pem);
  return file;
}
function sourcesWith(...crlSources: string[]): CardTrustSources {
  return { anchorPems: [ca.certPem], intermediatePems: [], crlSources, crlGraceMs: 0, crlRefreshMs: 0 };
}

function newChallenge(overrides: Partial<StoredChallenge> = {}): StoredChallenge {
  return {
    challengeId: crypto.randomUUID(),
    nonce: crypto.randomBytes(32).toString('base64url'),
    expiresAt: new Date(NOW.getTime() + CHALLENGE_TTL_MS).toISOString(),
    usedAt: null,
    ...overrides,
  };
}

/** What a card app sends: the signature over the challenge with the card's key, and its certificate. */
function cardResponse(card: IssuedCertificate, challenge: StoredChallenge, dsaEncoding: 'der' | 'ieee-p1363' = 'der'): HandoffResponse {
  const data = Buffer.from(handoffSigningInput(challenge), 'utf8');
  const signature = crypto.sign('sha256', data, { key: card.privateKey, dsaEncoding });
  return {
    protocol: HANDOFF_PROTOCOL,
    challengeId: challenge.challengeId,
    nonce: challenge.nonce,
    signature: signature.toString('base64url'),
    certificate: card.certDer.toString('base64'),
  };
}

function verify(response: HandoffResponse, challenge: StoredChallenge | undefined, now = NOW) {
  return verifyHandoffResponse({ response, challenge, trust, now });
}

describe('verifyHandoffResponse', () => {
  it('R6/P2: accepts a card signature whose certificate chains to the trust anchor — no PIN reaches the server', async () => {
    const challenge = newChallenge();
    const response = cardResponse(valid, challenge);
    expect(Object.keys(response).sort()).toEqual(['certificate', 'challengeId', 'nonce', 'protocol', 'signature']);
    expect(await verify(response, challenge)).toEqual({ ok: true, certificateSerial: 'a01' });
  });

  it('R6: accepts ECDSA P-256 signatures, DER or raw r‖s', async () => {
    const challenge = newChallenge();
    expect(await verify(cardResponse(ecCard, challenge, 'der'), challenge)).toEqual({ ok: true, certificateSerial: 'a04' });
    expect(await verify(cardResponse(ecCard, challenge, 'ieee-p1363'), challenge)).toEqual({ ok: true, certificateSerial: 'a04' });
  });

  it('R6: refuses an unknown challenge', async () => {
    const challenge = newChallenge();
    expect(await verify(cardResponse(valid, challenge), undefined)).toEqual({ ok: false, rejection: 'challenge_unknown' });
  });

  it('R6: refuses a challenge that was already used (replay)', async () => {
    const challenge = newChallenge({ usedAt: NOW.toISOString() });
    expect(await verify(cardResponse(valid, challenge), challenge)).toEqual({ ok: false, rejection: 'challenge_replayed' });
  });

  it('R6: a challenge is expired exactly at expiresAt, and valid 1 ms before', async () => {
    const challenge = newChallenge();
    const response = cardResponse(valid, challenge);
    const expiresAt = Date.parse(challenge.expiresAt);
    expect((await verify(response, challenge, new Date(expiresAt - 1))).ok).toBe(true);
    expect(await verify(response, challenge, new Date(expiresAt))).toEqual({ ok: false, rejection: 'challenge_expired' });
    expect(await verify(response, { ...challenge, expiresAt: 'not a date' })).toEqual({ ok: false, rejection: 'challenge_expired' });
  });

  it('R6: checks the challenge before the certificate', async () => {
    const challenge = newChallenge();
    const response = { ...cardResponse(valid, challenge), certificate: 'AAAA' };
    expect(await verify(response, challenge, new Date(Date.parse(challenge.expiresAt)))).toEqual({
      ok: false,
      rejection: 'challenge_expired',
    });
  });

  it('R6: refuses a tampered signature, and a signature by a key other than the certificate’s', async () => {
    const challenge = newChallenge();
    const response = cardResponse(valid, challenge);
    const bytes = Buffer.from(response.signature, 'base64url');
    bytes[10] = bytes[10]! ^ 0xff;
    expect(await verify({ ...response, signature: bytes.toString('base64url') }, challenge)).toEqual({
      ok: false,
      rejection: 'signature_invalid',
    });
    expect(await verify({ ...response, signature: 'not base64url!' }, challenge)).toEqual({ ok: false, rejection: 'signature_invalid' });
    // A valid certificate with a signature made by the EC card's key.
    const other = cardResponse(ecCard, challenge);
    expect(await verify({ ...response, signature: other.signature }, challenge)).toEqual({ ok: false, rejection: 'signature_invalid' });
  });

  it('R6: a response cannot be moved to another challenge (nonce or id mismatch)', async () => {
    const signedFor = newChallenge();
    const response = cardResponse(valid, signedFor);
    // Same challenge id, another nonce (the challenge was issued again).
    const reissued = { ...signedFor, nonce: crypto.randomBytes(32).toString('base64url') };
    expect(await verify(response, reissued)).toEqual({ ok: false, rejection: 'signature_invalid' });
    // Re-labelled for another challenge: the ids match, the signature does not.
    const other = newChallenge();
    expect(await verify({ ...response, challengeId: other.challengeId, nonce: other.nonce }, other)).toEqual({
      ok: false,
      rejection: 'signature_invalid',
    });
  });

  it('R6: refuses a certificate that is not DER', async () => {
    const challenge = newChallenge();
    const response = cardResponse(valid, challenge);
    for (const certificate of [
      'not base64 at all!',
      crypto.randomBytes(300).toString('base64'),
      Buffer.from([0x30, 0x82, 0x01, 0x00, 0x01]).toString('base64'),
      Buffer.from(valid.certPem).toString('base64'),
    ]) {
      expect(await verify({ ...response, certificate }, challenge)).toEqual({ ok: false, rejection: 'certificate_malformed' });
    }
  });

  it('R6: refuses a certificate from a second CA that merely has the same name', async () => {
    const challenge = newChallenge();
    expect(await verify(cardResponse(rogueCard, challenge), challenge)).toEqual({ ok: false, rejection: 'certificate_untrusted' });
  });

  it('R6: refuses the CA certificate itself in place of a user certificate', async () => {
    const challenge = newChallenge();
    const response = { ...cardResponse(valid, challenge), certificate: Buffer.from(ca.cert.rawData).toString('base64') };
    expect(await verify(response, challenge)).toEqual({ ok: false, rejection: 'certificate_untrusted' });
  });

  it('R6/F1: refuses an expired or not yet valid user certificate', async () => {
    const challenge = newChallenge();
    expect(await verify(cardResponse(expired, challenge), challenge)).toEqual({ ok: false, rejection: 'certificate_expired' });
    expect(await verify(cardResponse(notYetValid, challenge), challenge)).toEqual({ ok: false, rejection: 'certificate_expired' });
  });

  it('R6: refuses a certificate on the CRL', async () => {
    const challenge = newChallenge();
    expect(await verify(cardResponse(revoked, challenge), challenge)).toEqual({ ok: false, rejection: 'certificate_revoked' });
  });
});

describe('createCardTrust', () => {
  it('compares CRL serials case-insensitively and without leading zeros', async () => {
    // The CRL lists '000A03'; the certificate's serial is '0a03'.
    const challenge = newChallenge();
    expect(await verify(cardResponse(revoked, challenge), challenge)).toEqual({ ok: false, rejection: 'certificate_revoked' });
    expect(trust.status(NOW).lists).toEqual([
      expect.objectContaining({ issuer: ca.cert.subject, revokedCount: 1, fresh: true, ageSeconds: 0 }),
    ]);
  });

  it('R6: ignores a CRL signed by another CA, even one with the trusted CA’s name, and garbage', async () => {
    const forged = await createCardTrust(sourcesWith(writeCrl('forged.pem', await createCrl(rogueCa, [], { now: NOW }))));
    const garbage = await createCardTrust(sourcesWith(writeCrl('garbage.pem', 'garbage')));
    for (const t of [forged, garbage]) {
      expect(t.status(NOW)).toMatchObject({ sources: 1, failingSources: 1, lists: [] });
      // Sources are configured but no list for the card's issuer could be loaded.
      expect(await t.checkCertificate(valid.certDer, NOW)).toEqual({ ok: false, rejection: 'revocation_unavailable' });
    }
  });

  it('needs a CA certificate as its anchor; without CRL sources nothing is revoked', async () => {
    await expect(createCardTrust({ ...sourcesWith(), anchorPems: [] })).rejects.toThrow(/No card trust anchor/);
    await expect(createCardTrust({ ...sourcesWith(), anchorPems: ['nothing here'] })).rejects.toThrow(/No card trust anchor/);
    await expect(createCardTrust({ ...sourcesWith(), anchorPems: [valid.certPem] })).rejects.toThrow(/not a CA/);
    const noCrl = await createCardTrust(sourcesWith());
    expect(noCrl.status(NOW)).toEqual({ sources: 0, failingSources: 0, lastRefreshAt: expect.any(String), lists: [] });
    expect(await noCrl.checkCertificate(revoked.certDer, NOW)).toMatchObject({ ok: true, serial: 'a03' });
  });
});
