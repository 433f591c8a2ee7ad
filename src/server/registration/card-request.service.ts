import { randomUUID } from 'node:crypto';
import { consentedScopes, formatScopes } from '../../domain/consent/consent.ts';
import type { HandoffRejection } from '../../domain/registration/handoff.ts';
import type { StartRegistrationResponse } from '../../domain/registration/reception-api.ts';
import type { CardRequest } from '../../domain/registration/registration-schema.ts';
import { asksPrescriptionForm, checkConsultationDate } from '../../domain/registration/registration.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { consentById, isInForce, revokeAllByCard, updateConsentByCard } from '../consent/card-consent.service.ts';
import type { DbOrTx } from '../db/database.ts';
import { HandoffRejectedError } from '../handoff/handoff-errors.ts';
import { issueFirstChallenge, type StartContext } from '../handoff/challenge.service.ts';
import { ValidationError } from '../http/errors.ts';
import type { InstitutionRow } from '../institution/institution.table.ts';
import { newAccessToken } from './access-token.ts';
import { ConsentNotUpdatableError, ConsultationDateLockedError } from './registration-errors.ts';
import { insertRegistration, updateRegistration } from './registration.repository.ts';
import type { RegistrationRow } from './registration.table.ts';
import { assertReturnUrlAllowed } from './return-url.ts';
import { asksConsultationDate, canBeUpdated } from '../../domain/shared/visit-type.ts';
import { recordChange } from '../change-feed/change-feed.service.ts';

/**
 * The patient's own actions after registering, each confirmed with the card (002 「同意内容・処方箋の
 * 発行形態の照会・更新」「同意登録の取消し」): U1 query and update, X3 revoke everything.
 */

/** Starts a query, update or revoke-all request; the card confirms it (R6 protocol). */
export async function startCardRequest(trx: DbOrTx, request: CardRequest, ctx: StartContext): Promise<StartRegistrationResponse> {
  const { institution, now } = ctx;
  if (request.arrival === 'app') {
    if (!request.returnUrl) throw new ValidationError({ returnUrl: 'An app must pass its return address.' });
    assertReturnUrlAllowed(request.returnUrl, institution);
  }
  let update: Pick<RegistrationRow, 'visit_type' | 'scopes' | 'prescription_form' | 'consultation_date' | 'consent_id'> = {
    visit_type: null,
    scopes: '',
    prescription_form: null,
    consultation_date: null,
    consent_id: null,
  };
  if (request.purpose === 'update') update = await plannedUpdate(trx, request, institution, now);

  const id = randomUUID();
  const accessToken = newAccessToken();
  await insertRegistration(trx, {
    id,
    institution_id: institution.id,
    purpose: request.purpose,
    ...update,
    arrival: request.arrival,
    return_url: request.arrival === 'app' ? (request.returnUrl ?? null) : null,
    device_id: ctx.deviceId,
    staff_id: ctx.staffId,
    access_token_hash: accessToken.hash,
    status: 'awaitingCard',
    failure_code: null,
    person_ref: null,
    created_at: now.toISOString(),
    completed_at: null,
  });
  return issueFirstChallenge(trx, { id, accessToken: accessToken.token, institution, sameDevice: request.handoffPath === 'sameDevice', purpose: request.purpose }, ctx);
}

/** U1/U2: checks a change before the card confirms it, and works out the consent it would make. */
async function plannedUpdate(trx: DbOrTx, request: Extract<CardRequest, { purpose: 'update' }>, institution: InstitutionRow, now: Date) {
  const consent = await consentById(trx, request.consentId);
  // The same refusal as a card answer for a consent that ended meanwhile.
  if (!isInForce(consent, institution.id, now)) throw new HandoffRejectedError('consent_not_active');
  // U3: checked after the institution, so another clinic's consent id tells nothing of its type.
  if (!canBeUpdated(consent.visit_type)) throw new ConsentNotUpdatableError();
  let consultationDate = consent.consultation_date;
  if (asksConsultationDate(consent.visit_type) && request.consultationDate !== undefined && request.consultationDate !== consent.consultation_date) {
    // U2: the date can be changed only by a patient who came by URL/QR, not from an app.
    if (request.arrival === 'app') {
      throw new ConsultationDateLockedError();
    }
    const problem = checkConsultationDate(request.consultationDate, now);
    if (problem) throw new ValidationError({ consultationDate: problem === 'past' ? 'The consultation date must be today or later (Japan time).' : 'Enter a real date (YYYY-MM-DD).' });
    consultationDate = request.consultationDate;
  }
  const settings = {
    showsPrescriptionForm: institution.shows_prescription_form === 1,
    usesElectronicPrescription: institution.uses_electronic_prescription === 1,
  };
  const formAsked = asksPrescriptionForm(consent.visit_type, request.arrival, settings, false) || consent.prescription_form !== null;
  return {
    visit_type: consent.visit_type,
    scopes: formatScopes(consentedScopes(request.choices, { usesClinicalInfo: institution.uses_clinical_info === 1, usesElectronicPrescription: settings.usesElectronicPrescription })),
    prescription_form: formAsked ? (request.prescriptionForm ?? consent.prescription_form) : null,
    consultation_date: consultationDate,
    consent_id: consent.id,
  };
}

/** U1, after the second card confirmation: the change applies if the card is the holder's. */
export async function applyConsentUpdate(trx: DbOrTx, request: RegistrationRow, personId: string, now: Date): Promise<HandoffRejection | null> {
  const consent = request.consent_id ? await consentById(trx, request.consent_id) : undefined;
  if (!consent || consent.person_ref !== personId) return 'card_holder_mismatch';
  if (!isInForce(consent, request.institution_id, now)) return 'consent_not_active';
  const at = now.toISOString();
  const card = { institutionId: request.institution_id, personRef: personId, deviceId: request.device_id, requestId: request.id, staffId: request.staff_id };
  await updateConsentByCard(trx, card, consent, { scopes: request.scopes, prescriptionForm: request.prescription_form, consultationDate: request.consultation_date }, now);
  await updateRegistration(trx, request.id, { status: 'completed', failure_code: null, person_ref: personId, completed_at: at });
  await appendAudit(
    trx,
    {
      institutionId: request.institution_id,
      actorType: 'patient',
      action: 'consent.updated',
      personRef: personId,
      deviceId: request.device_id,
      subjectId: consent.id,
      outcome: 'ok',
      detail: request.scopes || '-',
    },
    now,
  );
  await recordChange(trx, { institutionId: request.institution_id, type: 'consent.updated', subjectId: consent.id }, now);
  return null;
}

/** X3: every active consent of the card holder at this institution ends now. */
export async function revokeAllConsents(trx: DbOrTx, request: RegistrationRow, personId: string, now: Date): Promise<number> {
  const at = now.toISOString();
  const revoked = await revokeAllByCard(trx, { institutionId: request.institution_id, personRef: personId, deviceId: request.device_id, requestId: request.id, staffId: request.staff_id }, now);
  await updateRegistration(trx, request.id, { status: 'completed', failure_code: null, person_ref: personId, completed_at: at });
  await appendAudit(
    trx,
    {
      institutionId: request.institution_id,
      actorType: 'patient',
      action: 'consents.revokedAll',
      personRef: personId,
      deviceId: request.device_id,
      subjectId: request.id,
      outcome: 'ok',
      detail: String(revoked),
    },
    now,
  );
  return revoked;
}
