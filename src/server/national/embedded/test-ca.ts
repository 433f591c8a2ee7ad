// reflect-metadata must be loaded before @peculiar/x509 (its ASN.1 schemas use decorators).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import crypto, { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { normalizeSerial } from '../card-trust.ts';
import { DEMO_CARDS, type DemoCard } from './card-simulator/demo-cards.ts';
import { withDirectoryLock } from '../../directory-lock.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

// @peculiar/x509's typings see a slightly different (DOM-style) CryptoKey than node:crypto's; the
// objects are the same at run time.
export interface KeyPair {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}
const asNodeKey = (key: CryptoKey) => key as unknown as webcrypto.CryptoKey;

/**
 * A local stand-in for the JPKI certification authority (DOMAIN §10): a test CA, one user
 * certificate (利用者証明用電子証明書) per demo card and a CRL. Demo only — the keys sit in
 * 0600 files under the simulator's own directory (SIM_DATA_DIR), which the reception never reads.
 */

export type KeyAlgorithm = 'RSA' | 'EC';

const RSA_ALGORITHM = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' };

function signingAlgorithm(algorithm: KeyAlgorithm) {
  return algorithm === 'RSA' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', hash: 'SHA-256' };
}

export async function generateKeys(algorithm: KeyAlgorithm = 'RSA'): Promise<KeyPair> {
  const params = algorithm === 'RSA' ? RSA_ALGORITHM : EC_ALGORITHM;
  return (await webcrypto.subtle.generateKey(params, true, ['sign', 'verify'])) as unknown as KeyPair;
}

export interface TestCa {
  cert: x509.X509Certificate;
  certPem: string;
  keys: KeyPair;
  algorithm: KeyAlgorithm;
}

export interface IssuedCertificate {
  certPem: string;
  certDer: Buffer;
  privateKey: crypto.KeyObject;
  /** PKCS#8 PEM of the private key, for persisting. */
  privateKeyPem: string;
}

/** The demo CA's subject: production refuses a trust set with a CA of this name (issue 12 #3). */
export const DEMO_CA_NAME = 'CN=Zaitaku Demo JPKI Test CA, O=Zaitaku Uketsuke (demo), C=JP';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function createCa(opts: {
  now: Date;
  name?: string;
  algorithm?: KeyAlgorithm;
  keys?: KeyPair;
  serialNumber?: string;
}): Promise<TestCa> {
  const algorithm = opts.algorithm ?? 'RSA';
  const keys = opts.keys ?? (await generateKeys(algorithm));
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: opts.serialNumber ?? '01',
    name: opts.name ?? DEMO_CA_NAME,
    // Backdated so the CA covers the expired demo card's whole validity; 20 years ahead.
    notBefore: new Date(opts.now.getTime() - 6 * YEAR_MS),
    notAfter: new Date(opts.now.getTime() + 20 * YEAR_MS),
    keys,
    signingAlgorithm: signingAlgorithm(algorithm),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, certPem: cert.toString('pem'), keys, algorithm };
}

/** A user certificate: no name in the subject, as on a real 利用者証明用電子証明書. */
export async function issueCertificate(
  ca: TestCa,
  opts: {
    serialNumber: string;
    notBefore: Date;
    notAfter: Date;
    /** Reuse a key pair (key generation is the slow part); otherwise a new one of `algorithm`. */
    keys?: KeyPair;
    algorithm?: KeyAlgorithm;
    subject?: string;
  },
): Promise<IssuedCertificate> {
  const keys = opts.keys ?? (await generateKeys(opts.algorithm ?? 'RSA'));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: opts.serialNumber,
    subject: opts.subject ?? 'CN=JPKI User Certificate (demo)',
    issuer: ca.cert.subjectName,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: signingAlgorithm(ca.algorithm),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', asNodeKey(keys.privateKey)));
  const privateKey = crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return {
    certPem: cert.toString('pem'),
    certDer: Buffer.from(cert.rawData),
    privateKey,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

export async function createCrl(
  ca: TestCa,
  serials: readonly string[],
  opts: { now: Date; nextUpdate?: Date },
): Promise<string> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.cert.subjectName,
    thisUpdate: opts.now,
    nextUpdate: opts.nextUpdate ?? new Date(opts.now.getTime() + 20 * YEAR_MS),
    entries: serials.map((serialNumber) => ({ serialNumber, revocationDate: opts.now })),
    signingKey: ca.keys.privateKey,
    signingAlgorithm: signingAlgorithm(ca.algorithm),
  });
  return crl.toString('pem');
}

export interface CardKeyMaterial {
  certPem: string;
  certDer: Buffer;
  privateKey: crypto.KeyObject;
}

export interface TestCaMaterial {
  caCertPem: string;
  crlPem: string;
  /** Where the CRL is written: the reception's revocation source in the demo. */
  crlFile: string;
  cards: Map<string, CardKeyMaterial>;
}

function validityFor(card: DemoCard, now: Date): { notBefore: Date; notAfter: Date } {
  if (card.kind === 'expiredCertificate') {
    return { notBefore: new Date(now.getTime() - 5 * YEAR_MS), notAfter: new Date(now.getTime() - DAY_MS) };
  }
  // A real user certificate lasts until the 5th birthday after issue: about 4 years left.
  return { notBefore: new Date(now.getTime() - YEAR_MS), notAfter: new Date(now.getTime() + 4 * YEAR_MS) };
}

