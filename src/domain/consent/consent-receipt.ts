import type { PrescriptionForm } from '../registration/registration.ts';
import type { JstDate } from '../shared/jst.ts';
import type { VisitType } from '../shared/visit-type.ts';
import type { ConsentSummaryDto } from './staff-lifecycle-api.ts';
import { CARD_AUTHENTICATION_ONLY_SCOPES, CONSENT_CHOICES, type ConsentChoice, type ConsentScope } from './consent.ts';

/**
 * The patient's consent receipt (issue 19 #4): what the patient keeps after registering, changing
 * or revoking a consent by card. Its fields are the ones of a consent receipt / privacy notice
 * (Kantara Consent Receipt v1.1, ISO/IEC 29184) that apply here:
 *
 * | receipt field | here |
 * | --- | --- |
 * | receipt id, timestamp, jurisdiction, collection method | `receiptId`, `issuedAt`, `jurisdiction`, `collectionMethod` |
 * | controller (who holds the consent, contact) | `controller`: the institution's name and 医療機関コード; contact = ask the clinic |
 * | principal (whose consent) | `principal`: only the last digits of the insured number (never a My Number, never the whole number) |
 * | purpose, PII categories, sensitive data | `consents[].visitType` (why the clinic views), `consents[].choices` (each granted or refused), `sensitive` (S4) |
 * | termination / retention of the consent | `consents[].validity` (V1–V3) |
 * | withdrawal of consent | `withdrawal`: the link's menu, or the clinic (X3, X1) |
 *
 * The content is fixed when issued (a later change issues a new receipt); texts are the app's
 * catalogue strings keyed by these values, so the receipt reads in the patient's language.
 */

/** What happened: a registration (R6), an update (U1) or a revocation of everything (X3). */
export const RECEIPT_EVENTS = ['registered', 'updated', 'revoked'] as const;
export type ReceiptEvent = (typeof RECEIPT_EVENTS)[number];

/** V1–V3 as the receipt states them; `ended` for a consent a revocation ended. */
export type ReceiptValidity =
  /** V1 訪問診療等: no end date; lasts until revoked. */
  | { kind: 'untilRevoked' }
  /** V2 往診: 24 hours after registration (the instant it ends). */
  | { kind: 'hours24'; until: string }
  /** V3 オンライン診療等: through the consultation date, Japan time. */
  | { kind: 'throughConsultationDate'; date: JstDate; until: string }
  /** X3: this receipt ends the consent; viewing stopped at `at`. */
  | { kind: 'ended'; at: string };

/** One choice of the consent screen (S1: 診療・お薬情報 is one choice) and whether it was granted. */
export interface ReceiptChoice {
  choice: ConsentChoice;
  granted: boolean;
}

export interface ReceiptConsent {
  visitType: VisitType;
  choices: ReceiptChoice[];
  prescriptionForm: PrescriptionForm | null;
  consultationDate: JstDate | null;
  /** When the consent was first registered (an update keeps it). */
  registeredAt: string;
  validity: ReceiptValidity;
}

export interface ConsentReceipt {
  /** The content model's version, for a receipt file read later. */
  format: 'zaitaku-consent-receipt/1';
  receiptId: string;
  event: ReceiptEvent;
  issuedAt: string;
  jurisdiction: 'JP';
  /** Consent was given (or withdrawn) by My Number card authentication; with staff present or not. */
  collectionMethod: 'cardAuthentication' | 'cardAuthenticationWithStaff';
  controller: { name: string; institutionCode: string };
  /** The last digits of the insured number, masked (null when the record has none). */
  principal: { insuredNumber: string | null };
  consents: ReceiptConsent[];
  /** S4: specific-disease information (要配慮個人情報) is among what was granted. */
  sensitive: boolean;
  /** How to withdraw: the menu of this clinic link (「すべての同意を取消す」), or the clinic. Null once revoked. */
  withdrawal: { byLinkMenu: true; byClinic: true } | null;
}

/** V1–V3: the validity a receipt states for a consent in force. */
export function receiptValidity(consent: { visitType: VisitType; validUntil: string | null; consultationDate: JstDate | null }): ReceiptValidity {
  switch (consent.visitType) {
    case 'homeVisit':
      return { kind: 'untilRevoked' };
    case 'houseCall':
      if (consent.validUntil === null) throw new RangeError('a house-call consent ends 24 hours after registration');
      return { kind: 'hours24', until: consent.validUntil };
    case 'online':
      if (consent.validUntil === null || consent.consultationDate === null) throw new RangeError('an online consent needs its consultation date');
      return { kind: 'throughConsultationDate', date: consent.consultationDate, until: consent.validUntil };
  }
}

