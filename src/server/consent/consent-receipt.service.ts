import { randomBytes } from 'node:crypto';
import { parseScopes } from '../../domain/consent/consent.ts';
import {
  buildConsentReceipt,
  normaliseReceiptId,
  RECEIPT_ID_BYTES,
  receiptIdFromBytes,
  type ConsentReceipt,
  type ReceiptEvent,
  type ReceiptLookupResponse,
} from '../../domain/consent/consent-receipt.ts';
import type { EligibilityRecord } from '../../domain/registration/eligibility.ts';
import type { DbOrTx } from '../db/database.ts';
import { findInstitutionById } from '../institution/institution.repository.ts';
import { ConsentReceiptNotFoundError } from './consent-errors.ts';
import { consentsOfPersonAt, eligibilityForConsent } from './consent.repository.ts';
import { findReceiptAt, insertReceipt, receiptOfCardRequest } from './consent-receipt.repository.ts';
import type { ConsentRow } from './consent.table.ts';
import type { StaffAuditor } from './staff-action.ts';
import { toConsentSummary } from './consent.service.ts';

/**
 * Issue 19 #4: the patient's consent receipt. One is issued, in the transaction of the card
 * confirmation, for each registration (R6), update (U1) and revocation of everything (X3); only
 * the device holding the card request's access token reads it (registrationOutcome), and staff
 * check a receipt id at their own institution.
 */

/** Who confirmed the event with the card, on which request. */
export interface ReceiptContext {
  institutionId: string;
  personRef: string;
  requestId: string;
  withStaff: boolean;
}

/** The insured number of the record a consent was registered with (masked by the domain). */
async function insuredNumberOf(db: DbOrTx, consents: readonly ConsentRow[]): Promise<string | null> {
  for (const consent of consents) {
    const check = await eligibilityForConsent(db, consent.id);
    if (check) return (JSON.parse(check.record_json) as EligibilityRecord).number || null;
  }
  return null;
}

/** Writes the receipt of one card-confirmed event; `consents` are the rows as the event left them. */
export async function issueReceipt(trx: DbOrTx, ctx: ReceiptContext, event: ReceiptEvent, consents: readonly ConsentRow[], now: Date): Promise<ConsentReceipt> {
  const institution = await findInstitutionById(trx, ctx.institutionId);
  if (!institution) throw new Error('a receipt needs its institution');
  const receipt = buildConsentReceipt({
    receiptId: receiptIdFromBytes(randomBytes(RECEIPT_ID_BYTES)),
    event,
    issuedAt: now,
    institution: { name: institution.name, code: institution.code },
    insuredNumber: await insuredNumberOf(trx, consents),
    withStaff: ctx.withStaff,
    consents: consents.map((c) => ({
      visitType: c.visit_type,
      scopes: parseScopes(c.scopes),
      prescriptionForm: c.prescription_form,
      consultationDate: c.consultation_date,
      registeredAt: c.registered_at,
      validUntil: c.valid_until,
    })),
  });
  await insertReceipt(trx, {
    id: receipt.receiptId,
    institution_id: ctx.institutionId,
    person_ref: ctx.personRef,
    event,
    card_request_id: ctx.requestId,
    consent_ids: consents.map((c) => c.id).join(','),
    content_json: JSON.stringify(receipt),
    issued_at: receipt.issuedAt,
  });
  return receipt;
}

/** The receipt a completed card request issued, for the device that made the request. */
export async function receiptOfRequest(db: DbOrTx, requestId: string): Promise<ConsentReceipt | null> {
  const row = await receiptOfCardRequest(db, requestId);
  return row ? (JSON.parse(row.content_json) as ConsentReceipt) : null;
}

/**
 * Staff check a receipt id the patient shows them: which event, which consents (and their state
 * now). Only receipts of the staff member's institution; an unknown, malformed or foreign id is
 * the same "not found". The check is audited either way (a refusal by the route).
 */
export async function lookUpReceipt(
  trx: DbOrTx,
  ctx: { institutionId: string; now: Date; audit: StaffAuditor },
  typedId: string,
): Promise<ReceiptLookupResponse> {
  const id = normaliseReceiptId(typedId);
  const row = id ? await findReceiptAt(trx, ctx.institutionId, id) : undefined;
  // The route's staffTransaction records the refusal (after the rollback).
  if (!row) throw new ConsentReceiptNotFoundError();
  const ids = new Set(row.consent_ids.split(',').filter((s) => s !== ''));
  const consents = (await consentsOfPersonAt(trx, ctx.institutionId, row.person_ref)).filter((c) => ids.has(c.id));
  await ctx.audit(trx, { action: 'consent.receipt_checked', personRef: row.person_ref, subjectId: row.id, outcome: 'ok', detail: row.event }, ctx.now);
  return {
    receipt: {
      receiptId: row.id,
      event: row.event,
      issuedAt: row.issued_at,
      personRef: row.person_ref,
      consents: consents.map((c) => toConsentSummary(c, ctx.now)),
      content: JSON.parse(row.content_json) as ConsentReceipt,
    },
  };
}
