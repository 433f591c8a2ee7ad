import { z } from '../shared/zod.ts';
import { STAFF_ROLES, type StaffRole } from './roles.ts';

/**
 * Staff login in two steps (P3): the password opens a short second-factor stage; a TOTP code,
 * a passkey or a recovery code completes it. An account without any factor enrols one first.
 */
export type SecondFactorMethod = 'totp' | 'passkey' | 'recovery';

/** The answer to a correct password, and to GET /api/staff/auth/pending. */
export interface LoginStepResponse {
  /** 'second_factor': present one of `methods`; 'enrol': the account has none and must add one. */
  next: 'second_factor' | 'enrol';
  methods: SecondFactorMethod[];
}

/** GET /api/staff/auth/pending: the next step, or 'done' when the session is already full. */
export type PendingLoginResponse = LoginStepResponse | { next: 'done'; methods: [] };

export const totpCodeSchema = z.object({ code: z.string().trim().regex(/^\d{6}$/) });
export const recoveryCodeSchema = z.object({ code: z.string().trim().min(8).max(32) });
export const unlockRequestSchema = z.object({ password: z.string().min(1).max(256) });

export interface TotpEnrolmentStart {
  secret: string;
  /** otpauth:// URI for the QR code. */
  uri: string;
}

/** After enrolment (or on request): ten single-use codes, shown once and never again. */
export interface RecoveryCodesResponse {
  recoveryCodes: string[];
}

export interface MyFactorsResponse {
  totp: boolean;
  passkeys: Array<{ id: string; createdAt: string; lastUsedAt: string | null }>;
  recoveryCodesLeft: number;
}

export const RECOVERY_CODE_COUNT = 10;

// Accounts (admin, permission staff.manage).
const roleSchema = z.enum(STAFF_ROLES);

export const createAccountSchema = z.object({
  loginId: z
    .string()
    .trim()
    .min(3)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9._-]*$/),
  displayName: z.string().trim().min(1).max(64),
  role: roleSchema,
  /** An initial password the administrator hands over; 12 characters at least (ASVS 2.1.1). */
  password: z.string().min(12).max(256),
});

export type CreateAccountRequest = z.infer<typeof createAccountSchema>;

export const changeRoleSchema = z.object({ role: roleSchema });

export interface StaffAccountDto {
  id: string;
  loginId: string;
  displayName: string;
  role: StaffRole;
  disabled: boolean;
  hasTotp: boolean;
  passkeys: number;
  createdAt: string;
  /** Issue 12 #2: locked after repeated second-factor failures until then (ISO-8601), else null. */
  lockedUntil: string | null;
}

export interface StaffAccountsResponse {
  accounts: StaffAccountDto[];
}
