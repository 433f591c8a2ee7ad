import type { DbOrTx } from '../db/database.ts';
import { log } from '../http/logger.ts';
import { isSealed, SecretKeyError, type Keyring } from '../secrets/keyring.ts';
import { listTotpSecrets, resealTotpSecret } from './staff.repository.ts';

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

/** `sealed:v1:<key id>:…` → the key id. */
function keyIdOf(sealed: string): string | undefined {
  return sealed.split(':')[2];
}

/**
 * At start-up: seals every secret still in clear, so none waits for its account's next login,
 * and reseals those of an older key (rotation: once this has run, the old key can be dropped).
 * Returns how many were rewritten.
 */
export async function sealClearTotpSecrets(db: DbOrTx, secrets: Keyring): Promise<number> {
  let rewritten = 0;
  for (const row of await listTotpSecrets(db)) {
    const stored = row.totp_secret;
    if (stored === null) continue;
    if (!isSealed(stored)) {
      await openAccountTotp(db, secrets, row);
    } else if (keyIdOf(stored) !== secrets.currentId) {
      let secret: string;
      try {
        secret = secrets.open(stored, accountTotpContext(row.id));
      } catch (error) {
        if (!(error instanceof SecretKeyError)) throw error;
        // Its key is not configured (any more): that account's TOTP fails until it is reset; the server still starts.
        log('warn', 'totp_secret_unreadable', { staffId: row.id });
        continue;
      }
      await resealTotpSecret(db, row.id, stored, sealAccountTotp(secrets, row.id, secret));
    } else continue;
    rewritten++;
  }
  return rewritten;
}

export function sealPendingTotp(secrets: Keyring, tokenHash: string, secret: string): string {
  return secrets.seal(secret, pendingTotpContext(tokenHash));
}

/** A pending enrolment lives five minutes at most: one from before sealing is simply accepted. */
export function openPendingTotp(secrets: Keyring, tokenHash: string, stored: string | null): string | null {
  if (stored === null) return null;
  return isSealed(stored) ? secrets.open(stored, pendingTotpContext(tokenHash)) : stored;
}
