import { createHash, randomInt, randomUUID, webcrypto } from 'node:crypto';
import type { Context } from 'hono';
import {
  DEVICE_KEY_HEADER,
  DEVICE_NONCE_HEADER,
  DEVICE_SIGNATURE_HEADER,
  DEVICE_TIMESTAMP_HEADER,
  base64url,
  ENROLMENT_CODE_ALPHABET,
  ENROLMENT_CODE_LENGTH,
  ENROLMENT_CODE_TTL_MS,
  formatEnrolmentCode,
  fromBase64url,
  normaliseEnrolmentCode,
  SIGNATURE_FRESHNESS_MS,
  signedText,
  type DevicePublicKey,
  type DeviceEnrolmentResponse,
  type EnrolledDeviceDto,
  type EnrolmentCodeResponse,
} from '../../domain/staff/device-signature.ts';
import type { AuditAction, AuditOutcome } from '../../domain/staff/audit-events.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { DbOrTx } from '../db/database.ts';
import type { AppEnv } from '../http/app-env.ts';
import { ValidationError } from '../http/errors.ts';
import { institutionLink } from '../institution/institution.service.ts';
import type { InstitutionRow } from '../institution/institution.table.ts';
import {
  consumeEnrolmentCode,
  deleteNoncesBefore,
  deleteStaleEnrolmentCodes,
  findEnrolledDevice,
  findEnrolledDeviceByLink,
  insertEnrolledDevice,
  insertEnrolmentCode,
  insertNonceOnce,
  touchEnrolledDevice,
} from './device.repository.ts';
import type { EnrolledDeviceRow } from './device.table.ts';
import { DeviceRevokedError } from './device-errors.ts';
import { EnrolmentCodeInvalidError, DeviceSignatureInvalidError } from './device-errors.ts';

/**
 * Devices the clinic trusts (issue 12 #15). The random X-Device-Id a browser keeps in site
 * storage is only advisory: clearing storage makes a new one. Trust instead comes from a key pair
 * the tablet makes at enrolment (non-extractable, so it never leaves the device) and whose public
 * half the clinic registered with a one-time code. Requests signed with it are "from an enrolled
 * device"; revoking the key refuses its signatures, and a device that lost the key is unknown.
 */

function codeHash(code: string): string {
  return createHash('sha256').update(`zaitaku-enrolment:${normaliseEnrolmentCode(code)}`).digest('hex');
}

function newCode(): string {
  let code = '';
  for (let i = 0; i < ENROLMENT_CODE_LENGTH; i++) code += ENROLMENT_CODE_ALPHABET[randomInt(ENROLMENT_CODE_ALPHABET.length)];
  return code;
}

/** A new one-time code for enrolling a tablet at the staff member's institution (audited, not the code). */
export async function createEnrolmentCode(
  trx: DbOrTx,
  ctx: { institution: InstitutionRow; staffId: string; now: Date; publicUrl: string },
  audit: (trx: DbOrTx, entry: { action: AuditAction; subjectId: string; outcome: AuditOutcome }, at: Date) => Promise<void>,
): Promise<EnrolmentCodeResponse> {
  const code = newCode();
  const id = randomUUID();
  const expiresAt = new Date(ctx.now.getTime() + ENROLMENT_CODE_TTL_MS).toISOString();
  await deleteStaleEnrolmentCodes(trx, new Date(ctx.now.getTime() - 24 * 60 * 60 * 1000).toISOString());
  await insertEnrolmentCode(trx, {
    id,
    institution_id: ctx.institution.id,
    code_hash: codeHash(code),
    created_at: ctx.now.toISOString(),
    created_by: ctx.staffId,
    expires_at: expiresAt,
    used_at: null,
    used_by_key: null,
  });
  await audit(trx, { action: 'device.enrolment_code_created', subjectId: id, outcome: 'ok' }, ctx.now);
  const shown = formatEnrolmentCode(code);
  // The code goes in the fragment: browsers never send it to a server or put it in logs.
  return { code: shown, expiresAt, link: `${institutionLink(ctx.publicUrl, ctx.institution.link_token)}/enrol#code=${shown}` };
}

async function importPublicKey(jwk: DevicePublicKey): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
}

