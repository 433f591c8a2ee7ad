import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHALLENGE_TTL_MS, HANDOFF_PROTOCOL, handoffSigningInput, type HandoffResponse } from '../../src/domain/registration/handoff.ts';
import { verifyHandoffResponse, type StoredChallenge } from '../../src/server/handoff/verify-response.ts';
import { createCardTrust, type CardTrust, type CardTrustSources } from '../../src/server/national/card-trust.ts';

/**
 * Issue 12 #4 / #5: certificate paths and revocation lists made with Debian's `openssl` at test
 * time, so the validator is checked against certificates it did not make itself.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-card-path-'));
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const POLICY = '1.2.392.99999.1.1';
const OTHER_POLICY = '1.2.392.99999.1.2';

const EXTENSIONS = `
[req]
distinguished_name = dn
[dn]
[root]
basicConstraints = critical,CA:TRUE,pathlen:1
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[root_pathlen0]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[int]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
certificatePolicies = ${POLICY}
[int_any_policy]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
certificatePolicies = 2.5.29.32.0
[int_critical]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
1.2.392.99999.9 = critical,ASN1:UTF8String:unknown
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
authorityKeyIdentifier = keyid
certificatePolicies = ${POLICY}
[leaf_other_policy]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
certificatePolicies = ${OTHER_POLICY}
[leaf_no_policy]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
[leaf_certsign_only]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyCertSign
certificatePolicies = ${POLICY}
[leaf_no_key_usage]
basicConstraints = critical,CA:FALSE
certificatePolicies = ${POLICY}
[tls_server]
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:reception.example
certificatePolicies = ${POLICY}
[leaf_ca_true]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature
certificatePolicies = ${POLICY}
[leaf_critical]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
certificatePolicies = ${POLICY}
1.2.392.99999.9 = critical,ASN1:UTF8String:unknown
[leaf_noncritical]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
certificatePolicies = ${POLICY}
1.2.392.99999.9 = ASN1:UTF8String:unknown
`;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}
const file = (name: string) => path.join(dir, name);
const read = (name: string) => fs.readFileSync(file(name), 'utf8');

let serial = 0x1000;
function newKey(name: string): void {
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
}
/** A self-signed CA: `<name>.pem`, `<name>.key`. */
function root(name: string, section: string, subject = name): void {
  newKey(name);
  openssl('req', '-x509', '-new', '-key', `${name}.key`, '-subj', `/CN=${subject}`, '-days', '3650', '-config', 'ext.cnf', '-extensions', section, '-out', `${name}.pem`);
}
/** `<name>.pem` issued by `<issuer>` with the extensions of `section`; reuses `<keyOf>.key` when given. */
function issue(name: string, issuer: string, section: string, opts: { days?: number; serial?: number; keyOf?: string; subject?: string } = {}): string {
  const key = opts.keyOf ?? name;
  if (!opts.keyOf) newKey(name);
  openssl('req', '-new', '-key', `${key}.key`, '-subj', `/CN=${opts.subject ?? name}`, '-config', 'ext.cnf', '-out', `${name}.csr`);
  const number = opts.serial ?? serial++;
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-set_serial', `0x${number.toString(16)}`,
    '-days', String(opts.days ?? 365), '-extfile', 'ext.cnf', '-extensions', section, '-out', `${name}.pem`);
  return number.toString(16);
}
const der = (name: string) => Buffer.from(new crypto.X509Certificate(read(`${name}.pem`)).raw);