/** Written to a temporary name and renamed, so a crash never leaves a half-written file. */
function writeFileAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, data, { mode });
  fs.renameSync(tmp, file);
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function importCaKeys(certPem: string, keyPem: string): Promise<KeyPair> {
  const cert = new x509.X509Certificate(certPem);
  const params = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const privateKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), params, true, ['sign']);
  const publicKey = await cert.publicKey.export(params, ['verify']);
  return { privateKey: privateKey as unknown as CryptoKey, publicKey };
}

/** Whether a card's stored certificate still fits the card (serial, expired or not at `now`). */
function fitsCard(card: DemoCard, certPem: string, now: Date): boolean {
  const cert = new crypto.X509Certificate(certPem);
  if (normalizeSerial(cert.serialNumber) !== normalizeSerial(card.certSerial)) return false;
  const expired = now < cert.validFromDate || now > cert.validToDate;
  return expired === (card.kind === 'expiredCertificate');
}

function crlCurrent(crlPem: string, now: Date): boolean {
  try {
    const nextUpdate = new x509.X509Crl(crlPem).nextUpdate;
    return nextUpdate !== undefined && now < nextUpdate;
  } catch {
    return false;
  }
}

/**
 * The demo PKI under `dir`: created on first use, loaded from disk afterwards. A card whose files
 * are missing or no longer fit (e.g. a normal card's certificate expired) is issued again, and
 * then the CRL too.
 */
export async function ensureTestCa(dir: string, now: Date): Promise<TestCaMaterial> {
  // Two server processes started together on one data directory (issue 17 #5) each start a
  // simulator on the same directory: one makes the CA and the cards, the other then reads them.
  return withDirectoryLock(`${dir}.lock`, () => ensureTestCaNow(dir, now), { staleMs: 120_000, pollMs: 50 });
}

async function ensureTestCaNow(dir: string, now: Date): Promise<TestCaMaterial> {
  const cardsDir = path.join(dir, 'cards');
  fs.mkdirSync(cardsDir, { recursive: true, mode: 0o700 });
  // Owner only, also for a directory that existed before (issue 12 #3).
  fs.chmodSync(dir, 0o700);
  fs.chmodSync(cardsDir, 0o700);
  const caCertFile = path.join(dir, 'ca-cert.pem');
  const caKeyFile = path.join(dir, 'ca-key.pem');
  const crlFile = path.join(dir, 'crl.pem');

  let caPromise: Promise<TestCa> | undefined;
  const loadOrCreateCa = (): Promise<TestCa> => {
    caPromise ??= (async () => {
      const certPem = readIfExists(caCertFile);
      const keyPem = readIfExists(caKeyFile);
      if (certPem && keyPem) {
        return { cert: new x509.X509Certificate(certPem), certPem, keys: await importCaKeys(certPem, keyPem), algorithm: 'RSA' };
      }
      const ca = await createCa({ now });
      const caKeyPem = crypto.KeyObject.from(asNodeKey(ca.keys.privateKey)).export({ format: 'pem', type: 'pkcs8' }).toString();
      // The key first: the certificate's presence marks the CA as complete.
      writeFileAtomic(caKeyFile, caKeyPem, 0o600);
      writeFileAtomic(caCertFile, ca.certPem, 0o644);
      return ca;
    })();
    return caPromise;
  };

  const existingCaCert = readIfExists(caCertFile);
  const caIsNew = existingCaCert === undefined || readIfExists(caKeyFile) === undefined;
  let reissued = caIsNew;
  const cards = new Map<string, CardKeyMaterial>();
  await Promise.all(
    DEMO_CARDS.map(async (card) => {
      const keyFile = path.join(cardsDir, `${card.id}.key.pem`);
      const certFile = path.join(cardsDir, `${card.id}.cert.pem`);
      const keyPem = caIsNew ? undefined : readIfExists(keyFile);
      const certPem = caIsNew ? undefined : readIfExists(certFile);
      if (keyPem && certPem && fitsCard(card, certPem, now)) {
        const certDer = Buffer.from(new crypto.X509Certificate(certPem).raw);
        cards.set(card.id, { certPem, certDer, privateKey: crypto.createPrivateKey(keyPem) });
        return;
      }
      reissued = true;
      const issued = await issueCertificate(await loadOrCreateCa(), { serialNumber: card.certSerial, ...validityFor(card, now) });
      writeFileAtomic(keyFile, issued.privateKeyPem, 0o600);
      writeFileAtomic(certFile, issued.certPem, 0o644);
      cards.set(card.id, { certPem: issued.certPem, certDer: issued.certDer, privateKey: issued.privateKey });
    }),
  );

  let crlPem = reissued ? undefined : readIfExists(crlFile);
  // A list past its nextUpdate (or without one) would make the reception refuse every demo card.
  if (crlPem !== undefined && !crlCurrent(crlPem, now)) crlPem = undefined;
  if (crlPem === undefined) {
    const revoked = DEMO_CARDS.filter((card) => card.kind === 'revoked').map((card) => card.certSerial);
    crlPem = await createCrl(await loadOrCreateCa(), revoked, { now });
    writeFileAtomic(crlFile, crlPem, 0o644);
  }
  const caCertPem = readIfExists(caCertFile);
  if (caCertPem === undefined) throw new Error('The test CA certificate could not be written.');
  return { caCertPem, crlPem, crlFile, cards };
}
