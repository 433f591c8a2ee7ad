import { parseScopes, disclosedRecord } from '../../domain/consent/consent.ts';
import {
  DASHBOARD_PAGE_SIZE,
  EXPIRING_WITHIN_MS,
  dashboardStatus,
  reconfirmationDueBefore,
  searchKey,
  type ConsentDashboardResponse,
  type DashboardPersonDto,
  type DashboardQuery,
  type PersonAuditEntryDto,
  type PersonPageResponse,
} from '../../domain/consent/consent-dashboard.ts';
import { nextSteps, type EligibilityRecord } from '../../domain/registration/eligibility.ts';
import { checkIdentity, EMPTY_CLINIC_RECORD, type ClinicPersonRecord, type OtherPersonStep } from '../../domain/registration/identity-check.ts';
import { copayCategoryCheck, medicalAidCheck } from '../../domain/registration/insurance-checks.ts';
import type { ConsentSummaryDto } from '../../domain/consent/staff-lifecycle-api.ts';
import { consentsOfPersonsAt } from '../consent/consent.repository.ts';
import type { ConsentRow } from '../consent/consent.table.ts';
import { stateOf, toConsentSummary } from '../consent/consent.service.ts';
import type { StaffAuditor } from '../consent/staff-action.ts';
import type { DbOrTx } from '../db/database.ts';
import { NotFoundError } from '../http/errors.ts';
import { requeryHistory } from '../requery/requery.service.ts';
import { ReferenceNumberTakenError } from './person-errors.ts';
import {
  auditOfPerson,
  dashboardPage,
  deleteProvidedInformation,
  findProfile,
  latestRegistrationCheck,
  latestRequeryResult,
  profileWithReference,
  updateProfile,
} from './person.repository.ts';
import type { PersonProfileRow } from './person.table.ts';

interface Ctx {
  institutionId: string;
  staffId: string;
  now: Date;
  audit: StaffAuditor;
}

const AUDIT_SHOWN = 200;

/**
 * P3 on the person page, for every role: status and insurance information only. Specific-disease
 * data and the medical ticket's disease names are medical content; doctors see consented medical
 * information in the clinical view, not here.
 */
export function withoutMedicalContent(record: EligibilityRecord, scopes: readonly string[]): EligibilityRecord {
  const disclosed = disclosedRecord(record, scopes as Parameters<typeof disclosedRecord>[1]);
  return {
    ...disclosed,
    specificDisease: null,
    medicalAidTicket: disclosed.medicalAidTicket === null ? null : { ...disclosed.medicalAidTicket, diseaseNames: [], remarks: [] },
  };
}

function personDto(personRef: string, profile: PersonProfileRow | undefined): DashboardPersonDto {
  return {
    personRef,
    name: profile?.name ?? '',
    nameKana: profile?.name_kana ?? '',
    dateOfBirth: profile?.date_of_birth ?? null,
    insurerNumber: profile?.insurer_number ?? '',
    referenceNumber: profile?.reference_number ?? null,
  };
}

/** The dashboard: consents filtered by visit type, state and V5 due, searched by R9 / insurer / kana. */
export async function consentDashboard(trx: DbOrTx, ctx: Omit<Ctx, 'staffId'>, query: DashboardQuery): Promise<ConsentDashboardResponse> {
  const key = query.q.trim() === '' ? null : searchKey(query.searchBy, query.q);
  const invalidSearch = query.q.trim() !== '' && key === null;
  const pageSize = DASHBOARD_PAGE_SIZE;
  let rows: ConsentDashboardResponse['rows'] = [];
  let hasMore = false;
  if (!invalidSearch) {
    const bounds = {
      now: ctx.now.toISOString(),
      expiringBy: new Date(ctx.now.getTime() + EXPIRING_WITHIN_MS).toISOString(),
      dueBefore: reconfirmationDueBefore(ctx.now).toISOString(),
    };
    const found = await dashboardPage(trx, ctx.institutionId, { ...query, key }, bounds, pageSize + 1, (query.page - 1) * pageSize);
    hasMore = found.length > pageSize;
    rows = found.slice(0, pageSize).map((row) => {
      const { name, name_kana, date_of_birth, insurer_number, reference_number, ...consent } = row;
      return {
        consent: toConsentSummary(consent as ConsentRow, ctx.now),
        status: dashboardStatus({ status: consent.status, validUntil: consent.valid_until }, ctx.now),
        person: {
          personRef: consent.person_ref,
          name: name ?? '',
          nameKana: name_kana ?? '',
          dateOfBirth: date_of_birth ?? null,
          insurerNumber: insurer_number ?? '',
          referenceNumber: reference_number ?? null,
        },
      };
    });
  }
  // Filters are recorded as codes; the search text never enters the audit trail.
  await ctx.audit(
    trx,
    { action: 'consent.dashboard_viewed', outcome: 'ok', detail: `${query.visitType ?? '-'}:${query.status ?? '-'}:${query.reconfirmationDue ? 'due' : '-'}:${key === null ? '-' : query.searchBy}:${rows.length}` },
    ctx.now,
  );
  return { rows, page: query.page, pageSize, hasMore, invalidSearch };
}

