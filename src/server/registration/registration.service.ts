import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { AuditAction } from '../../domain/staff/audit-events.ts';
import { consentedScopes, disclosedRecord, formatScopes, parseScopes } from '../../domain/consent/consent.ts';
import { nextSteps, type EligibilityRecord } from '../../domain/registration/eligibility.ts';
import { MAX_FAILED_ANSWERS_PER_CHALLENGE, type HandoffRejection, type HandoffResponse } from '../../domain/registration/handoff.ts';
import type { RegistrationOutcomeDto, StartRegistrationResponse } from '../../domain/registration/reception-api.ts';
import type { RegistrationRequest } from '../../domain/registration/registration-schema.ts';
import { asksPrescriptionForm, checkConsultationDate, consultationDateOrNull } from '../../domain/registration/registration.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { consentById, consentsInForce, countRevokedByCardRequest, registerConsentByCard, registeredEligibility } from '../consent/card-consent.service.ts';
import { receiptOfRequest } from '../consent/consent-receipt.service.ts';
import { recordChange } from '../change-feed/change-feed.service.ts';
import type { DbOrTx } from '../db/database.ts';
import { consumeChallenge, countFailedAnswer, findChallenge, latestChallenge } from '../handoff/challenge.repository.ts';
import { cardAppLink, issueFirstChallenge, newChallenge, type StartContext } from '../handoff/challenge.service.ts';
import type { HandoffChallengeRow } from '../handoff/challenge.table.ts';
import { HandoffRejectedError } from '../handoff/handoff-errors.ts';
import { verifyHandoffResponse } from '../handoff/verify-response.ts';
import { ValidationError } from '../http/errors.ts';
import type { InstitutionRow } from '../institution/institution.table.ts';
import type { NationalServices } from '../national/national-services.ts';
import { accessTokenHash, newAccessToken } from './access-token.ts';
import { applyConsentUpdate, revokeAllConsents } from './card-request.service.ts';
import { RegistrationClosedError, RegistrationNotFoundError } from './registration-errors.ts';
import { claimCompletion, findRegistration, insertRegistration, markFailed, updateRegistration } from './registration.repository.ts';
import type { RegistrationRow } from './registration.table.ts';
import { assertReturnUrlAllowed } from './return-url.ts';
import { asksConsultationDate, isRemoteConsultation } from '../../domain/shared/visit-type.ts';

/** Checks a registration request against the institution's settings (R1, R3, R4/S5). */
export function validateRequest(request: RegistrationRequest, institution: InstitutionRow, now: Date): void {
  const fields: Record<string, string> = {};
  if (asksConsultationDate(request.visitType)) {
    const problem = checkConsultationDate(request.consultationDate, now);
    if (problem === 'missing') fields.consultationDate = 'Enter the consultation date.';
    if (problem === 'invalid') fields.consultationDate = 'The consultation date is not a real date (YYYY-MM-DD).';
    if (problem === 'past') fields.consultationDate = 'The consultation date must be today or later (Japan time).';
  }
  const asked = asksPrescriptionForm(
    request.visitType,
    request.arrival,
    { showsPrescriptionForm: institution.shows_prescription_form === 1, usesElectronicPrescription: institution.uses_electronic_prescription === 1 },
    request.appSupportsElectronicPrescription === true,
  );
  if (asked && !request.prescriptionForm) fields.prescriptionForm = 'Choose electronic or paper prescription.';
  if (request.arrival === 'app' && !request.returnUrl) fields.returnUrl = 'An app must pass its return address.';
  // R1: telemedicine apps start online consultations only.
  if (request.arrival === 'app' && !isRemoteConsultation(request.visitType)) fields.visitType = 'An app can start online consultations only.';
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);
  if (request.arrival === 'app') assertReturnUrlAllowed(request.returnUrl!, institution);
}

