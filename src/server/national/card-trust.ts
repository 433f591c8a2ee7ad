// reflect-metadata must be loaded before @peculiar/x509 (its ASN.1 schemas use decorators).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import crypto, { webcrypto } from 'node:crypto';
import fs from 'node:fs/promises';
import type { CardRevocationStatus } from '../../domain/shared/api.ts';
import type { HandoffRejection } from '../../domain/registration/handoff.ts';
import { log } from '../http/logger.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/**
 * The reception's view of the card PKI (R6, issue 12 §2–3): which CAs issue card user
 * certificates, RFC 5280 path validation up to a configured anchor, and revocation lists that are
 * fetched again in the background. Independent of the simulator: a real deployment configures the
 * JPKI CAs and their CRL sources here.
 */
export interface CardTrust {
  /** The configured trust anchors (e.g. to tell whether the demo CA is among them). */
  anchors: crypto.X509Certificate[];
  /** Path validation and revocation of a card's user certificate (DER) at `now`, the signing time. */
  checkCertificate(der: Uint8Array, now: Date): Promise<CertificateCheck>;
  /** Each revocation list's issuer, dates, age and freshness, for /api/health. */
  status(now?: Date): CardRevocationStatus;
  /** Fetches every source again; a source that fails keeps its issuer's last good list. */
  refresh(): Promise<void>;
  /** Ends the background refresh. */
  stop(): void;
}

export type CertificateRejection = Extract<
  HandoffRejection,
  'certificate_malformed' | 'certificate_untrusted' | 'certificate_expired' | 'certificate_revoked' | 'revocation_unavailable'
>;

export type CertificateCheck =
  | { ok: true; serial: string; publicKey: crypto.KeyObject }
  | { ok: false; rejection: CertificateRejection };

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

export interface CardTrustOptions {
  /** The clock for refresh times and /api/health; certificate checks get their own `now`. */
  now?: () => Date;
  fetch?: typeof fetch;
}

/** Serials compare as numbers: case-insensitive hex without leading zeros. */
export function normalizeSerial(serialHex: string): string {
  const hex = serialHex.trim().toLowerCase().replace(/^0+/, '');
  return hex === '' ? '0' : hex;
}

const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  certificatePolicies: '2.5.29.32',
  anyPolicy: '2.5.29.32.0',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  crlDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  invalidityDate: '2.5.29.24',
} as const;

/**
 * Extensions this validator processes or that need no processing. Anything else marked critical
 * (name constraints, policy mappings and constraints included: they are not implemented) makes a
 * certificate unusable, as RFC 5280 §4.2 requires.
 */
const KNOWN_CERT_EXTENSIONS = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.certificatePolicies,
  OID.subjectAltName,
  OID.issuerAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.crlDistributionPoints,
  OID.authorityInfoAccess,
]);
/** A critical CRL extension outside these (delta, indirect, partitioned lists) makes the list unusable (§5.2). */
const KNOWN_CRL_EXTENSIONS = new Set<string>([OID.crlNumber, OID.authorityKeyIdentifier]);
const KNOWN_CRL_ENTRY_EXTENSIONS = new Set<string>([OID.crlReason, OID.invalidityDate]);

const PATH_CACHE_LIMIT = 1000;
const MAX_CRL_BYTES = 256 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 30_000;

interface CaCertificate {
  cert: x509.X509Certificate;
  fingerprint: string;
}

interface RevocationList {
  issuer: CaCertificate;
  thisUpdate: Date;
  nextUpdate: Date;
  revoked: Set<string>;
}

/** The time-independent part of a check, cached per certificate fingerprint. */
type PathResult = { ok: true; path: x509.X509Certificate[]; publicKey: crypto.KeyObject } | { ok: false; rejection: CertificateRejection };

function fingerprint(raw: ArrayBuffer | Uint8Array): string {
  return crypto.createHash('sha256').update(new Uint8Array(raw)).digest('hex');
}