/** The person's consents here; none means the person is unknown to this institution (404). */
async function consentsOrNotFound(trx: DbOrTx, institutionId: string, personRef: string): Promise<ConsentRow[]> {
  const consents = await consentsOfPersonsAt(trx, institutionId, [personRef]);
  if (consents.length === 0) throw new NotFoundError();
  return consents;
}

function clinicRecordOf(profile: PersonProfileRow | undefined): ClinicPersonRecord {
  if (!profile?.clinic_record_json) return { ...EMPTY_CLINIC_RECORD };
  return { ...EMPTY_CLINIC_RECORD, ...(JSON.parse(profile.clinic_record_json) as Partial<ClinicPersonRecord>) };
}

const auditDto = (row: Awaited<ReturnType<typeof auditOfPerson>>[number]): PersonAuditEntryDto => ({
  at: row.at,
  action: row.action,
  actorType: row.actor_type,
  outcome: row.outcome,
  detail: row.detail,
});

/**
 * The person page (E2–E6, R9, X5): latest eligibility with its next steps, re-query history,
 * consents with their audit trail, the clinic's own record and the checks. E5's candidates come
 * from the eligibility source afterwards (outside the transaction).
 */
export async function personPage(trx: DbOrTx, ctx: Ctx, personRef: string): Promise<Omit<PersonPageResponse, 'qualificationChoice'>> {
  const consents = await consentsOrNotFound(trx, ctx.institutionId, personRef);
  const profile = await findProfile(trx, ctx.institutionId, personRef);
  // Viewing is recorded before the reads below add their own entries (X5).
  await ctx.audit(trx, { action: 'person.viewed', personRef, outcome: 'ok' }, ctx.now);

  const activeScopes = consents.filter((c) => stateOf(c, ctx.now) === 'active').flatMap((c) => parseScopes(c.scopes));
  const registration = await latestRegistrationCheck(trx, ctx.institutionId, personRef);
  const requeried = await latestRequeryResult(trx, ctx.institutionId, personRef);
  const latest =
    requeried && (!registration || requeried.queried_at > registration.checked_at)
      ? { source: 'requery' as const, checkedAt: requeried.queried_at, json: requeried.record_json }
      : registration
        ? { source: 'registration' as const, checkedAt: registration.checked_at, json: registration.record_json }
        : null;
  const record = latest ? withoutMedicalContent(JSON.parse(latest.json) as EligibilityRecord, activeScopes) : null;

  const history = await requeryHistory(trx, ctx, personRef);
  const auditRows = await auditOfPerson(trx, ctx.institutionId, personRef, AUDIT_SHOWN);
  const consentDtos = consents.map((c) => {
    const subjects = new Set([c.id, c.registration_id]);
    return {
      consent: toConsentSummary(c, ctx.now) satisfies ConsentSummaryDto,
      status: dashboardStatus({ status: c.status, validUntil: c.valid_until }, ctx.now),
      audit: auditRows.filter((a) => a.subject_id !== null && subjects.has(a.subject_id)).map(auditDto),
    };
  });
  const consentSubjects = new Set(consents.flatMap((c) => [c.id, c.registration_id]));
  const clinicRecord = clinicRecordOf(profile);
  return {
    person: personDto(personRef, profile),
    eligibility: latest && record ? { checkedAt: latest.checkedAt, source: latest.source, status: record.status, record, nextSteps: nextSteps(record.status) } : null,
    requery: {
      gate: history?.gate ?? 'noActiveConsent',
      results: (history?.results ?? []).map((r) => ({ ...r, record: withoutMedicalContent(r.record, activeScopes) })),
    },
    consents: consentDtos,
    personAudit: auditRows.filter((a) => a.subject_id === null || !consentSubjects.has(a.subject_id)).map(auditDto),
    clinicRecord,
    identity: record && record.status !== 'notFound' ? checkIdentity(record, clinicRecord) : null,
    identityStatus: profile?.identity_status ?? null,
    copay: record ? copayCategoryCheck(record) : null,
    medicalAid: record ? medicalAidCheck(record) : null,
  };
}

