import type { Generated, Selectable } from 'kysely';
import type { StaffRole } from '../../domain/shared/api.ts';

export interface StaffAccountTable {
  id: string;
  institution_id: string;
  login_id: string;
  display_name: string;
  role: StaffRole;
  /** `scrypt$N$r$p$salt$hash`, salt and hash base64url. */
  password_hash: string;
  created_at: string;
  /** The TOTP secret once enrolled, sealed (staff/totp-secret.ts); clear base32 from before sealing until next read. */
  totp_secret: string | null;
  /** The last accepted TOTP step; that step and earlier ones are refused (replay). */
  totp_last_step: number | null;
  /** A disabled account cannot log in; its sessions are deleted when it is disabled. */
  disabled_at: string | null;
  /** Second-factor failures since the last success (issue 12 #2); from 5 on, each one locks. */
  failed_factor_count: Generated<number>;
  /** Second-factor and password steps are refused until then (ISO-8601), or null. */
  locked_until: string | null;
}

export interface StaffSessionTable {
  token_hash: string;
  staff_id: string;
  created_at: string;
  last_seen_at: string;
  /** 'second_factor': password checked, nothing but the second-factor routes; 'full': signed in. */
  stage: SessionStage;
  /** The WebAuthn challenge issued to this session, until it is used. */
  challenge: string | null;
  /** Issue 12 #10: when the console locked the session; until the password is given again only unlock and logout answer. */
  locked_at: string | null;
  /** Wrong passwords given to unlock since the last right one; at UNLOCK_ATTEMPTS the session ends. */
  unlock_failures: Generated<number>;
  /** A TOTP secret shown for enrolment (sealed), saved to the account once a code from it is entered. */
  pending_totp_secret: string | null;
}

export type SessionStage = 'second_factor' | 'full';

export interface StaffPasskeyTable {
  /** The credential ID, base64url. */
  credential_id: string;
  staff_id: string;
  /** COSE public key, base64url. */
  public_key: string;
  counter: number;
  /** Comma-separated authenticator transports (usb, internal, hybrid…). */
  transports: string;
  created_at: string;
  last_used_at: string | null;
}

export interface StaffRecoveryCodeTable {
  /** SHA-256 of the normalised code: the codes are random enough that a fast hash is enough. */
  code_hash: string;
  staff_id: string;
  created_at: string;
  used_at: string | null;
}

export type StaffAccountRow = Selectable<StaffAccountTable>;
export type StaffPasskeyRow = Selectable<StaffPasskeyTable>;