function parseCertificates(pems: string[], role: string): CaCertificate[] {
  const certs: CaCertificate[] = [];
  for (const pem of pems) {
    let blocks: ArrayBuffer[];
    try {
      blocks = x509.PemConverter.decode(pem);
    } catch {
      throw new Error(`A card ${role} could not be read as PEM.`);
    }
    for (const block of blocks) {
      let cert: x509.X509Certificate;
      try {
        cert = new x509.X509Certificate(block);
      } catch {
        throw new Error(`A card ${role} could not be parsed as a certificate.`);
      }
      if (cert.getExtension(x509.BasicConstraintsExtension)?.ca !== true) throw new Error(`A card ${role} is not a CA certificate.`);
      certs.push({ cert, fingerprint: fingerprint(cert.rawData) });
    }
  }
  return certs;
}

/**
 * The trust the reception checks cards against, built from configuration. Lists are loaded once
 * before this resolves, then every `crlRefreshMs` in the background (the timer does not keep the
 * process alive; `stop()` ends it).
 */
export async function createCardTrust(sources: CardTrustSources, options: CardTrustOptions = {}): Promise<CardTrust> {
  const clock = options.now ?? (() => new Date());
  const fetchFn = options.fetch ?? fetch;
  const anchors = parseCertificates(sources.anchorPems, 'trust anchor');
  if (anchors.length === 0) throw new Error('No card trust anchor is configured.');
  const intermediates = parseCertificates(sources.intermediatePems, 'intermediate CA');
  const cas = [...anchors, ...intermediates];
  const anchorPrints = new Set(anchors.map((a) => a.fingerprint));
  const builder = new x509.X509ChainBuilder({ certificates: cas.map((ca) => ca.cert) });

  const lists = new Map<string, RevocationList>();
  const failing = new Set<number>();
  let lastRefreshAt: Date | null = null;
  let refreshing: Promise<void> | undefined;
  const pathCache = new Map<string, Promise<PathResult>>();

  async function buildPath(der: Uint8Array<ArrayBuffer>): Promise<PathResult> {
    const untrusted = { ok: false, rejection: 'certificate_untrusted' } as const;
    let leaf: x509.X509Certificate;
    let publicKey: crypto.KeyObject;
    try {
      leaf = new x509.X509Certificate(der);
      // Exact DER: OpenSSL's encoding of what it parsed must be byte-identical to what was sent
      // (no trailing bytes, no BER variants).
      const node = new crypto.X509Certificate(der);
      if (!Buffer.from(node.raw).equals(Buffer.from(der))) return { ok: false, rejection: 'certificate_malformed' };
      publicKey = node.publicKey;
    } catch {
      return { ok: false, rejection: 'certificate_malformed' };
    }
    let chain: x509.X509Certificate[];
    try {
      chain = [...(await builder.build(leaf))];
    } catch {
      return untrusted;
    }
    // The path ends at the first configured anchor above the leaf; the leaf itself never is one.
    const anchorAt = chain.findIndex((cert, i) => i > 0 && anchorPrints.has(fingerprint(cert.rawData)));
    if (anchorAt < 0) return untrusted;
    const path = chain.slice(0, anchorAt + 1);
    try {
      return pathValid(path, sources.policyOid) ? { ok: true, path, publicKey } : untrusted;
    } catch {
      // An extension whose value does not parse.
      return { ok: false, rejection: 'certificate_malformed' };
    }
  }

  async function checkCertificate(der: Uint8Array, now: Date): Promise<CertificateCheck> {
    const key = fingerprint(der);
    let pending = pathCache.get(key);
    if (!pending) {
      pending = buildPath(new Uint8Array(der));
      pathCache.set(key, pending);
      // Oldest first out: Map keeps insertion order.
      if (pathCache.size > PATH_CACHE_LIMIT) pathCache.delete(pathCache.keys().next().value!);
    }
    const result = await pending;
    if (!result.ok) return result;
    const { path } = result;
    const within = (cert: x509.X509Certificate) => now >= cert.notBefore && now <= cert.notAfter;
    if (!within(path[0]!)) return { ok: false, rejection: 'certificate_expired' };
    // An expired CA is not the card's fault, and renewing the card would not help.
    if (!path.every(within)) return { ok: false, rejection: 'certificate_untrusted' };
    // Revocation is never cached: every certificate below the anchor against its issuer's list.
    for (let i = 0; i < path.length - 1; i++) {
      const list = lists.get(fingerprint(path[i + 1]!.rawData));
      if (!list) {
        // The card's issuer must have a list once sources are configured; a CA above it may not publish one.
        if (i === 0 && sources.crlSources.length > 0) return { ok: false, rejection: 'revocation_unavailable' };
        continue;
      }
      if (list.revoked.has(normalizeSerial(path[i]!.serialNumber))) return { ok: false, rejection: 'certificate_revoked' };
      if (!fresh(list, now)) return { ok: false, rejection: 'revocation_unavailable' };
    }
    return { ok: true, serial: normalizeSerial(path[0]!.serialNumber), publicKey: result.publicKey };
  }

  const fresh = (list: RevocationList, now: Date) => now.getTime() <= list.nextUpdate.getTime() + sources.crlGraceMs;

  async function loadSource(index: number): Promise<void> {
    const source = sources.crlSources[index]!;
    let crls: x509.X509Crl[];
    try {
      crls = parseCrls(await readSource(source, fetchFn));
    } catch (err) {
      failing.add(index);
      // The source index, not the source: a URL may carry credentials.
      log('warn', 'card_crl_fetch_failed', { source: index, reason: err instanceof Error ? err.message : 'unknown' });
      return;
    }
    if (crls.length === 0) log('warn', 'card_crl_rejected', { source: index, reason: 'no CRL in the source' });
    let usable = crls.length > 0;
    for (const crl of crls) {
      const accepted = await acceptCrl(crl);
      if (typeof accepted === 'string') {
        usable = false;
        log('warn', 'card_crl_rejected', { source: index, reason: accepted });
        continue;
      }
      const current = lists.get(accepted.issuer.fingerprint);
      // An older list (a replayed copy from a cache or an attacker) never replaces a newer one.
      if (!current || accepted.thisUpdate >= current.thisUpdate) lists.set(accepted.issuer.fingerprint, accepted);
    }
    if (usable) failing.delete(index);
    else failing.add(index);
  }

  /** The list, or why it cannot be used. */
  async function acceptCrl(crl: x509.X509Crl): Promise<RevocationList | string> {
    if (crl.nextUpdate === undefined) return 'no nextUpdate';
    if (crl.extensions.some((ext) => ext.critical && !KNOWN_CRL_EXTENSIONS.has(ext.type))) return 'unknown critical extension';
    let issuer: CaCertificate | undefined;
    for (const ca of cas) {
      if (ca.cert.subject !== crl.issuer) continue;
      const usage = ca.cert.getExtension(x509.KeyUsagesExtension);
      if (usage && !(usage.usages & x509.KeyUsageFlags.cRLSign)) continue;
      // A list anyone could have written would let them un-revoke a certificate.
      if (await crl.verify({ publicKey: ca.cert }).catch(() => false)) {
        issuer = ca;
        break;
      }
    }
    if (!issuer) return 'not signed by a configured CA';
    const revoked = new Set<string>();
    for (const entry of crl.entries) {
      if (entry.extensions.some((ext) => ext.critical && !KNOWN_CRL_ENTRY_EXTENSIONS.has(ext.type))) return 'unknown critical entry extension';
      revoked.add(normalizeSerial(entry.serialNumber));
    }
    return { issuer, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, revoked };
  }

  function refresh(): Promise<void> {
    refreshing ??= (async () => {
      try {
        await Promise.all(sources.crlSources.map((_, index) => loadSource(index)));
        lastRefreshAt = clock();
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }

  await refresh();
  const timer =
    sources.crlSources.length > 0 && sources.crlRefreshMs > 0 ? setInterval(() => void refresh(), sources.crlRefreshMs) : undefined;
  timer?.unref();

  return {
    anchors: anchors.map((anchor) => new crypto.X509Certificate(new Uint8Array(anchor.cert.rawData))),
    checkCertificate,
    refresh,
    stop: () => clearInterval(timer),
    status(now = clock()) {
      return {
        sources: sources.crlSources.length,
        failingSources: failing.size,
        lastRefreshAt: lastRefreshAt?.toISOString() ?? null,
        lists: [...lists.values()].map((list) => ({
          issuer: list.issuer.cert.subject,
          thisUpdate: list.thisUpdate.toISOString(),
          nextUpdate: list.nextUpdate.toISOString(),
          ageSeconds: Math.max(0, Math.floor((now.getTime() - list.thisUpdate.getTime()) / 1000)),
          fresh: fresh(list, now),
          revokedCount: list.revoked.size,
        })),
      };
    },
  };
}

/**
 * RFC 5280 §6.1, for a path built by signatures from leaf (index 0) to anchor (last): basic
 * constraints and path length on every issuer, key usage on every certificate, no unknown critical
 * extension anywhere, and the configured certificate policy. Validity and revocation depend on the
 * time and are checked per request.
 */
function pathValid(path: x509.X509Certificate[], policyOid: string | undefined): boolean {
  const [leaf, ...issuers] = path;
  if (!leaf) return false;
  if (path.some((cert) => cert.extensions.some((ext) => ext.critical && !KNOWN_CERT_EXTENSIONS.has(ext.type)))) return false;

  // The card's certificate: explicitly not a CA, made for signatures, never for signing certificates.
  const leafBasic = leaf.getExtension(x509.BasicConstraintsExtension);
  if (!leafBasic || leafBasic.ca) return false;
  const leafUsage = leaf.getExtension(x509.KeyUsagesExtension);
  if (!leafUsage || !(leafUsage.usages & x509.KeyUsageFlags.digitalSignature)) return false;
  if (leafUsage.usages & x509.KeyUsageFlags.keyCertSign) return false;

  for (const [offset, issuer] of issuers.entries()) {
    const basic = issuer.getExtension(x509.BasicConstraintsExtension);
    if (!basic?.ca) return false;
    const usage = issuer.getExtension(x509.KeyUsagesExtension);
    if (usage && !(usage.usages & x509.KeyUsageFlags.keyCertSign)) return false;
    // pathLenConstraint counts the non-self-issued CA certificates between this one and the leaf.
    const below = path.slice(1, offset + 1).filter((cert) => cert.subject !== cert.issuer).length;
    if (basic.pathLength !== undefined && below > basic.pathLength) return false;
  }

  if (policyOid !== undefined) {
    // The anchor's own policies are not part of the path (§6.1.1); the leaf must name the policy,
    // each intermediate the policy or anyPolicy. Policy mappings are not supported (refused above when critical).
    for (const [index, cert] of path.slice(0, -1).entries()) {
      const policies = cert.getExtension(x509.CertificatePolicyExtension)?.policies ?? [];
      if (!policies.includes(policyOid) && !(index > 0 && policies.includes(OID.anyPolicy))) return false;
    }
  }
  return true;
}

async function readSource(source: string, fetchFn: typeof fetch): Promise<Uint8Array> {
  if (/^https?:\/\//i.test(source)) {
    const res = await fetchFn(source, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_CRL_BYTES) throw new Error('too large');
    const body = new Uint8Array(await res.arrayBuffer());
    if (body.byteLength > MAX_CRL_BYTES) throw new Error('too large');
    return body;
  }
  try {
    return new Uint8Array(await fs.readFile(source));
  } catch (err) {
    throw new Error(`file unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** One DER list, or any number of PEM blocks. */
function parseCrls(bytes: Uint8Array): x509.X509Crl[] {
  try {
    const text = Buffer.from(bytes).toString('latin1');
    if (text.includes('-----BEGIN')) {
      const blocks = x509.PemConverter.decodeWithHeaders(text).filter((block) => block.type === 'X509 CRL' || block.type === 'CRL');
      return blocks.map((block) => new x509.X509Crl(block.rawData));
    }
    return [new x509.X509Crl(new Uint8Array(bytes))];
  } catch {
    throw new Error('not a CRL');
  }
}
