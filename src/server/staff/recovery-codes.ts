import { createHash, randomInt } from 'node:crypto';
import { RECOVERY_CODE_COUNT } from '../../domain/staff/staff-auth.ts';

// No 0/O, 1/I/L: the codes are printed or written down and typed back.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten random codes of 12 characters (about 59 bits each), grouped for reading: `abcd-efgh-jkmn`. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let raw = '';
    for (let i = 0; i < 12; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
  });
}

/** Only this hash is stored. Case, spaces and dashes do not matter when a code is typed back. */
export function hashRecoveryCode(code: string): string {
  const normalised = code.toLowerCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(`zaitaku-recovery:${normalised}`).digest('base64url');
}