/** Records the patient's choices as a pending registration and issues its first challenge. */
export async function startRegistration(trx: DbOrTx, request: RegistrationRequest, ctx: StartContext): Promise<StartRegistrationResponse> {
  const { institution, now } = ctx;
  validateRequest(request, institution, now);
  const scopes = consentedScopes(request.choices, {
    usesClinicalInfo: institution.uses_clinical_info === 1,
    usesElectronicPrescription: institution.uses_electronic_prescription === 1,
  });
  const prescriptionAsked = asksPrescriptionForm(
    request.visitType,
    request.arrival,
    { showsPrescriptionForm: institution.shows_prescription_form === 1, usesElectronicPrescription: institution.uses_electronic_prescription === 1 },
    request.appSupportsElectronicPrescription === true,
  );
  const registrationId = randomUUID();
  const accessToken = newAccessToken();
  await insertRegistration(trx, {
    id: registrationId,
    institution_id: institution.id,
    purpose: 'register',
    visit_type: request.visitType,
    arrival: request.arrival,
    scopes: formatScopes(scopes),
    prescription_form: prescriptionAsked ? (request.prescriptionForm ?? null) : null,
    consultation_date: consultationDateOrNull(request.visitType, request.consultationDate),
    return_url: request.arrival === 'app' ? (request.returnUrl ?? null) : null,
    device_id: ctx.deviceId,
    staff_id: ctx.staffId,
    access_token_hash: accessToken.hash,
    status: 'awaitingCard',
    failure_code: null,
    person_ref: null,
    consent_id: null,
    created_at: now.toISOString(),
    completed_at: null,
  });
  return issueFirstChallenge(
    trx,
    { id: registrationId, accessToken: accessToken.token, institution, sameDevice: request.handoffPath === 'sameDevice', purpose: 'register', detail: request.visitType },
    ctx,
  );
}

/**
 * How long the starting device may read its registration: long enough for the card step and the
 * result screen, short enough that the next user of a shared tablet cannot fetch the record with
 * a token left behind (P4; issue 12 #8: was 3 hours). The app drops the token sooner.
 */
export const REGISTRATION_ACCESS_MS = 30 * 60 * 1000;

/** The registration, if the caller holds its access token; otherwise "not found" (no oracle). */
export async function authorizedRegistration(db: DbOrTx, id: string, accessToken: string | undefined, now: Date): Promise<RegistrationRow> {
  const row = await findRegistration(db, id);
  const presented = Buffer.from(accessTokenHash(accessToken ?? ''));
  const expected = Buffer.from(row?.access_token_hash ?? accessTokenHash(randomUUID()));
  if (
    !row ||
    !accessToken ||
    presented.length !== expected.length ||
    !timingSafeEqual(presented, expected) ||
    now.getTime() - Date.parse(row.created_at) > REGISTRATION_ACCESS_MS
  ) {
    throw new RegistrationNotFoundError();
  }
  return row;
}

/** A fresh challenge after the last one expired or the card step failed. */
export async function renewChallenge(
  trx: DbOrTx,
  registration: RegistrationRow,
  ctx: { now: Date; cardAppUrl: string; publicUrl: string; linkToken: string; sameDevice: boolean },
) {
  if (registration.status === 'completed') {
    throw new RegistrationClosedError();
  }
  if (registration.visit_type && asksConsultationDate(registration.visit_type) && checkConsultationDate(registration.consultation_date, ctx.now) === 'past') {
    throw new HandoffRejectedError('consultation_date_passed');
  }
  await updateRegistration(trx, registration.id, { status: 'awaitingCard', failure_code: null });
  const challenge = await newChallenge(trx, registration.id, ctx.now);
  await appendAudit(
    trx,
    {
      institutionId: registration.institution_id,
      actorType: registration.staff_id ? 'staff' : 'patient',
      actorId: registration.staff_id,
      action: 'handoff.challenge_renewed',
      deviceId: registration.device_id,
      subjectId: registration.id,
      outcome: 'ok',
      detail: ctx.sameDevice ? 'sameDevice' : 'crossDevice',
    },
    ctx.now,
  );
  return {
    challenge,
    cardAppUrl: cardAppLink({
      cardAppUrl: ctx.cardAppUrl,
      publicUrl: ctx.publicUrl,
      challenge,
      returnTo: ctx.sameDevice ? `${ctx.publicUrl}/i/${ctx.linkToken}` : null,
    }),
  };
}

