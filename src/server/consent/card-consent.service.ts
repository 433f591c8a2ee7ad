import { randomUUID } from 'node:crypto';
import { parseScopes } from '../../domain/consent/consent.ts';
import { consentState, consentValidUntil, type RevokeReason } from '../../domain/consent/validity.ts';
import type { EligibilityRecord } from '../../domain/registration/eligibility.ts';
import type { PatientConsentDto } from '../../domain/registration/reception-api.ts';
import type { PrescriptionForm } from '../../domain/registration/registration.ts';
import { asksConsultationDate, type VisitType } from '../../domain/shared/visit-type.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { DbOrTx } from '../db/database.ts';
import {
  activeConsentsOfPerson,
  activeConsentsOfType,
  countRevokedBy,
  eligibilityForConsent,
  findConsent,
  insertConsent,
  insertEligibilityCheck,
  markConsentRevoked,
  updateConsentTerms,
} from './consent.repository.ts';
import type { ConsentRow } from './consent.table.ts';
import { recordChange } from '../change-feed/change-feed.service.ts';
import { issueReceipt } from './consent-receipt.service.ts';

/**
 * The consent rows a card confirmation writes (R6 register, U1 update, X3 revoke everything) and
 * what the patient's device may read of them. The registration feature runs the card step and
 * calls these; only this feature writes consent rows.
 */

/** Who confirmed with the card, from which device, on which card request (for rows and audit). */
export interface CardConfirmation {
  institutionId: string;
  personRef: string;
  deviceId: string;
  /** The card request (registration row) the card confirmed. */
  requestId: string;
  /** The staff member signed in on the device (a home visit), for the receipt's collection method. */
  staffId: string | null;
}

function receiptContext(card: CardConfirmation) {
  return { institutionId: card.institutionId, personRef: card.personRef, requestId: card.requestId, withStaff: card.staffId !== null };
}

export async function consentById(db: DbOrTx, id: string): Promise<ConsentRow | undefined> {
  return findConsent(db, id);
}

/** A consent that is active and within its window, at this institution. */
export function isInForce(consent: ConsentRow | undefined, institutionId: string, now: Date): consent is ConsentRow {
  return (
    consent !== undefined &&
    consent.institution_id === institutionId &&
    consentState({ status: consent.status, validUntil: consent.valid_until }, now) === 'active'
  );
}

/** U1: what a person sees of their consents in force at this institution. */
export async function consentsInForce(db: DbOrTx, institutionId: string, personRef: string, now: Date): Promise<PatientConsentDto[]> {
  return (await activeConsentsOfPerson(db, institutionId, personRef))
    .filter((c) => consentState({ status: c.status, validUntil: c.valid_until }, now) === 'active')
    .map((c) => ({
      id: c.id,
      visitType: c.visit_type,
      scopes: parseScopes(c.scopes),
      prescriptionForm: c.prescription_form,
      consultationDate: c.consultation_date,
      registeredAt: c.registered_at,
      validUntil: c.valid_until,
    }));
}

/** The eligibility record a consent was registered with (R7: shown on the starting device). */
export async function registeredEligibility(db: DbOrTx, consentId: string): Promise<EligibilityRecord | null> {
  const check = await eligibilityForConsent(db, consentId);
  return check ? (JSON.parse(check.record_json) as EligibilityRecord) : null;
}

/**
 * R6 → consent: the new consent and its eligibility record; an active consent of the same visit
 * type is revoked as superseded (one per person, institution and visit type). Returns the new id.
 */