/** Each choice of the consent screen, granted or refused, from the scopes a consent holds. */
export function receiptChoices(scopes: readonly ConsentScope[]): ReceiptChoice[] {
  return CONSENT_CHOICES.map((choice) => ({ choice, granted: scopes.includes(choice) }));
}

/** At most this many trailing characters of an insurance number are shown. */
export const INSURANCE_DIGITS_SHOWN = 4;

/**
 * An insurance number reduced to its last digits: at most INSURANCE_DIGITS_SHOWN, and never more
 * than half of it, behind a fixed-width mask (so the length is not told either). Symbols,
 * branches and insurer numbers are not put on a receipt at all.
 */
export function maskInsuranceNumber(value: string | null | undefined): string | null {
  const digits = (value ?? '').normalize('NFKC').replace(/[^0-9A-Za-z]/g, '');
  if (digits === '') return null;
  const shown = Math.min(INSURANCE_DIGITS_SHOWN, Math.floor(digits.length / 2));
  return `****${shown === 0 ? '' : digits.slice(-shown)}`;
}

export interface ReceiptInput {
  receiptId: string;
  event: ReceiptEvent;
  issuedAt: Date;
  institution: { name: string; code: string };
  /** The insured number of the record the consent was registered with (masked here). */
  insuredNumber: string | null;
  withStaff: boolean;
  consents: Array<{
    visitType: VisitType;
    scopes: readonly ConsentScope[];
    prescriptionForm: PrescriptionForm | null;
    consultationDate: JstDate | null;
    registeredAt: string;
    validUntil: string | null;
  }>;
}

/** The receipt of one card-confirmed event. */
export function buildConsentReceipt(input: ReceiptInput): ConsentReceipt {
  const revoked = input.event === 'revoked';
  const at = input.issuedAt.toISOString();
  const consents = input.consents.map(
    (c): ReceiptConsent => ({
      visitType: c.visitType,
      choices: receiptChoices(c.scopes),
      prescriptionForm: c.prescriptionForm,
      consultationDate: c.consultationDate,
      registeredAt: c.registeredAt,
      validity: revoked ? { kind: 'ended', at } : receiptValidity(c),
    }),
  );
  return {
    format: 'zaitaku-consent-receipt/1',
    receiptId: input.receiptId,
    event: input.event,
    issuedAt: at,
    jurisdiction: 'JP',
    collectionMethod: input.withStaff ? 'cardAuthenticationWithStaff' : 'cardAuthentication',
    controller: { name: input.institution.name, institutionCode: input.institution.code },
    principal: { insuredNumber: maskInsuranceNumber(input.insuredNumber) },
    consents,
    sensitive: !revoked && input.consents.some((c) => c.scopes.some((s) => CARD_AUTHENTICATION_ONLY_SCOPES.includes(s))),
    withdrawal: revoked ? null : { byLinkMenu: true, byClinic: true },
  };
}

// Receipt ids: 100 random bits in Crockford base32 (no I, L, O, U), grouped so they can be read
// out over the phone and typed by staff: `CR-XXXXX-XXXXX-XXXXX-XXXXX`.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ID_CHARS = 20;
/** Random bytes a receipt id needs (13 bytes = 104 bits; 100 are used). */
export const RECEIPT_ID_BYTES = 13;

/** The receipt id made of these random bytes (the server draws them). */
export function receiptIdFromBytes(bytes: Uint8Array): string {
  if (bytes.length < RECEIPT_ID_BYTES) throw new RangeError('a receipt id needs 13 random bytes');
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < ID_CHARS) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return `CR-${out.slice(0, 5)}-${out.slice(5, 10)}-${out.slice(10, 15)}-${out.slice(15, 20)}`;
}

/**
 * A receipt id as typed (any case, with or without hyphens, spaces or the `CR` prefix; O read
 * as 0, I and L as 1), in its stored form; null if it cannot be one.
 */
export function normaliseReceiptId(input: string): string | null {
  if (input.length > 64) return null;
  let text = input.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
  if (text.length === ID_CHARS + 2 && text.startsWith('CR')) text = text.slice(2);
  text = text.replace(/O/g, '0').replace(/[IL]/g, '1');
  if (text.length !== ID_CHARS || [...text].some((ch) => !ALPHABET.includes(ch))) return null;
  return `CR-${text.slice(0, 5)}-${text.slice(5, 10)}-${text.slice(10, 15)}-${text.slice(15, 20)}`;
}

/** What staff see when they check a receipt id (GET /api/staff/consent-receipts/:receiptId). */
export interface ReceiptLookupResponse {
  receipt: {
    receiptId: string;
    event: ReceiptEvent;
    issuedAt: string;
    personRef: string;
    /** The consents the event concerned, with their state now. */
    consents: ConsentSummaryDto[];
    /** The receipt as the patient got it. */
    content: ConsentReceipt;
  };
}