/** What the starting device may see of its registration (R7). */
export async function registrationOutcome(db: DbOrTx, registration: RegistrationRow, now: Date): Promise<RegistrationOutcomeDto> {
  const challenge = await latestChallenge(db, registration.id);
  let eligibility: RegistrationOutcomeDto['eligibility'] = null;
  let validUntil: string | null = null;
  if (registration.status === 'completed' && registration.consent_id) {
    const consent = await consentById(db, registration.consent_id);
    validUntil = consent?.valid_until ?? null;
    // R7: online consultations never show the eligibility record to the patient; and once the
    // consent is revoked or replaced, the record is no longer shown on the device either.
    if (registration.purpose === 'register' && registration.visit_type && !isRemoteConsultation(registration.visit_type) && consent?.status === 'active') {
      const record = await registeredEligibility(db, registration.consent_id);
      if (record) eligibility = { record, nextSteps: nextSteps(record.status) };
    }
  }
  return {
    registrationId: registration.id,
    status: registration.status,
    failure: (registration.failure_code as HandoffRejection | null) ?? null,
    purpose: registration.purpose,
    visitType: registration.visit_type,
    arrival: registration.arrival,
    scopes: parseScopes(registration.scopes),
    prescriptionForm: registration.prescription_form,
    consultationDate: registration.consultation_date,
    challengeExpiresAt: registration.status === 'awaitingCard' ? (challenge?.expires_at ?? null) : null,
    returnUrl: registration.status === 'completed' && registration.arrival === 'app' ? registration.return_url : null,
    eligibility,
    validUntil,
    consents:
      registration.purpose === 'query' && registration.status === 'completed' && registration.person_ref
        ? await consentsInForce(db, registration.institution_id, registration.person_ref, now)
        : null,
    revokedCount: registration.purpose === 'revokeAll' && registration.status === 'completed' ? await countRevokedByCardRequest(db, registration.id) : null,
    receipt: registration.status === 'completed' && registration.purpose !== 'query' ? await receiptOfRequest(db, registration.id) : null,
  };
}

export type HandoffResult = { ok: true } | { ok: false; rejection: HandoffRejection };

/**
 * R6: the card app's answer. checkHandoff verifies it (signature, chain, validity, revocation)
 * and resolves the card holder, outside any transaction; recordHandoff then registers the consent
 * — all writes in the one transaction the route opens, which also uses up the challenge so that a
 * replay finds it spent. A refusal is recorded before it is returned.
 *
 * Issue 12 #12: only a verified answer changes the request. The challenge id and nonce are in the
 * QR code, so anyone who saw it can post an answer. One that fails verification (unknown, used or
 * expired challenge, wrong nonce, bad signature, malformed or untrusted certificate) is refused to
 * its sender — the card app shows why — and leaves the request pending: the tablet keeps waiting.
 * So is a certificate that is expired or revoked, even with a valid signature: it proves only that
 * someone holds that key, not who (a revoked card is typically a lost or stolen one, and expired
 * cards are common), so it must not let a stranger with the QR code end someone else's request.
 * The patient with such a card sees the reason on the card app. Only a fully verified card, whose
 * holder did act, may end the request as failed: not registered for insurance use, consultation
 * date passed, not the consent holder's card, consent no longer in force. (Face-authentication-only
 * cards and PIN locks are refused by the card app itself and never reach this server.)
 */