export async function registerConsentByCard(
  trx: DbOrTx,
  card: CardConfirmation,
  terms: { visitType: VisitType; scopes: string; prescriptionForm: PrescriptionForm | null; consultationDate: string | null },
  record: EligibilityRecord,
  now: Date,
): Promise<string> {
  const at = now.toISOString();
  for (const earlier of await activeConsentsOfType(trx, card.institutionId, card.personRef, terms.visitType)) {
    await markConsentRevoked(trx, earlier.id, { at, by: 'system', reason: 'superseded' satisfies RevokeReason });
    await appendAudit(
      trx,
      {
        institutionId: card.institutionId,
        actorType: 'system',
        action: 'consent.superseded',
        personRef: card.personRef,
        deviceId: card.deviceId,
        subjectId: earlier.id,
        outcome: 'ok',
      },
      now,
    );
    // Issue 19 #3: the superseded consent ends (after its audit entry: the lock order of change-feed.service.ts).
    await recordChange(trx, { institutionId: card.institutionId, type: 'consent.revoked', subjectId: earlier.id }, now);
  }
  const consentId = randomUUID();
  const validUntil = consentValidUntil(terms.visitType, now, terms.consultationDate);
  await insertConsent(trx, {
    id: consentId,
    institution_id: card.institutionId,
    person_ref: card.personRef,
    visit_type: terms.visitType,
    scopes: terms.scopes,
    prescription_form: terms.prescriptionForm,
    consultation_date: terms.consultationDate,
    registered_at: at,
    valid_until: validUntil?.toISOString() ?? null,
    status: 'active',
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    device_id: card.deviceId,
    staff_id: card.staffId,
    registration_id: card.requestId,
    updated_at: at,
    last_confirmed_at: null,
  });
  await insertEligibilityCheck(trx, {
    id: randomUUID(),
    institution_id: card.institutionId,
    person_ref: card.personRef,
    consent_id: consentId,
    kind: 'registration',
    status: record.status,
    record_json: JSON.stringify(record),
    checked_at: at,
  });
  // Issue 19 #4: the patient's receipt of what they agreed to (read by the starting device only).
  const registered = await findConsent(trx, consentId);
  await issueReceipt(trx, receiptContext(card), 'registered', [registered!], now);
  return consentId;
}

/** U1, after the second card confirmation: the consent takes the new terms; an online date moves its window. */
export async function updateConsentByCard(
  trx: DbOrTx,
  card: CardConfirmation,
  consent: ConsentRow,
  terms: { scopes: string; prescriptionForm: PrescriptionForm | null; consultationDate: string | null },
  now: Date,
): Promise<void> {
  const validUntil =
    asksConsultationDate(consent.visit_type) && terms.consultationDate
      ? consentValidUntil(consent.visit_type, now, terms.consultationDate)!.toISOString()
      : consent.valid_until;
  await updateConsentTerms(trx, consent.id, {
    scopes: terms.scopes,
    prescription_form: terms.prescriptionForm,
    consultation_date: terms.consultationDate,
    valid_until: validUntil,
    updated_at: now.toISOString(),
  });
  const updated = await findConsent(trx, consent.id);
  await issueReceipt(trx, receiptContext(card), 'updated', [updated!], now);
}

function revokedByCard(requestId: string): string {
  return `card:${requestId}`;
}

/** X3: every active consent of the card holder at this institution ends now. Returns how many. */
export async function revokeAllByCard(trx: DbOrTx, card: CardConfirmation, now: Date): Promise<number> {
  const at = now.toISOString();
  const reason: RevokeReason = 'patientByCard';
  const ended: ConsentRow[] = [];
  for (const consent of await activeConsentsOfPerson(trx, card.institutionId, card.personRef)) {
    if (await markConsentRevoked(trx, consent.id, { at, by: revokedByCard(card.requestId), reason })) {
      ended.push(consent);
      await appendAudit(
        trx,
        {
          institutionId: card.institutionId,
          actorType: 'patient',
          action: 'consent.revoked',
          personRef: card.personRef,
          deviceId: card.deviceId,
          subjectId: consent.id,
          outcome: 'ok',
          detail: reason,
        },
        now,
      );
      await recordChange(trx, { institutionId: card.institutionId, type: 'consent.revoked', subjectId: consent.id }, now);
    }
  }
  // One receipt for the whole revocation (also when nothing was in force: the patient asked).
  await issueReceipt(trx, receiptContext(card), 'revoked', ended, now);
  return ended.length;
}

/** X3: how many consents a revoke-all card request ended (its result screen). */
export async function countRevokedByCardRequest(db: DbOrTx, requestId: string): Promise<number> {
  return countRevokedBy(db, revokedByCard(requestId));
}
