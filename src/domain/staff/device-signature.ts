import { z } from '../shared/zod.ts';

/**
 * Devices the clinic trusts (issue 12 #15). A tablet enrolled from the staff console keeps a
 * non-extractable ECDSA P-256 key pair; it signs each request to the institution's public
 * endpoints. The same canonical text is built on the device and on the server, so this module
 * is shared (no DOM, no Node).
 */

export const DEVICE_KEY_HEADER = 'x-device-key';
export const DEVICE_TIMESTAMP_HEADER = 'x-device-timestamp';
export const DEVICE_NONCE_HEADER = 'x-device-nonce';
export const DEVICE_SIGNATURE_HEADER = 'x-device-signature';

/** A signature older or newer than this (the device's clock against the server's) is refused. */
export const SIGNATURE_FRESHNESS_MS = 5 * 60 * 1000;
/** An enrolment code lives this long and works once. */
export const ENROLMENT_CODE_TTL_MS = 15 * 60 * 1000;

/** Crockford-like base32 without I, L, O, U: easy to read aloud and type on a tablet. */
export const ENROLMENT_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 10 characters (50 bits), shown as XXXXX-XXXXX. */
export const ENROLMENT_CODE_LENGTH = 10;

/** What a person typed, as the code the server issued: upper case, no spaces or dashes, O→0, I/L→1. */
export function normaliseEnrolmentCode(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

export function formatEnrolmentCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/**
 * The text a device signs: a fixed prefix, the method, the path (no query), the timestamp (ms
 * since the epoch), a random nonce and the SHA-256 of the exact body bytes (base64url).
 */
export function signedText(parts: { method: string; path: string; timestamp: string; nonce: string; bodySha256: string }): string {
  return ['zaitaku-device-v1', parts.method.toUpperCase(), parts.path, parts.timestamp, parts.nonce, parts.bodySha256].join('\n');
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url without padding (RFC 4648 §5); written out because the domain has neither btoa nor Buffer. */
export function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = '';
  for (let i = 0; i < view.length; i += 3) {
    const n = (view[i]! << 16) | ((view[i + 1] ?? 0) << 8) | (view[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((view.length - i) * 8) / 6));
    for (let j = 0; j < chars; j++) out += B64URL[(n >> (18 - 6 * j)) & 63];
  }
  return out;
}

/** The bytes of a base64url text; null when it is not one. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const ch of text) {
    value = (value << 6) | B64URL.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 255;
    }
  }
  return out;
}

/** The public half of the device's key as JWK: P-256 only, no private part. */
export const devicePublicKeySchema = z
  .object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    y: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    ext: z.boolean().optional(),
    key_ops: z.array(z.string()).optional(),
  })
  .strip();
export type DevicePublicKey = z.infer<typeof devicePublicKeySchema>;

export const deviceEnrolmentRequestSchema = z
  .object({
    linkToken: z.string().min(1).max(64),
    code: z.string().min(1).max(32),
    publicKey: devicePublicKeySchema,
    /** A name staff recognise (e.g. 「訪問用タブレット1」); optional. */
    label: z.string().trim().max(40).default(''),
  })
  .strict();
export type DeviceEnrolmentRequest = z.input<typeof deviceEnrolmentRequestSchema>;

export interface DeviceEnrolmentResponse {
  keyId: string;
  institutionName: string;
  label: string;
  enrolledAt: string;
}

export interface EnrolmentCodeResponse {
  /** As shown: XXXXX-XXXXX. */
  code: string;
  expiresAt: string;
  /** The enrolment page of the institution link, the code in the fragment (never sent to a server). */
  link: string;
}

/** An enrolled device as staff see it. */
export interface EnrolledDeviceDto {
  keyId: string;
  label: string;
  enrolledAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

/** Where a declaration came from, as the inbox shows it. */
export type SenderTrust = 'enrolled' | 'unverified';
