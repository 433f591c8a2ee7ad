// reflect-metadata must be loaded before @peculiar/x509 (its ASN.1 schemas use decorators).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import crypto from 'node:crypto';

/**
 * The reception's view of the card PKI (R6): which CAs issue card user certificates and which
 * certificates are revoked. Independent of the simulator: a real deployment loads the JPKI CA
 * and its CRL here.
 */
export interface CardTrust {
  anchors: crypto.X509Certificate[];
  isRevoked(serialHex: string): boolean;
}

/** Serials compare as numbers: case-insensitive hex without leading zeros. */
export function normalizeSerial(serialHex: string): string {
  const hex = serialHex.trim().toLowerCase().replace(/^0+/, '');
  return hex === '' ? '0' : hex;
}

export function loadCardTrust(input: { anchorPem: string; crlPem?: string }): CardTrust {
  const anchors = parseAnchors(input.anchorPem);
  const revoked = new Set<string>();
  if (input.crlPem !== undefined) {
    let crl: x509.X509Crl;
    try {
      crl = new x509.X509Crl(input.crlPem);
    } catch {
      throw new Error('The card CRL could not be parsed.');
    }
    // A CRL anyone could have written would let them un-revoke a certificate: refuse it.
    if (!anchors.some((anchor) => crlSignedBy(crl, anchor))) {
      throw new Error('The card CRL is not signed by a trusted card CA.');
    }
    for (const entry of crl.entries) revoked.add(normalizeSerial(entry.serialNumber));
  }
  return { anchors, isRevoked: (serialHex) => revoked.has(normalizeSerial(serialHex)) };
}

function parseAnchors(pem: string): crypto.X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('The card trust anchor contains no certificate.');
  return blocks.map((block) => {
    const cert = new crypto.X509Certificate(block);
    if (!cert.ca) throw new Error('A card trust anchor is not a CA certificate.');
    return cert;
  });
}

const HASHES: Record<string, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

function crlSignedBy(crl: x509.X509Crl, anchor: crypto.X509Certificate): boolean {
  // Typed against DOM's Algorithm, which the server's Node-only lib does not have.
  const algorithm = crl.signatureAlgorithm as unknown as { name: string; hash: { name: string } };
  const hash = HASHES[algorithm.hash.name];
  const keyType = anchor.publicKey.asymmetricKeyType;
  const fits = (algorithm.name === 'RSASSA-PKCS1-v1_5' && keyType === 'rsa') || (algorithm.name === 'ECDSA' && keyType === 'ec');
  if (!hash || !fits) return false;
  try {
    return crypto.verify(hash, tbsOf(new Uint8Array(crl.rawData)), anchor.publicKey, Buffer.from(crl.signature));
  } catch {
    return false;
  }
}

/**
 * The signed bytes of a CRL, exactly as received: the first element of the outer SEQUENCE
 * (CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }).
 */
function tbsOf(der: Uint8Array): Uint8Array {
  if (der[0] !== 0x30) throw new Error('not a DER SEQUENCE');
  const outer = readLength(der, 1);
  if (der[outer.next] !== 0x30) throw new Error('not a DER SEQUENCE');
  const inner = readLength(der, outer.next + 1);
  const end = inner.next + inner.length;
  if (end > der.length) throw new Error('truncated DER');
  return der.subarray(outer.next, end);
}

function readLength(der: Uint8Array, pos: number): { length: number; next: number } {
  const first = der[pos];
  if (first === undefined) throw new Error('truncated DER');
  if (first < 0x80) return { length: first, next: pos + 1 };
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new Error('unsupported DER length');
  let length = 0;
  for (let i = 1; i <= count; i++) {
    const byte = der[pos + i];
    if (byte === undefined) throw new Error('truncated DER');
    length = length * 256 + byte;
  }
  return { length, next: pos + 1 + count };
}

/**
 * Where the card PKI comes from, as configured (issue 12 §1): PEM texts of the trust anchors and
 * intermediate CAs, and the revocation lists' sources (file paths or http(s) URLs).
 */
export interface CardTrustSources {
  anchorPems: string[];
  intermediatePems: string[];
  crlSources: string[];
  /** How long past a list's nextUpdate its issuer's cards are still accepted. */
  crlGraceMs: number;
  /** How often the lists are fetched again in the background. */
  crlRefreshMs: number;
  /** When set, a card's certificate must carry this certificate policy OID. */
  policyOid?: string | undefined;
}

/**
 * The trust the reception checks cards against, built from configuration.
 * TODO(issue 12 §2–3): full path validation and refreshed revocation replace this first cut,
 * which reads the first list once.
 */
export async function createCardTrust(sources: CardTrustSources): Promise<CardTrust> {
  const first = sources.crlSources[0];
  let crlPem: string | undefined;
  if (first !== undefined) {
    crlPem = /^https?:\/\//.test(first) ? await (await fetch(first)).text() : (await import('node:fs')).readFileSync(first, 'utf8');
  }
  return loadCardTrust({ anchorPem: sources.anchorPems.join('\n'), ...(crlPem === undefined ? {} : { crlPem }) });
}
