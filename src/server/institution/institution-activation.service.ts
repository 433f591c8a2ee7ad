import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { checkInstitutionCode } from '../../domain/institution/institution-code.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { DbOrTx } from '../db/database.ts';
import { claimActivation, findActivationByHash, insertActivation, revokeUnusedActivations } from './institution-activation.repository.ts';
import { findInstitutionByCode, setInstitutionActivatedAt } from './institution.repository.ts';
import { ActivationCodeRefusedError } from './institution-errors.ts';

/**
 * Issue 12 #9: institution onboarding with proof. Registering a clinic is public, so anyone could
 * claim any 医療機関コード. An operator therefore issues a one-time activation code for one
 * 医療機関コード from the command line (`npm run institution -- issue-activation <code>`) and sends
 * it to the clinic out of band (e.g. by post to the address on record for that code); the
 * registration form asks for it. Without a valid code nothing is created. The code is stored as
 * a hash, expires (72 hours by default) and works once.
 */
export const ACTIVATION_TTL_MS = 72 * 60 * 60 * 1000;

// Crockford's base32: no I, L, O or U, so a code read out or typed from paper is not misread.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 16; // 80 random bits

/** A fresh code, shown once, in groups of four: e.g. `7K3M-Q9TZ-…`. */
export function newActivationCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  const chars = [...bytes].map((b) => ALPHABET[b & 31]!).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** What a person may type: any case, spaces or hyphens, O for 0 and I or L for 1. */
export function normalizeActivationCode(typed: string): string {
  return typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

export function hashActivationCode(typed: string): string {
  return createHash('sha256').update(normalizeActivationCode(typed)).digest('hex');
}

/** Thrown by the command line for an argument it cannot use; the message is for the operator. */
export class ActivationCommandError extends Error {}

/**
 * Issues a code for a 医療機関コード that is not registered yet; an unused earlier code for it stops
 * working. Returns the code in clear: the only time it exists outside the operator's hands.
 */
export async function issueActivation(trx: DbOrTx, institutionCode: string, now: Date, ttlMs = ACTIVATION_TTL_MS): Promise<{ code: string; expiresAt: string }> {
  if (checkInstitutionCode(institutionCode)) throw new ActivationCommandError('Not a valid 10-digit institution code (check digit included).');
  if (await findInstitutionByCode(trx, institutionCode)) throw new ActivationCommandError('An institution with this code is already registered.');
  const at = now.toISOString();
  const replaced = await revokeUnusedActivations(trx, institutionCode, at);
  const code = newActivationCode();
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  await insertActivation(trx, { id, institution_code: institutionCode, code_hash: hashActivationCode(code), created_at: at, expires_at: expiresAt, used_at: null, institution_id: null, revoked_at: null });
  await appendAudit(
    trx,
    { institutionId: null, actorType: 'system', action: 'institution.activation_issued', subjectId: institutionCode, outcome: 'ok', detail: replaced > 0 ? `replaced:${replaced}` : null },
    now,
  );
  return { code, expiresAt };
}

/**
 * Uses up the activation code for this 医療機関コード, or throws why it cannot. A code for another
 * 医療機関コード is "invalid" (the same answer as an unknown one), so a code cannot be probed
 * with other institution codes. Returns the activation id.
 */
export async function useActivationCode(trx: DbOrTx, institutionCode: string, typed: string, now: Date): Promise<string> {
  const row = await findActivationByHash(trx, hashActivationCode(typed));
  if (!row || row.institution_code !== institutionCode || row.revoked_at !== null) throw new ActivationCodeRefusedError('activation_code_invalid');
  if (row.used_at !== null) throw new ActivationCodeRefusedError('activation_code_used');
  if (!(now.getTime() < Date.parse(row.expires_at))) throw new ActivationCodeRefusedError('activation_code_expired');
  // A concurrent registration may have used it since it was read.
  if (!(await claimActivation(trx, row.id, now.toISOString()))) throw new ActivationCodeRefusedError('activation_code_used');
  return row.id;
}

/** The operator suspends (or resumes) an institution: its link and its staff sign-in stop (or work again). */
export async function setInstitutionActive(trx: DbOrTx, institutionCode: string, active: boolean, now: Date): Promise<void> {
  const institution = await findInstitutionByCode(trx, institutionCode);
  if (!institution) throw new ActivationCommandError('No institution with this code is registered.');
  await setInstitutionActivatedAt(trx, institutionCode, active ? now.toISOString() : null);
  await appendAudit(
    trx,
    { institutionId: institution.id, actorType: 'system', action: active ? 'institution.activated' : 'institution.deactivated', subjectId: institution.id, outcome: 'ok', detail: 'operator' },
    now,
  );
}