/** Enrols the device with a code of the link's institution; the code works once, even under a race. */
export async function enrolDevice(
  trx: DbOrTx,
  request: { code: string; publicKey: DevicePublicKey; label: string },
  ctx: { institution: InstitutionRow; now: Date; deviceId: string | null; staffId: string | null },
): Promise<DeviceEnrolmentResponse> {
  try {
    await importPublicKey(request.publicKey);
  } catch {
    // The key is not a point on P-256.
    throw new ValidationError({ publicKey: 'Send the public half of an ECDSA P-256 key as JWK.' });
  }
  const keyId = randomUUID();
  const at = ctx.now.toISOString();
  const code = await consumeEnrolmentCode(trx, ctx.institution.id, codeHash(request.code), at, keyId);
  if (!code) throw new EnrolmentCodeInvalidError();
  const jwk = { kty: 'EC', crv: 'P-256', x: request.publicKey.x, y: request.publicKey.y };
  await insertEnrolledDevice(trx, {
    key_id: keyId,
    institution_id: ctx.institution.id,
    public_key_jwk: JSON.stringify(jwk),
    label: request.label,
    enrolled_at: at,
    enrolled_by: code.created_by,
    last_seen_at: null,
    revoked_at: null,
    revoked_by: null,
  });
  await appendAudit(
    trx,
    {
      institutionId: ctx.institution.id,
      actorType: ctx.staffId ? 'staff' : 'patient',
      actorId: ctx.staffId,
      action: 'device.enrolled',
      deviceId: ctx.deviceId,
      subjectId: keyId,
      outcome: 'ok',
    },
    ctx.now,
  );
  return { keyId, institutionName: ctx.institution.name, label: request.label, enrolledAt: at };
}

export function toEnrolledDeviceDto(row: EnrolledDeviceRow): EnrolledDeviceDto {
  return { keyId: row.key_id, label: row.label, enrolledAt: row.enrolled_at, lastSeenAt: row.last_seen_at, revokedAt: row.revoked_at };
}

// ---------------------------------------------------------------------------------------------
// Verifying a signed request.

export type SenderTrustResult = { kind: 'enrolled'; device: EnrolledDeviceRow } | { kind: 'unknown' };

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * Who sent this request to the institution's public endpoint. Without signature headers, or
 * signed with a key this institution never enrolled: an unknown device (unverified). Signed with
 * this institution's key: the signature must verify over method, path, timestamp, nonce and the
 * body's SHA-256, be fresh, and not be a replay (401); a revoked key is refused (403) whatever
 * X-Device-Id comes with it.
 */
export async function senderTrust(c: Context<AppEnv>, institutionId: string): Promise<SenderTrustResult> {
  const keyId = c.req.header(DEVICE_KEY_HEADER);
  if (keyId === undefined) return { kind: 'unknown' };
  const timestamp = c.req.header(DEVICE_TIMESTAMP_HEADER) ?? '';
  const nonce = c.req.header(DEVICE_NONCE_HEADER) ?? '';
  const signature = fromBase64url(c.req.header(DEVICE_SIGNATURE_HEADER) ?? '');
  if (!KEY_ID.test(keyId) || !/^\d{10,16}$/.test(timestamp) || !NONCE.test(nonce) || !signature || signature.length !== 64) {
    throw new DeviceSignatureInvalidError();
  }
  const device = await findEnrolledDevice(c.var.db, keyId);
  if (!device || device.institution_id !== institutionId) return { kind: 'unknown' };

  const now = c.var.now();
  if (Math.abs(now.getTime() - Number(timestamp)) > SIGNATURE_FRESHNESS_MS) throw new DeviceSignatureInvalidError();
  // The exact bytes received (Hono keeps the text the JSON was parsed from).
  const body = new TextEncoder().encode(await c.req.text());
  const bodySha256 = base64url(await webcrypto.subtle.digest('SHA-256', body));
  const text = new TextEncoder().encode(signedText({ method: c.req.method, path: c.req.path, timestamp, nonce, bodySha256 }));
  const key = await importPublicKey(JSON.parse(device.public_key_jwk) as DevicePublicKey);
  const valid = await webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, text);
  if (!valid) throw new DeviceSignatureInvalidError();
  // Only the holder of the key learns that it was revoked.
  if (device.revoked_at) throw new DeviceRevokedError();
  const at = now.toISOString();
  if (!(await insertNonceOnce(c.var.db, { keyId, nonce, seenAt: at }))) throw new DeviceSignatureInvalidError();
  await deleteNoncesBefore(c.var.db, new Date(now.getTime() - 2 * SIGNATURE_FRESHNESS_MS).toISOString());
  await touchEnrolledDevice(c.var.db, keyId, at);
  return { kind: 'enrolled', device };
}

/**
 * The rate-limit key for unverified declarations (issue 12 #15): the link token of the body, or
 * undefined (no limit) when the request names a key enrolled at that link's institution — the
 * route then verifies the signature, so naming a key without holding it gains nothing.
 */
export async function unverifiedSenderLinkKey(c: Context<AppEnv>): Promise<string | undefined> {
  let token = '(unreadable)';
  try {
    // Read as text first: the route later hashes these exact bytes for the signature.
    const body: unknown = JSON.parse(await c.req.text());
    const value = body && typeof body === 'object' && 'linkToken' in body ? (body as { linkToken: unknown }).linkToken : undefined;
    if (typeof value === 'string') token = value.slice(0, 64);
  } catch {
    // Unreadable bodies share one key; the route answers them with 400/422.
  }
  const keyId = c.req.header(DEVICE_KEY_HEADER);
  if (keyId && KEY_ID.test(keyId) && (await findEnrolledDeviceByLink(c.var.db, keyId, token))) return undefined;
  return token;
}
