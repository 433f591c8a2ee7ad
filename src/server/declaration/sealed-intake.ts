import type { Context } from 'hono';
import { z } from '../../domain/shared/zod.ts';
import { isSealedEnvelope, sealBinding, type SealedEnvelope, type SealedKind } from '../../domain/declaration/sealed-envelope.ts';
import { sealedEnvelopeSchema } from '../../domain/declaration/sealed-envelope-schema.ts';
import type { AppEnv } from '../http/app-env.ts';
import { ValidationError, validationErrorFrom } from '../http/errors.ts';
import { containsNulCharacter, NUL_MESSAGE, readJson } from '../http/validate.ts';
import { institutionPrivateKey } from '../institution/declaration-key.service.ts';
import type { InstitutionRow } from '../institution/institution.table.ts';
import { SealedSubmissionUnreadableError } from './declaration-errors.ts';

/** Where a reader of the outbox's submissions needs to go: lives in declaration.routes.ts. */
type InstitutionByToken = (c: Context<AppEnv>, token: string) => Promise<InstitutionRow>;

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;

/** Opens an envelope with the institution's private key; throws on any mismatch (see sealBinding). */
export async function openSealedJson(privateKey: CryptoKey, envelope: SealedEnvelope): Promise<unknown> {
  const binding = new TextEncoder().encode(sealBinding(envelope.kind, envelope.id, envelope.keyId));
  const sender = await crypto.subtle.importKey('jwk', { ...envelope.epk, ext: true }, ECDH, false, []);
  const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: sender }, privateKey, 256);
  const hkdf = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  const aes = await crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: binding }, hkdf, { name: 'AES-GCM', length: 256 }, false, ['decrypt']);
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: Buffer.from(envelope.iv, 'base64url'), additionalData: binding },
    aes,
    Buffer.from(envelope.ciphertext, 'base64url'),
  );
  return JSON.parse(Buffer.from(plain).toString('utf8')) as unknown;
}

export interface Intake {
  /** The submission as the app built it: the opened envelope's content, or the plain body. */
  body: unknown;
  /** Set for a sealed envelope: the institution of the link it is addressed to (already checked). */
  institution: InstitutionRow | null;
}

/**
 * Reads an outbox submission (issue 12 #7). The app seals every one to the institution's public
 * key; the envelope names the link it is addressed to (re-addressed after a reissue, #13), and
 * only that institution's private key opens it. A plain body (older app versions, API clients)
 * is still accepted: sealing protects the device, and the plain body travels over TLS as before.
 * The id inside must be the id outside: an envelope cannot be replayed as another record.
 */
export async function readIntake(c: Context<AppEnv>, kind: SealedKind, institutionByToken: InstitutionByToken): Promise<Intake> {
  const body = await readJson(c, z.unknown());
  if (!isSealedEnvelope(body)) return { body, institution: null };
  const parsed = sealedEnvelopeSchema.safeParse(body);
  if (!parsed.success) throw validationErrorFrom(parsed.error);
  const envelope = parsed.data;
  if (envelope.kind !== kind) throw new SealedSubmissionUnreadableError();
  // A reissued link answers 404 link_invalid before anything is opened (the app re-addresses).
  const institution = await institutionByToken(c, envelope.linkToken);
  const key = await institutionPrivateKey(c.var.db, c.var.secrets, institution.id, envelope.keyId);
  if (!key) throw new SealedSubmissionUnreadableError();
  let opened: unknown;
  try {
    opened = await openSealedJson(key, envelope);
  } catch {
    throw new SealedSubmissionUnreadableError();
  }
  const innerId = opened !== null && typeof opened === 'object' ? (opened as { id?: unknown }).id : undefined;
  if (typeof innerId !== 'string' || innerId.toLowerCase() !== envelope.id.toLowerCase()) throw new SealedSubmissionUnreadableError();
  // What was sealed gets the check a plain body got in readJson.
  if (containsNulCharacter(opened)) throw new ValidationError({ '(body)': NUL_MESSAGE });
  return { body: opened, institution };
}
