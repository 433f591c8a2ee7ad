import type { DbOrTx } from '../db/database.ts';
import { isSealed, type Keyring } from '../secrets/keyring.ts';
import { listClearTotpSecrets, resealTotpSecret } from './staff.repository.ts';

/**
 * TOTP secrets at rest (issue 12 #6): sealed with the keyring, the row named in the context, so
 * a database file or dump alone gives nobody a second factor, and a sealed secret copied onto
 * another account does not open there.
 */
export const accountTotpContext = (staffId: string): string => `staff_account.totp_secret:${staffId}`;
export const pendingTotpContext = (tokenHash: string): string => `staff_session.pending_totp_secret:${tokenHash}`;

export function sealAccountTotp(secrets: Keyring, staffId: string, secret: string): string {
  return secrets.seal(secret, accountTotpContext(staffId));
}

/**
 * The account's secret in clear, or null when none is enrolled. A value written before sealing
 * (clear base32) is accepted and rewritten sealed on the spot: migrations never see the key.
 */
export async function openAccountTotp(db: DbOrTx, secrets: Keyring, staff: { id: string; totp_secret: string | null }): Promise<string | null> {
  const stored = staff.totp_secret;
  if (stored === null) return null;
  if (isSealed(stored)) return secrets.open(stored, accountTotpContext(staff.id));
  await resealTotpSecret(db, staff.id, stored, sealAccountTotp(secrets, staff.id, stored));
  return stored;
}

/** At start-up: seals every secret still in clear, so none waits for its account's next login. */
export async function sealClearTotpSecrets(db: DbOrTx, secrets: Keyring): Promise<number> {
  const rows = (await listClearTotpSecrets(db)).filter((row) => row.totp_secret !== null && !isSealed(row.totp_secret));
  for (const row of rows) await openAccountTotp(db, secrets, row);
  return rows.length;
}

export function sealPendingTotp(secrets: Keyring, tokenHash: string, secret: string): string {
  return secrets.seal(secret, pendingTotpContext(tokenHash));
}

/** A pending enrolment lives five minutes at most: one from before sealing is simply accepted. */
export function openPendingTotp(secrets: Keyring, tokenHash: string, stored: string | null): string | null {
  if (stored === null) return null;
  return isSealed(stored) ? secrets.open(stored, pendingTotpContext(tokenHash)) : stored;
}