const stamp = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
/** A CRL by `<issuer>` (an `openssl ca` database per issuer) revoking `revoke`, written to `out`. */
function crl(issuer: string, revoke: string[], opts: { thisUpdate?: Date; nextUpdate?: Date; out?: string; form?: 'PEM' | 'DER' } = {}): string {
  const config = `ca-${issuer}.cnf`;
  if (!fs.existsSync(file(config))) {
    fs.writeFileSync(file(`index-${issuer}.txt`), '');
    fs.writeFileSync(file(config), `[ca]\ndefault_ca = d\n[d]\ndatabase = index-${issuer}.txt\ndefault_md = sha256\ndefault_crl_days = 30\n`);
  }
  for (const name of revoke) openssl('ca', '-config', config, '-keyfile', `${issuer}.key`, '-cert', `${issuer}.pem`, '-revoke', `${name}.pem`);
  const thisUpdate = opts.thisUpdate ?? now;
  const nextUpdate = opts.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * DAY);
  const out = opts.out ?? `${issuer}.crl`;
  openssl('ca', '-config', config, '-keyfile', `${issuer}.key`, '-cert', `${issuer}.pem`, '-gencrl',
    '-crl_lastupdate', stamp(thisUpdate), '-crl_nextupdate', stamp(nextUpdate), '-out', `${out}.pem`);
  if (opts.form === 'DER') openssl('crl', '-in', `${out}.pem`, '-outform', 'DER', '-out', out);
  else fs.copyFileSync(file(`${out}.pem`), file(out));
  return file(out);
}

function sources(overrides: Partial<CardTrustSources> = {}): CardTrustSources {
  return { anchorPems: [read('root.pem')], intermediatePems: [read('int.pem')], crlSources: [], crlGraceMs: 0, crlRefreshMs: 0, ...overrides };
}

const trusts: CardTrust[] = [];
async function trustOf(overrides: Partial<CardTrustSources> = {}): Promise<CardTrust> {
  const trust = await createCardTrust(sources(overrides));
  trusts.push(trust);
  return trust;
}

let now: Date;
let leafSerial: string;