/** R9: sets or clears the clinic's reference number; one person per number at an institution. */
export async function setReferenceNumber(trx: DbOrTx, ctx: Ctx, personRef: string, referenceNumber: string | null): Promise<DashboardPersonDto> {
  await consentsOrNotFound(trx, ctx.institutionId, personRef);
  if (referenceNumber !== null) {
    const holder = await profileWithReference(trx, ctx.institutionId, referenceNumber);
    if (holder && holder.person_ref !== personRef) throw new ReferenceNumberTakenError();
  }
  await updateProfile(trx, ctx.institutionId, personRef, { reference_number: referenceNumber, updated_at: ctx.now.toISOString() });
  await ctx.audit(trx, { action: 'person.reference_number_set', personRef, outcome: 'ok', detail: referenceNumber === null ? 'cleared' : 'set' }, ctx.now);
  return personDto(personRef, await findProfile(trx, ctx.institutionId, personRef));
}

/** E3: keeps the clinic's own record of the person; the comparison is recomputed on the page. */
export async function saveClinicRecord(trx: DbOrTx, ctx: Ctx, personRef: string, clinicRecord: ClinicPersonRecord): Promise<ClinicPersonRecord> {
  await consentsOrNotFound(trx, ctx.institutionId, personRef);
  await updateProfile(trx, ctx.institutionId, personRef, { clinic_record_json: JSON.stringify(clinicRecord), updated_at: ctx.now.toISOString() });
  await ctx.audit(trx, { action: 'person.clinic_record_saved', personRef, outcome: 'ok' }, ctx.now);
  return clinicRecord;
}

/**
 * E3 (001 1-③): staff found the record shows someone else. 'callCentre' records that the call
 * centre was told; 'deleteProvidedInformation' deletes the records the system provided (the
 * registration and re-query results) and the name taken from them. E9: 'photoIdChecked' records
 * that staff asked for a photo ID. Each is audited.
 */
export async function recordOtherPerson(trx: DbOrTx, ctx: Ctx, personRef: string, step: OtherPersonStep): Promise<PersonPageResponse['identityStatus']> {
  await consentsOrNotFound(trx, ctx.institutionId, personRef);
  const at = ctx.now.toISOString();
  if (step === 'photoIdChecked') {
    // E9: only a record that staff asked for a photo ID; the person's status stays as it was.
    await ctx.audit(trx, { action: 'person.photo_id_checked', personRef, outcome: 'ok' }, ctx.now);
    return (await findProfile(trx, ctx.institutionId, personRef))?.identity_status ?? null;
  }
  if (step === 'callCentre') {
    await updateProfile(trx, ctx.institutionId, personRef, { identity_status: 'otherPerson', updated_at: at });
    await ctx.audit(trx, { action: 'person.other_person_reported', personRef, outcome: 'ok', detail: 'callCentre' }, ctx.now);
    return 'otherPerson';
  }
  const deleted = await deleteProvidedInformation(trx, ctx.institutionId, personRef);
  await updateProfile(trx, ctx.institutionId, personRef, {
    identity_status: 'informationDeleted',
    name: '',
    name_kana: '',
    kana_key: '',
    date_of_birth: null,
    insurer_number: '',
    updated_at: at,
  });
  await ctx.audit(trx, { action: 'person.provided_information_deleted', personRef, outcome: 'ok', detail: `records=${deleted}` }, ctx.now);
  return 'informationDeleted';
}
