import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ServerConfig } from '../config.ts';
import type { CardTrustSources } from './card-trust.ts';
import { DEMO_CA_NAME } from './embedded/test-ca.ts';

/** The server will not start with this configuration; the message says what to change. */
export class StartupRefusedError extends Error {
  readonly problems: string[];
  constructor(mode: string, problems: string[]) {
    super(`Refusing to start in ${mode} mode (APP_MODE=${mode}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StartupRefusedError';
    this.problems = problems;
  }
}

/** The demo card PKI as the running simulator hands it out: its CA certificate and CRL address. */
export interface DemoCardPki {
  caCertPem: string;
  crlUrl: string;
}

/**
 * Issue 12 #3: the card trust set comes from configuration. Demo mode adds the running
 * simulator's CA and CRL; production refuses to start with the simulator on, without a trust
 * anchor, or with the demo CA among the configured certificates. Throws StartupRefusedError.
 */
export function resolveCardTrustSources(config: ServerConfig, demo: DemoCardPki | null): CardTrustSources {
  const problems: string[] = [];
  const read = (variable: string, file: string): string[] => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      problems.push(`${variable}: cannot read ${file}`);
      return [];
    }
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) problems.push(`${variable}: ${file} holds no PEM certificate`);
    return blocks;
  };
  const anchorPems = config.cardTrust.anchorFiles.flatMap((file) => read('CARD_TRUST_ANCHORS', file));
  const intermediatePems = config.cardTrust.intermediateFiles.flatMap((file) => read('CARD_INTERMEDIATES', file));
  const crlSources = [...config.cardTrust.crlSources];

  if (config.appMode === 'production') {
    if (config.cardSimulator) problems.push('the card-app simulator is on (CARD_SIMULATOR): production mode runs without it');
    if (demo !== null) problems.push('the demo card PKI cannot be trusted in production mode');
    if (config.cardTrust.anchorFiles.length === 0) problems.push('no card trust anchor is configured (CARD_TRUST_ANCHORS)');
    const demoFingerprints = knownDemoCaFingerprints(config.simDataDir);
    for (const pem of [...anchorPems, ...intermediatePems]) {
      if (isDemoCa(pem, demoFingerprints)) problems.push('the demo CA is among the configured card CAs (CARD_TRUST_ANCHORS / CARD_INTERMEDIATES)');
    }
  } else {
    if (demo !== null) {
      anchorPems.push(demo.caCertPem);
      crlSources.push(demo.crlUrl);
    }
    if (anchorPems.length === 0 && problems.length === 0) {
      problems.push('no card trust anchor: turn the card-app simulator on (CARD_SIMULATOR=on) or set CARD_TRUST_ANCHORS');
    }
  }
  if (problems.length > 0) throw new StartupRefusedError(config.appMode, [...new Set(problems)]);
  return {
    anchorPems,
    intermediatePems,
    crlSources,
    crlGraceMs: config.cardTrust.crlGraceHours * 60 * 60 * 1000,
    crlRefreshMs: config.cardTrust.crlRefreshMinutes * 60 * 1000,
    policyOid: config.cardTrust.policyOid,
  };
}

/** The demo CA by its name, or by the certificate the simulator keeps in its directory. */
function isDemoCa(pem: string, demoFingerprints: Set<string>): boolean {
  let cert: crypto.X509Certificate;
  try {
    cert = new crypto.X509Certificate(pem);
  } catch {
    return false;
  }
  return demoFingerprints.has(cert.fingerprint256) || sameName(cert.subject, DEMO_CA_NAME) || sameName(cert.issuer, DEMO_CA_NAME);
}

/** Node prints a subject one attribute a line, most significant first; the constant is RFC 4514 order. */
function sameName(nodeName: string, rfc4514: string): boolean {
  const norm = (parts: string[]) => parts.map((part) => part.trim()).filter(Boolean).sort().join('\n');
  return norm(nodeName.split('\n')) === norm(rfc4514.split(','));
}

function knownDemoCaFingerprints(simDataDir: string): Set<string> {
  try {
    return new Set([new crypto.X509Certificate(fs.readFileSync(path.join(simDataDir, 'ca-cert.pem'))).fingerprint256]);
  } catch {
    return new Set();
  }
}