export async function checkHandoff(db: DbOrTx, national: NationalServices, response: HandoffResponse, now: Date): Promise<CheckedHandoff> {
  const challenge = await findChallenge(db, response.challengeId);
  const registration = challenge ? await findRegistration(db, challenge.registration_id) : undefined;
  const verdict = await verifyHandoffResponse({
    response,
    challenge: challenge && { challengeId: challenge.id, nonce: challenge.nonce, expiresAt: challenge.expires_at, usedAt: challenge.used_at },
    trust: national.cardTrust,
    now,
  });
  if (!verdict.ok) return { verified: false, challenge, registration, rejection: verdict.rejection };

  let personId: string | null = null;
  let record: EligibilityRecord | null = null;
  // Eligibility is only looked up when a consent is registered; query, update and revocation
  // only need to know whose card it is.
  let rejection: HandoffRejection | null = null;
  if (registration?.visit_type && asksConsultationDate(registration.visit_type) && checkConsultationDate(registration.consultation_date, now) === 'past') {
    rejection = 'consultation_date_passed';
  } else {
    const holder = await national.eligibility.resolveCardHolder(verdict.certificateSerial);
    if (!holder) rejection = 'card_not_registered';
    else {
      personId = holder.personId;
      record =
        registration?.purpose === 'register'
          ? disclosedRecord(await national.eligibility.currentEligibility(holder.personId, now), parseScopes(registration.scopes))
          : null;
    }
  }

  return { verified: true, challenge, registration, rejection, personId, record };
}

/** The outcome of checkHandoff, recorded by recordHandoff in the transaction the route opens. */
export type CheckedHandoff =
  | { verified: false; challenge: HandoffChallengeRow | undefined; registration: RegistrationRow | undefined; rejection: HandoffRejection }
  | {
      verified: true;
      challenge: HandoffChallengeRow | undefined;
      registration: RegistrationRow | undefined;
      /** A verified card whose holder cannot go on (not registered, date passed). */
      rejection: HandoffRejection | null;
      personId: string | null;
      record: EligibilityRecord | null;
    };

/** Writes what a checked answer does: the request completes or fails, or a refusal is counted. */
export async function recordHandoff(trx: DbOrTx, checked: CheckedHandoff, now: Date): Promise<HandoffResult> {
  if (!checked.verified) return refuseUnverified(trx, checked.challenge, checked.registration, checked.rejection, now);
  const { challenge, registration, rejection, personId, record } = checked;
  // Read again inside the transaction: another answer may have completed it meanwhile.
  const current = challenge ? await findRegistration(trx, challenge.registration_id) : undefined;
  if (!challenge || !registration || !current) return { ok: false, rejection: 'challenge_unknown' };
  // A verified card whose holder cannot go on (not registered, date passed): the request fails,
  // unless another answer has completed it meanwhile (guarded in SQL).
  if (rejection !== null || personId === null) return refuse(trx, current, rejection ?? 'card_not_registered', now, 'fail');
  const at = now.toISOString();
  // A registration completes once: an answer to another of its challenges (the patient switched
  // between QR code and same device) must not register a second consent over the first. The
  // request already has its outcome (or another answer is completing it): it stays as it is.
  if (current.status === 'completed' || !(await consumeChallenge(trx, challenge.id, at))) return refuse(trx, current, 'challenge_replayed', now, 'keep');
  // Claim the request with a guarded write: on PostgreSQL a concurrent answer to another of its
  // challenges waits on this row and then finds it completed (SQLite serialises writers anyway).
  if (!(await claimCompletion(trx, registration.id, at))) return refuse(trx, current, 'challenge_replayed', now, 'keep');

  switch (current.purpose) {
    case 'register':
      await registerConsent(trx, current, personId, record, now);
      break;
    case 'query':
      await completeCardRequest(trx, current, personId, null, now, 'consent.queried');
      break;
    case 'update': {
      const refusal = await applyConsentUpdate(trx, current, personId, now);
      if (refusal) return refuse(trx, current, refusal, now, 'claimed');
      break;
    }
    case 'revokeAll':
      await revokeAllConsents(trx, current, personId, now);
      break;
    default: {
      const unexpected: never = current.purpose;
      throw new Error(`unknown card request purpose ${String(unexpected)}`);
    }
  }
  return { ok: true };
}