beforeAll(() => {
  fs.writeFileSync(file('ext.cnf'), EXTENSIONS);
  // openssl starts validity at the second it signs: check a few minutes later than every certificate made here.
  now = new Date(Date.now() + 5 * 60 * 1000);
  root('root', 'root');
  issue('int', 'root', 'int', { days: 1000 });
  leafSerial = issue('leaf', 'int', 'leaf');
  issue('leaf2', 'int', 'leaf', { keyOf: 'leaf' });
  // The same key, subject and issuer name as `leaf`, certified for key signing only.
  issue('certsign', 'int', 'leaf_certsign_only', { keyOf: 'leaf' });
  issue('nokeyusage', 'int', 'leaf_no_key_usage', { keyOf: 'leaf' });
  issue('tls', 'int', 'tls_server', { keyOf: 'leaf' });
  issue('catrue', 'int', 'leaf_ca_true', { keyOf: 'leaf' });
  issue('critical', 'int', 'leaf_critical', { keyOf: 'leaf' });
  issue('noncritical', 'int', 'leaf_noncritical', { keyOf: 'leaf' });
  issue('otherpolicy', 'int', 'leaf_other_policy', { keyOf: 'leaf' });
  issue('nopolicy', 'int', 'leaf_no_policy', { keyOf: 'leaf' });
  // An intermediate that expires after a day, and one with an unknown critical extension.
  issue('shortint', 'root', 'int', { days: 1 });
  issue('shortleaf', 'shortint', 'leaf', { keyOf: 'leaf' });
  issue('critint', 'root', 'int_critical');
  issue('critintleaf', 'critint', 'leaf', { keyOf: 'leaf' });
  // Path length: `int` allows no CA below it; a root with pathlen 0 allows no intermediate at all.
  issue('subint', 'int', 'int');
  issue('subintleaf', 'subint', 'leaf', { keyOf: 'leaf' });
  root('root0', 'root_pathlen0');
  issue('int0', 'root0', 'int');
  issue('int0leaf', 'int0', 'leaf', { keyOf: 'leaf' });
  issue('anyint', 'root', 'int_any_policy');
  issue('anyintleaf', 'anyint', 'leaf', { keyOf: 'leaf' });
  // Some 30 openssl runs, on a machine that may be busy.
}, 120_000);
afterAll(() => {
  for (const trust of trusts) trust.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function challengeNow(): StoredChallenge {
  return {
    challengeId: crypto.randomUUID(),
    nonce: crypto.randomBytes(32).toString('base64url'),
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
    usedAt: null,
  };
}
function answer(certificate: Buffer, challenge: StoredChallenge): HandoffResponse {
  const signature = crypto.sign('sha256', Buffer.from(handoffSigningInput(challenge), 'utf8'), crypto.createPrivateKey(read('leaf.key')));
  return { protocol: HANDOFF_PROTOCOL, challengeId: challenge.challengeId, nonce: challenge.nonce, signature: signature.toString('base64url'), certificate: certificate.toString('base64') };
}

describe('card certificate path validation (RFC 5280)', { timeout: 30_000 }, () => {
  it('issue 12 #5: a card certificate chaining through a configured intermediate CA to the anchor is accepted', async () => {
    const trust = await trustOf();
    const challenge = challengeNow();
    expect(await verifyHandoffResponse({ response: answer(der('leaf'), challenge), challenge, trust, now })).toEqual({
      ok: true,
      certificateSerial: leafSerial,
    });
    // Without the intermediate in the trust set there is no path.
    const anchorOnly = await trustOf({ intermediatePems: [] });
    expect(await anchorOnly.checkCertificate(der('leaf'), now)).toEqual({ ok: false, rejection: 'certificate_untrusted' });
    // The intermediate as the anchor is a path too.
    const intAnchor = await trustOf({ anchorPems: [read('int.pem')], intermediatePems: [] });
    expect(await intAnchor.checkCertificate(der('leaf'), now)).toMatchObject({ ok: true, serial: leafSerial });
  });

  it('issue 12 #5: refuses a leaf whose key usage is certificate signing only, or that has no key usage', async () => {
    const trust = await trustOf();
    expect(await trust.checkCertificate(der('certsign'), now)).toEqual({ ok: false, rejection: 'certificate_untrusted' });
    expect(await trust.checkCertificate(der('nokeyusage'), now)).toEqual({ ok: false, rejection: 'certificate_untrusted' });
  });

  it('issue 12 #5: refuses a TLS-server leaf without CA:FALSE, and a leaf that says CA:TRUE', async () => {
    const trust = await trustOf();
    const challenge = challengeNow();
    for (const name of ['tls', 'catrue']) {
      expect(await verifyHandoffResponse({ response: answer(der(name), challenge), challenge, trust, now })).toEqual({
        ok: false,
        rejection: 'certificate_untrusted',
      });
    }
  });

  it('issue 12 #5: refuses an unknown critical extension in the leaf or an intermediate; the same extension non-critical passes', async () => {
    const trust = await trustOf({ intermediatePems: [read('int.pem'), read('critint.pem')] });
    expect(await trust.checkCertificate(der('critical'), now)).toEqual({ ok: false, rejection: 'certificate_untrusted' });
    expect(await trust.checkCertificate(der('critintleaf'), now)).toEqual({ ok: false, rejection: 'certificate_untrusted' });
    expect(await trust.checkCertificate(der('noncritical'), now)).toMatchObject({ ok: true });
  });

  it('issue 12 #5: refuses a DER certificate with 4 junk bytes appended', async () => {
    const trust = await trustOf();
    const challenge = challengeNow();
    const padded = Buffer.concat([der('leaf'), Buffer.from([0xde, 0xad, 0xbe, 0xef])]);
    expect(await verifyHandoffResponse({ response: answer(padded, challenge), challenge, trust, now })).toEqual({
      ok: false,
      rejection: 'certificate_malformed',
    });
    expect(await trust.checkCertificate(der('leaf'), now)).toMatchObject({ ok: true });
  });

  it('issue 12 #5: refuses a card once its intermediate CA has expired, though the card itself is still valid', async () => {
    const trust = await trustOf({ intermediatePems: [read('int.pem'), read('shortint.pem')] });
    expect(await trust.checkCertificate(der('shortleaf'), now)).toMatchObject({ ok: true });
    const later = new Date(now.getTime() + 2 * DAY);
    expect(await trust.checkCertificate(der('shortleaf'), later)).toEqual({ ok: false, rejection: 'certificate_untrusted' });
    expect(await trust.checkCertificate(der('leaf'), later)).toMatchObject({ ok: true });
    // The card's own validity: refused as expired.
    expect(await trust.checkCertificate(der('leaf'), new Date(now.getTime() + 400 * DAY))).toEqual({ ok: false, rejection: 'certificate_expired' });
  });

  it('issue 12 #5: respects pathLenConstraint on the anchor and on intermediates', async () => {
    const below = await trustOf({ intermediatePems: [read('int.pem'), read('subint.pem')] });
    expect(await below.checkCertificate(der('subintleaf'), now)).toEqual({ ok: false, rejection: 'certificate_untrusted' });
    const rootZero = await trustOf({ anchorPems: [read('root0.pem')], intermediatePems: [read('int0.pem')] });
    expect(await rootZero.checkCertificate(der('int0leaf'), now)).toEqual({ ok: false, rejection: 'certificate_untrusted' });
    // The same intermediate as the anchor itself: no CA between it and the card, so within pathlen 0.
    const intZero = await trustOf({ anchorPems: [read('int0.pem')], intermediatePems: [] });
    expect(await intZero.checkCertificate(der('int0leaf'), now)).toMatchObject({ ok: true });
  });

  it('issue 12 #5: with a certificate policy configured, a card without that policy is refused', async () => {
    const trust = await trustOf({ policyOid: POLICY, intermediatePems: [read('int.pem'), read('anyint.pem')] });
    expect(await trust.checkCertificate(der('leaf'), now)).toMatchObject({ ok: true });
    // anyPolicy on an intermediate lets the card's policy through.
    expect(await trust.checkCertificate(der('anyintleaf'), now)).toMatchObject({ ok: true });
    expect(await trust.checkCertificate(der('otherpolicy'), now)).toEqual({ ok: false, rejection: 'certificate_untrusted' });
    expect(await trust.checkCertificate(der('nopolicy'), now)).toEqual({ ok: false, rejection: 'certificate_untrusted' });
    // Without a configured policy, policies are not checked.
    expect(await (await trustOf()).checkCertificate(der('otherpolicy'), now)).toMatchObject({ ok: true });
  });
});

describe('card revocation lists', { timeout: 30_000 }, () => {
  it('issue 12 #4: a CRL issued by the intermediate revokes its card, matched by issuer and serial', async () => {
    // Another intermediate issues a card with the very same serial number.
    issue('intb', 'root', 'int');
    issue('intbleaf', 'intb', 'leaf', { keyOf: 'leaf', serial: Number.parseInt(leafSerial, 16) });
    const revoking = crl('int', ['leaf'], { out: 'int-revoking.crl', form: 'DER' });
    const other = crl('intb', [], { out: 'intb.crl' });
    const rootList = crl('root', [], { out: 'root.crl' });
    const trust = await trustOf({ intermediatePems: [read('int.pem'), read('intb.pem')], crlSources: [revoking, other, rootList] });
    expect(await trust.checkCertificate(der('leaf'), now)).toEqual({ ok: false, rejection: 'certificate_revoked' });
    expect(await trust.checkCertificate(der('leaf2'), now)).toMatchObject({ ok: true });
    expect(await trust.checkCertificate(der('intbleaf'), now)).toMatchObject({ ok: true, serial: leafSerial });
    expect(trust.status(now)).toMatchObject({ sources: 3, failingSources: 0 });
    expect(trust.status(now).lists.map((list) => list.issuer).sort()).toEqual(['CN=int', 'CN=intb', 'CN=root']);
  });

  it('issue 12 #4: an intermediate revoked by the root’s list takes its cards with it', async () => {
    issue('intc', 'root', 'int');
    issue('intcleaf', 'intc', 'leaf', { keyOf: 'leaf' });
    const trust = await trustOf({
      intermediatePems: [read('int.pem'), read('intc.pem')],
      crlSources: [crl('root', ['intc'], { out: 'root-revoking.crl' }), crl('intc', [], { out: 'intc.crl' })],
    });
    expect(await trust.checkCertificate(der('intcleaf'), now)).toEqual({ ok: false, rejection: 'certificate_revoked' });
  });

  it('issue 12 #4: a list past nextUpdate plus the grace refuses its issuer’s cards with revocation_unavailable', async () => {
    const thisUpdate = new Date(now.getTime() - 2 * DAY);
    const nextUpdate = new Date(now.getTime() - HOUR);
    const stale = crl('int', [], { thisUpdate, nextUpdate, out: 'int-stale.crl' });
    const strict = await trustOf({ crlSources: [stale], crlGraceMs: 0 });
    expect(await strict.checkCertificate(der('leaf2'), now)).toEqual({ ok: false, rejection: 'revocation_unavailable' });
    const [list] = strict.status(now).lists;
    expect(list).toEqual({
      issuer: 'CN=int',
      thisUpdate: new Date(Math.floor(thisUpdate.getTime() / 1000) * 1000).toISOString(),
      nextUpdate: new Date(Math.floor(nextUpdate.getTime() / 1000) * 1000).toISOString(),
      ageSeconds: expect.any(Number),
      fresh: false,
      // `leaf`, revoked by the first test in this intermediate's database.
      revokedCount: 1,
    });
    expect(list!.ageSeconds).toBeGreaterThanOrEqual(2 * 24 * 3600 - 1);
    // Within a 2-hour grace the same list is still good enough.
    const lenient = await trustOf({ crlSources: [stale], crlGraceMs: 2 * HOUR });
    expect(await lenient.checkCertificate(der('leaf2'), now)).toMatchObject({ ok: true });
    expect(await lenient.checkCertificate(der('leaf2'), new Date(now.getTime() + 2 * HOUR))).toEqual({ ok: false, rejection: 'revocation_unavailable' });
    // A list from a CA that is not the card's issuer does not stand in for it.
    const wrongIssuer = await trustOf({ crlSources: [crl('root', [], { out: 'root-only.crl' })] });
    expect(await wrongIssuer.checkCertificate(der('leaf2'), now)).toEqual({ ok: false, rejection: 'revocation_unavailable' });
  });

  it('issue 12 #4: a card revoked while the server runs is refused after the next refresh, without a restart', async () => {
    issue('live', 'int', 'leaf', { keyOf: 'leaf' });
    const source = file('int-live.crl');
    crl('int', [], { out: 'int-live.crl', thisUpdate: new Date(now.getTime() - HOUR) });
    const trust = await trustOf({ crlSources: [source] });
    expect(await trust.checkCertificate(der('live'), now)).toMatchObject({ ok: true });
    crl('int', ['live'], { out: 'int-live.crl', thisUpdate: new Date(now.getTime() + 1000) });
    // The path result is cached; revocation is not.
    expect(await trust.checkCertificate(der('live'), now)).toMatchObject({ ok: true });
    await trust.refresh();
    expect(await trust.checkCertificate(der('live'), now)).toEqual({ ok: false, rejection: 'certificate_revoked' });
  });

  it('issue 12 #4: the background refresh picks up a new list by itself (and stops when told)', async () => {
    issue('timed', 'int', 'leaf', { keyOf: 'leaf' });
    const source = crl('int', [], { out: 'int-timed.crl', thisUpdate: new Date(now.getTime() - HOUR) });
    const trust = await trustOf({ crlSources: [source], crlRefreshMs: 50 });
    expect(await trust.checkCertificate(der('timed'), now)).toMatchObject({ ok: true });
    crl('int', ['timed'], { out: 'int-timed.crl', thisUpdate: new Date(now.getTime() + 2000) });
    await vi.waitFor(async () => expect(await trust.checkCertificate(der('timed'), now)).toEqual({ ok: false, rejection: 'certificate_revoked' }), {
      timeout: 10_000,
      interval: 50,
    });
    trust.stop();
    // Let a refresh that was already under way finish.
    await trust.refresh();
    const refreshedAt = trust.status(now).lastRefreshAt;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(trust.status(now).lastRefreshAt).toBe(refreshedAt);
  });

  it('issue 12 #4: a list with a bad signature, a forged issuer or an older date is ignored and the last good one kept', async () => {
    issue('kept', 'int', 'leaf', { keyOf: 'leaf' });
    // A genuine list from before the card was revoked, to be replayed later.
    const old = fs.readFileSync(crl('int', [], { out: 'int-old.crl', thisUpdate: new Date(now.getTime() - DAY) }));
    const source = crl('int', ['kept'], { out: 'int-kept.crl', thisUpdate: new Date(now.getTime() + 3000), form: 'DER' });
    const good = fs.readFileSync(source);
    const trust = await trustOf({ crlSources: [source] });
    expect(await trust.checkCertificate(der('kept'), now)).toEqual({ ok: false, rejection: 'certificate_revoked' });

    // 1. The same list with one signature byte flipped.
    const tampered = Buffer.from(good);
    tampered[tampered.length - 5] = tampered[tampered.length - 5]! ^ 0x01;
    fs.writeFileSync(source, tampered);
    await trust.refresh();
    expect(trust.status(now).failingSources).toBe(1);
    expect(await trust.checkCertificate(der('kept'), now)).toEqual({ ok: false, rejection: 'certificate_revoked' });

    // 2. An empty list by a CA with the intermediate's name but another key.
    root('forger', 'root', 'int');
    crl('forger', [], { out: 'forged.crl', thisUpdate: new Date(now.getTime() + 4000), form: 'DER' });
    fs.copyFileSync(file('forged.crl'), source);
    await trust.refresh();
    expect(await trust.checkCertificate(der('kept'), now)).toEqual({ ok: false, rejection: 'certificate_revoked' });

    // 3. An older, genuine list from before the revocation (a replayed copy).
    fs.writeFileSync(source, old);
    await trust.refresh();
    expect(await trust.checkCertificate(der('kept'), now)).toEqual({ ok: false, rejection: 'certificate_revoked' });

    // 4. An unreachable source.
    fs.rmSync(source);
    await trust.refresh();
    expect(trust.status(now)).toMatchObject({ failingSources: 1, lists: [{ issuer: 'CN=int', revokedCount: expect.any(Number) }] });
    expect(await trust.checkCertificate(der('kept'), now)).toEqual({ ok: false, rejection: 'certificate_revoked' });
  });

  it('issue 12 #4: lists are fetched from http(s) sources, DER or PEM', async () => {
    issue('web', 'int', 'leaf', { keyOf: 'leaf' });
    const body = fs.readFileSync(crl('int', ['web'], { out: 'int-web.crl', form: 'DER' }));
    const server = http.createServer((req, res) => {
      if (req.url === '/int.crl') res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const trust = await trustOf({ crlSources: [`http://127.0.0.1:${port}/int.crl`, `http://127.0.0.1:${port}/missing.crl`] });
      expect(trust.status(now)).toMatchObject({ sources: 2, failingSources: 1 });
      expect(await trust.checkCertificate(der('web'), now)).toEqual({ ok: false, rejection: 'certificate_revoked' });
    } finally {
      server.close();
    }
  });
});
