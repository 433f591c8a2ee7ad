import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { consentedScopes, formatScopes, parseScopes } from '../../domain/consent/consent.ts';
import type { HandoffRejection } from '../../domain/registration/handoff.ts';
import type { PatientConsentDto, StartRegistrationResponse } from '../../domain/registration/reception-api.ts';
import type { CardRequest } from '../../domain/registration/registration-schema.ts';
import { asksPrescriptionForm, checkConsultationDate } from '../../domain/registration/registration.ts';
import { consentState, consentValidUntil, type RevokeReason } from '../../domain/consent/validity.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { findConsent, markConsentRevoked } from '../consent/consent.repository.ts';
import type { ConsentRow } from '../consent/consent.table.ts';
import type { DbOrTx } from '../db/database.ts';
import { AppError, ValidationError } from '../http/errors.ts';
import type { InstitutionRow } from '../institution/institution.table.ts';
import { insertRegistration, updateRegistration } from './registration.repository.ts';
import type { RegistrationRow } from './registration.table.ts';
import { allowedReturnUrls, issueFirstChallenge, type StartContext } from './registration.service.ts';
import { isReturnUrlAllowed } from './return-url.ts';
import { asksConsultationDate } from '../../domain/shared/visit-type.ts';

/**
 * The patient's own actions after registering, each confirmed with the card (002 「同意内容・処方箋の
 * 発行形態の照会・更新」「同意登録の取消し」): U1 query and update, X3 revoke everything.
 */

async function consentsOfPerson(db: DbOrTx, institutionId: string, personRef: string): Promise<ConsentRow[]> {
  return db
    .selectFrom('consent')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('person_ref', '=', personRef)
    .where('status', '=', 'active')
    .orderBy('registered_at')
    .execute();
}

/** U1: what a person sees of their consents in force at this institution. */
export async function consentsInForce(db: DbOrTx, institutionId: string, personRef: string, now: Date): Promise<PatientConsentDto[]> {
  return (await consentsOfPerson(db, institutionId, personRef))
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

function inForce(consent: ConsentRow | undefined, institutionId: string, now: Date): consent is ConsentRow {
  return (
    consent !== undefined &&
    consent.institution_id === institutionId &&
    consentState({ status: consent.status, validUntil: consent.valid_until }, now) === 'active'
  );
}

/** Starts a query, update or revoke-all request; the card confirms it (R6 protocol). */
export async function startCardRequest(trx: DbOrTx, request: CardRequest, ctx: StartContext): Promise<StartRegistrationResponse> {
  const { institution, now } = ctx;
  if (request.arrival === 'app') {
    if (!request.returnUrl) throw new ValidationError({ returnUrl: 'An app must pass its return address.' });
    if (!isReturnUrlAllowed(request.returnUrl, allowedReturnUrls(institution))) {
      throw new AppError(422, 'return_url_not_allowed', 'This return address is not registered for this institution.');
    }
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
  const accessToken = randomBytes(32).toString('base64url');
  await insertRegistration(trx, {
    id,
    institution_id: institution.id,
    purpose: request.purpose,
    ...update,
    arrival: request.arrival,
    return_url: request.arrival === 'app' ? (request.returnUrl ?? null) : null,
    device_id: ctx.deviceId,
    staff_id: ctx.staffId,
    access_token_hash: createHash('sha256').update(accessToken).digest('base64url'),
    status: 'awaitingCard',
    failure_code: null,
    person_ref: null,
    created_at: now.toISOString(),
    completed_at: null,
  });
  return issueFirstChallenge(trx, { id, accessToken, institution, sameDevice: request.handoffPath === 'sameDevice', purpose: request.purpose }, ctx);
}

/** U1/U2: checks a change before the card confirms it, and works out the consent it would make. */
async function plannedUpdate(trx: DbOrTx, request: Extract<CardRequest, { purpose: 'update' }>, institution: InstitutionRow, now: Date) {
  const consent = await findConsent(trx, request.consentId);
  if (!inForce(consent, institution.id, now)) {
    throw new AppError(409, 'consent_not_active', 'This consent has ended or was revoked, so it can no longer be changed.');
  }
  let consultationDate = consent.consultation_date;
  if (asksConsultationDate(consent.visit_type) && request.consultationDate !== undefined && request.consultationDate !== consent.consultation_date) {
    // U2: the date can be changed only by a patient who came by URL/QR, not from an app.
    if (request.arrival === 'app') {
      throw new AppError(422, 'consultation_date_locked', 'The consultation date is set by your online-consultation app and cannot be changed here.');
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
  const consent = request.consent_id ? await findConsent(trx, request.consent_id) : undefined;
  if (!consent || consent.person_ref !== personId) return 'card_holder_mismatch';
  if (!inForce(consent, request.institution_id, now)) return 'consent_not_active';
  const at = now.toISOString();
  const validUntil =
    asksConsultationDate(consent.visit_type) && request.consultation_date
      ? consentValidUntil(consent.visit_type, now, request.consultation_date)!.toISOString()
      : consent.valid_until;
  await trx
    .updateTable('consent')
    .set({
      scopes: request.scopes,
      prescription_form: request.prescription_form,
      consultation_date: request.consultation_date,
      valid_until: validUntil,
      updated_at: at,
    })
    .where('id', '=', consent.id)
    .where('status', '=', 'active')
    .execute();
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
  return null;
}

/** X3: every active consent of the card holder at this institution ends now. */
export async function revokeAllConsents(trx: DbOrTx, request: RegistrationRow, personId: string, now: Date): Promise<number> {
  const at = now.toISOString();
  const reason: RevokeReason = 'patientByCard';
  let revoked = 0;
  for (const consent of await consentsOfPerson(trx, request.institution_id, personId)) {
    if (await markConsentRevoked(trx, consent.id, { at, by: `card:${request.id}`, reason })) {
      revoked += 1;
      await appendAudit(
        trx,
        {
          institutionId: request.institution_id,
          actorType: 'patient',
          action: 'consent.revoked',
          personRef: personId,
          deviceId: request.device_id,
          subjectId: consent.id,
          outcome: 'ok',
          detail: reason,
        },
        now,
      );
    }
  }
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

export async function revokedByRequest(db: DbOrTx, requestId: string): Promise<number> {
  const row = await db
    .selectFrom('consent')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('revoked_by', '=', `card:${requestId}`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
