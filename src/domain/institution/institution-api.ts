import type { EnrolledDeviceDto } from '../staff/device-signature.ts';
import { z } from '../shared/zod.ts';
import { checkInstitutionCode, type InstitutionCodeProblem } from './institution-code.ts';

/**
 * The clinic's own set-up (issue 6 §1): registration with the 医療機関コード and the first
 * administrator, the settings (S2, S3, S5, return addresses, D5 retention), the link (M1) and
 * the devices that used it (P4). Shared by the staff console and the server.
 */

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_RETURN_URLS = 20;
/** D5: kept "promptly": at least one day, at most a year after claim work is completed. */
export const RETENTION_DAYS = { min: 1, max: 365 } as const;

/** Fixed sentences per code problem; the app shows its own translation of each. */
export const INSTITUTION_CODE_MESSAGES: Record<InstitutionCodeProblem, string> = {
  empty: 'Enter the 10-digit institution code.',
  notDigits: 'The institution code has digits only.',
  wrongLength: 'The institution code has exactly 10 digits.',
  unknownPrefecture: 'The first two digits must be a prefecture number from 01 to 47.',
  unknownFeeSchedule: 'The third digit must be 1 (medical), 3 (dental) or 4 (pharmacy).',
  wrongCheckDigit: 'The last digit (check digit) does not match; please check the code.',
};

export const registerInstitutionSchema = z
  .object({
    code: z.string().max(32),
    // Issue 12 #9: the one-time code the operator issued for this 医療機関コード (proof it is this clinic).
    activationCode: z.string().trim().min(1).max(64),
    name: z.string().trim().min(1).max(100),
    loginId: z
      .string()
      .trim()
      .min(3)
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/),
    displayName: z.string().trim().min(1).max(64),
    password: z.string().min(MIN_PASSWORD_LENGTH).max(256),
  })
  .strict()
  .superRefine((value, ctx) => {
    const problem = checkInstitutionCode(value.code);
    if (problem) ctx.addIssue({ code: 'custom', path: ['code'], message: INSTITUTION_CODE_MESSAGES[problem], params: { problem } });
  });
export type RegisterInstitutionRequest = z.infer<typeof registerInstitutionSchema>;

/** The lines of the return-address box, trimmed, blanks dropped. */
export function returnUrlLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * A telemedicine app's return address prefix: an absolute https URL without credentials, query or
 * fragment (the reception compares origins and paths only). Returns the 1-based line numbers that fail.
 */
export function badReturnUrlLines(text: string): number[] {
  const bad: number[] = [];
  returnUrlLines(text).forEach((line, index) => {
    if (!isAcceptableReturnPrefix(line)) bad.push(index + 1);
  });
  return bad;
}

// The domain has no URL class (no DOM, no Node): a strict pattern instead. Host names of
// letters, digits and hyphens in dot-separated labels, an optional port, a path without spaces.
const HTTPS_PREFIX = /^https:\/\/(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::\d{1,5})?(?:\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*)?$/;

function isAcceptableReturnPrefix(line: string): boolean {
  return line.length <= 500 && HTTPS_PREFIX.test(line);
}

export const institutionSettingsSchema = z
  .object({
    usesClinicalInfo: z.boolean(),
    usesElectronicPrescription: z.boolean(),
    showsPrescriptionForm: z.boolean(),
    allowedReturnUrls: z.string().max(12_000),
    declarationRetentionDays: z.number().int().min(RETENTION_DAYS.min).max(RETENTION_DAYS.max),
  })
  .strict()
  .superRefine((value, ctx) => {
    const lines = returnUrlLines(value.allowedReturnUrls);
    if (lines.length > MAX_RETURN_URLS) {
      ctx.addIssue({ code: 'custom', path: ['allowedReturnUrls'], message: `At most ${MAX_RETURN_URLS} addresses.` });
    } else if (badReturnUrlLines(value.allowedReturnUrls).length > 0) {
      ctx.addIssue({ code: 'custom', path: ['allowedReturnUrls'], message: 'Each line must be one https address without query or fragment.' });
    }
  });
export type InstitutionSettings = z.infer<typeof institutionSettingsSchema>;

export interface InstitutionSettingsResponse {
  settings: InstitutionSettings;
}

export interface InstitutionLinkResponse {
  name: string;
  code: string;
  link: string;
  linkIssuedAt: string;
}

/** P4: a device that used the institution link. */
export interface DeviceDto {
  deviceId: string;
  firstSeenAt: string;
  lastSeenAt: string;
  /** e.g. "Chrome / Android": browser and system only, never the full user-agent string. */
  userAgent: string;
  registrations: number;
  revokedAt: string | null;
}

export interface DeviceListResponse {
  devices: DeviceDto[];
  /** Issue 12 #15: the tablets enrolled with a one-time code (their signatures are trusted). */
  enrolled: EnrolledDeviceDto[];
}

/** Browser and operating system from a user-agent string, for staff to recognise a tablet. */
export function userAgentSummary(userAgent: string | undefined | null): string {
  const ua = userAgent ?? '';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /SamsungBrowser\//.test(ua)
      ? 'Samsung Internet'
      : /Firefox\/|FxiOS\//.test(ua)
        ? 'Firefox'
        : /Chrome\/|CriOS\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : null;
  const system = /Android/.test(ua)
    ? 'Android'
    : /iPad/.test(ua)
      ? 'iPadOS'
      : /iPhone|iPod/.test(ua)
        ? 'iOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Mac OS X|Macintosh/.test(ua)
            ? 'macOS'
            : /CrOS/.test(ua)
              ? 'ChromeOS'
              : /Linux/.test(ua)
                ? 'Linux'
                : null;
  if (!browser && !system) return 'unknown';
  return `${browser ?? 'unknown'} / ${system ?? 'unknown'}`;
}