/**
 * An answer that failed verification: counted on its challenge and audited, nothing else
 * changes. Past MAX_FAILED_ANSWERS_PER_CHALLENGE further ones are refused without a write, so
 * junk cannot fill the audit trail; a verified answer is still accepted (see checkHandoff).
 */
async function refuseUnverified(
  trx: DbOrTx,
  challenge: HandoffChallengeRow | undefined,
  registration: RegistrationRow | undefined,
  rejection: HandoffRejection,
  now: Date,
): Promise<HandoffResult> {
  if (!challenge || !registration) return { ok: false, rejection: 'challenge_unknown' };
  const failed = await countFailedAnswer(trx, challenge.id, MAX_FAILED_ANSWERS_PER_CHALLENGE);
  if (failed === undefined) return { ok: false, rejection: 'challenge_answers_limited' };
  const event = {
    institutionId: registration.institution_id,
    actorType: 'patient' as const,
    deviceId: registration.device_id,
    subjectId: registration.id,
    outcome: 'refused' as const,
  };
  await appendAudit(trx, { ...event, action: 'handoff.refused', detail: rejection }, now);
  if (failed === MAX_FAILED_ANSWERS_PER_CHALLENGE) await appendAudit(trx, { ...event, action: 'handoff.answers_limited', detail: String(failed) }, now);
  return { ok: false, rejection };
}

/**
 * Records a refused answer of a verified card. 'fail': a pending request fails (guarded in SQL,
 * not on the row read earlier: a concurrent answer may have completed it); 'claimed': this very
 * answer claimed the request and is now turning it down; 'keep': the request keeps its state.
 */
async function refuse(
  trx: DbOrTx,
  request: RegistrationRow,
  reason: HandoffRejection,
  now: Date,
  effect: 'fail' | 'claimed' | 'keep',
): Promise<HandoffResult> {
  if (effect === 'claimed') await updateRegistration(trx, request.id, { status: 'failed', failure_code: reason, completed_at: null });
  else if (effect === 'fail') await markFailed(trx, request.id, reason);
  await appendAudit(
    trx,
    {
      institutionId: request.institution_id,
      actorType: 'patient',
      action: 'handoff.refused',
      deviceId: request.device_id,
      subjectId: request.id,
      outcome: 'refused',
      detail: reason,
    },
    now,
  );
  return { ok: false, rejection: reason };
}

async function completeCardRequest(
  trx: DbOrTx,
  request: RegistrationRow,
  personId: string,
  consentId: string | null,
  now: Date,
  action: AuditAction,
  detail: string | null = null,
): Promise<void> {
  await updateRegistration(trx, request.id, {
    status: 'completed',
    failure_code: null,
    person_ref: personId,
    consent_id: consentId,
    completed_at: now.toISOString(),
  });
  await appendAudit(
    trx,
    {
      institutionId: request.institution_id,
      actorType: 'patient',
      action,
      personRef: personId,
      deviceId: request.device_id,
      subjectId: consentId ?? request.id,
      outcome: 'ok',
      detail,
    },
    now,
  );
}

/** R6 → consent: the consent feature writes it (replacing an earlier one of the type); the request completes. */
async function registerConsent(trx: DbOrTx, registration: RegistrationRow, personId: string, record: EligibilityRecord | null, now: Date): Promise<void> {
  const visitType = registration.visit_type;
  if (!visitType || !record) throw new Error('a registration needs its visit type and eligibility record');
  const consentId = await registerConsentByCard(
    trx,
    { institutionId: registration.institution_id, personRef: personId, deviceId: registration.device_id, requestId: registration.id, staffId: registration.staff_id },
    { visitType, scopes: registration.scopes, prescriptionForm: registration.prescription_form, consultationDate: registration.consultation_date },
    record,
    now,
  );
  await completeCardRequest(trx, registration, personId, consentId, now, 'consent.registered', `${visitType}:${registration.scopes || '-'}`);
  // Issue 19 #3: in this transaction, after the audit entry (the lock order of change-feed.service.ts).
  await recordChange(trx, { institutionId: registration.institution_id, type: 'consent.registered', subjectId: consentId }, now);
}
