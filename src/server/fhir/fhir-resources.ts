import type { AuditEvent, AuditEventAgent, AuditEventEntity, CodeableConcept, Consent, ConsentProvision, Coverage, Extension, HumanName, Identifier, Organization, Patient, Period, Reference } from '@medplum/fhirtypes';
import { CONSENT_SCOPES, parseScopes, type ConsentScope } from '../../domain/consent/consent.ts';
import type { ConsentState, RevokeReason } from '../../domain/consent/validity.ts';
import type { EligibilityRecord, EligibilityStatus } from '../../domain/registration/eligibility.ts';
import { toKatakana } from '../../domain/shared/kana.ts';
import type { VisitType } from '../../domain/shared/visit-type.ts';
import type { AuditEventRow } from '../audit/audit.table.ts';
import type { ConsentRow } from '../consent/consent.table.ts';
import type { PersonProfileRow } from '../person/person.table.ts';
import {
  ACT_CODE_SYSTEM,
  API_CLIENT_ID_SYSTEM,
  AUDIT_ACTION_SYSTEM,
  AUDIT_ACTOR_SYSTEM,
  CONSENT_ACTION_SYSTEM,
  CONSENT_SCOPE_SYSTEM,
  COPAY_TYPE_SYSTEM,
  DICOM_DCM_SYSTEM,
  facilityPatientIdSystem,
  INSURED_PERSON_CATEGORY_SYSTEM,
  INSURED_PERSON_IDENTIFIER_SYSTEM,
  INSURER_NUMBER_SYSTEM,
  JP_COVERAGE_EXTENSIONS,
  LOINC_SYSTEM,
  MEDICAL_INSTITUTION_CODE_SYSTEM,
  NAME_REPRESENTATION_EXTENSION,
  OBJECT_ROLE_SYSTEM,
  REVOCATION_EXTENSION,
  SECURITY_SOURCE_TYPE_SYSTEM,
  STAFF_ID_SYSTEM,
  SUBSCRIBER_RELATIONSHIP_SYSTEM,
  UCUM_SYSTEM,
  URI_IDENTIFIER_SYSTEM,
  VIEWING_SCOPE_SYSTEM,
  VISIT_TYPE_SYSTEM,
} from './fhir-systems.ts';

/**
 * What the product stores, as FHIR R4 resources (issue 19 #1). Pure functions: rows and records
 * in, JSON out. Only what the clinic already holds goes out; never a My Number (the product has
 * none), never the eligibility record's medical content (specific-disease, cost-limit data).
 */

/** The institution a resource belongs to: its 医療機関コード and name. */
export interface InstitutionLabel {
  code: string;
  name: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function organizationOf(institution: InstitutionLabel): Reference<Organization> {
  return { identifier: { system: MEDICAL_INSTITUTION_CODE_SYSTEM, value: institution.code }, display: institution.name };
}

function patientReference(patientId: string): Reference<Patient> {
  return { reference: `Patient/${patientId}` };
}

const VISIT_TYPE_DISPLAY: Record<VisitType, string> = { homeVisit: '訪問診療等', houseCall: '往診', online: 'オンライン診療等' };

const SCOPE_DISPLAY: Record<ConsentScope, string> = {
  surgery: '手術情報',
  clinical: '診療情報',
  medication: '薬剤情報',
  dispensing: '処方・調剤情報',
  checkup: '特定健診情報',
  costLimit: '限度額情報',
  specificDisease: '特定疾病療養受療証情報',
};

/** The earlier of two instants (ISO strings compare as times when both are `…Z` with milliseconds). */
function earlier(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/**
 * A consent (閲覧同意). Status: `active` while it allows viewing; `inactive` once revoked, replaced
 * by a newer card authentication (superseded) or past its window (24 h for a house call, the
 * consultation date for online care). The 閲覧同意 scopes are nested provisions: `permit` for each
 * scope consented, `deny` for each not (refused, or not offered at this clinic). The outer
 * provision's period is the validity: from registration until the window ends or the revocation,
 * whichever is first; a home visit's runs until revoked (no end). A revocation is told by the
 * status, the period's end and the revocation extension (when, and why).
 */
export function consentResource(row: ConsentRow, state: ConsentState, patientId: string, institution: InstitutionLabel): Consent {
  const granted = new Set(parseScopes(row.scopes));
  const end = earlier(row.valid_until, row.revoked_at);
  const period: Period = { start: row.registered_at, ...(end !== null ? { end } : {}) };
  const nested: ConsentProvision[] = CONSENT_SCOPES.map((scope) => ({
    type: granted.has(scope) ? 'permit' : 'deny',
    code: [{ coding: [{ system: VIEWING_SCOPE_SYSTEM, code: scope, display: SCOPE_DISPLAY[scope] }] }],
  }));
  const extension: Extension[] = [];
  if (row.status === 'revoked' && row.revoked_at !== null) {
    extension.push({
      url: REVOCATION_EXTENSION,
      extension: [
        { url: 'revokedAt', valueDateTime: row.revoked_at },
        ...(row.revoke_reason ? [{ url: 'reason', valueCode: row.revoke_reason as RevokeReason }] : []),
      ],
    });
  }
  return {
    resourceType: 'Consent',
    id: row.id,
    meta: { lastUpdated: row.updated_at },
    ...(extension.length > 0 ? { extension } : {}),
    ...(UUID.test(row.id) ? { identifier: [{ system: URI_IDENTIFIER_SYSTEM, value: `urn:uuid:${row.id.toLowerCase()}` }] } : {}),
    status: state === 'active' ? 'active' : 'inactive',
    scope: { coding: [{ system: CONSENT_SCOPE_SYSTEM, code: 'patient-privacy', display: 'Privacy Consent' }] },
    category: [
      { coding: [{ system: LOINC_SYSTEM, code: '59284-0', display: 'Patient Consent' }] },
      { coding: [{ system: VISIT_TYPE_SYSTEM, code: row.visit_type, display: VISIT_TYPE_DISPLAY[row.visit_type] }] },
    ],
    patient: patientReference(patientId),
    dateTime: row.registered_at,
    organization: [organizationOf(institution)],
    policyRule: { coding: [{ system: ACT_CODE_SYSTEM, code: 'OPTIN', display: 'opt-in' }] },
    provision: {
      type: 'permit',
      period,
      action: [{ coding: [{ system: CONSENT_ACTION_SYSTEM, code: 'access', display: 'Access' }] }],
      provision: nested,
    },
  };
}

/** 「山田　太郎」 → family 山田, given 太郎; a name without a space is kept whole as text only. */
function humanName(text: string, representation: 'IDE' | 'SYL'): HumanName {
  const parts = text.trim().split(/[\s\u3000]+/u).filter((p) => p !== '');
  const [family, ...given] = parts;
  return {
    extension: [{ url: NAME_REPRESENTATION_EXTENSION, valueCode: representation }],
    use: 'official',
    text: text.trim(),
    ...(parts.length > 1 && family !== undefined ? { family, given } : {}),
  };
}

/** The eligibility source's "date of birth unknown" (医療扶助). */
const UNKNOWN_BIRTH_DATE = '1900-01-01';

/**
 * A person the clinic knows: the name (kanji and kana, from the latest eligibility record), the
 * date of birth, the sex shown on the card (性別1; nothing when the card face omits it), and the
 * clinic's own 照会番号 (R9) as the JP Core facility patient id. Nothing else: no address, no
 * insurance numbers (those are the Coverage's), never a My Number.
 */
export function patientResource(
  patientId: string,
  profile: Pick<PersonProfileRow, 'name' | 'name_kana' | 'date_of_birth' | 'reference_number' | 'updated_at'>,
  sex: EligibilityRecord['sex1'],
  institution: InstitutionLabel,
): Patient {
  const identifier: Identifier[] = profile.reference_number
    ? [{ use: 'usual', system: facilityPatientIdSystem(institution.code), value: profile.reference_number }]
    : [];
  const name: HumanName[] = [];
  if (profile.name.trim() !== '') name.push(humanName(profile.name, 'IDE'));
  if (profile.name_kana.trim() !== '') name.push(humanName(toKatakana(profile.name_kana), 'SYL'));
  const birthDate = profile.date_of_birth && profile.date_of_birth !== UNKNOWN_BIRTH_DATE ? profile.date_of_birth : null;
  return {
    resourceType: 'Patient',
    id: patientId,
    meta: { lastUpdated: profile.updated_at },
    ...(identifier.length > 0 ? { identifier } : {}),
    ...(name.length > 0 ? { name } : {}),
    ...(sex ? { gender: sex } : {}),
    ...(birthDate ? { birthDate } : {}),
    managingOrganization: organizationOf(institution),
  };
}

/** Statuses that make a Coverage; 該当資格なし (notFound) has no insurance to describe. */
export function coverageStatusOf(status: EligibilityStatus): Coverage['status'] | null {
  switch (status) {
    case 'valid':
    case 'validUnregistered':
      return 'active';
    case 'lost':
    case 'lostWithNew':
      return 'cancelled';
    case 'notFound':
      return null;
  }
}

/**
 * JP Core's rule for 記号 and 番号 in the 被保険者個人識別子: half-width alphanumerics stay as they
 * are; anything with another character (kanji, kana, a hyphen among them) is written wholly in
 * full-width, alphanumerics included. No spaces either way.
 */
export function insuredPersonElement(text: string): string {
  const compact = text.replace(/[\s\u3000]/gu, '');
  if (/^[A-Za-z0-9]*$/.test(compact)) return compact;
  return compact.replace(/[\u0021-\u007e]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

/** 保険者番号 as JP Core writes it: 8 characters, padded with leading zeros (国保's 6 digits). */
export function paddedInsurerNumber(insurerNumber: string): string {
  return insurerNumber.padStart(8, '0');
}

/** The 被保険者個人識別子 `保険者番号:記号:番号:枝番` (JP Core JP_Coverage); empty elements stay empty. */
export function insuredPersonIdentifier(record: Pick<EligibilityRecord, 'insurerNumber' | 'symbol' | 'number' | 'branch'>): string {
  return [paddedInsurerNumber(record.insurerNumber), insuredPersonElement(record.symbol), insuredPersonElement(record.number), record.branch].join(':');
}

function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** The copay ratio the record states (後期高齢者, 高齢受給者証, 未就学), in percent; null when it states none. */
export function statedCopayPercent(record: Pick<EligibilityRecord, 'copayRatio' | 'elderlyRecipient' | 'preSchool'>): number | null {
  return record.copayRatio ?? record.elderlyRecipient?.copayRatio ?? (record.preSchool ? 20 : null);
}

/** What a Coverage is made from: one eligibility result (at registration or a re-query). */
export interface EligibilityResult {
  id: string;
  checkedAt: string;
  record: EligibilityRecord;
}

/**
 * An eligibility result as a Coverage (JP Core JP_Coverage): the 被保険者個人識別子, 記号・番号・枝番
 * as JP Core's extensions and subscriberId/dependent, 本人・家族 as relationship (HL7's self/other
 * and JP Core's 被保険者区分 1/2), the period the qualification runs (from the card's start or the
 * acquisition date to the card's end or the day before the loss), the insurer as payor by
 * 保険者番号, and the copay ratio (負担割合) the record states. 医療扶助 has no insurer and no
 * insured-person numbers: only the payor's name. null for 該当資格なし.
 */
export function coverageResource(result: EligibilityResult, patientId: string): Coverage | null {
  const record = result.record;
  const status = coverageStatusOf(record.status);
  if (status === null) return null;
  const medicalAid = record.cardType === 'medicalAid';
  const start = record.cardValidFrom ?? record.qualificationAcquiredOn;
  const lastDay = record.qualificationLostOn ? dayBefore(record.qualificationLostOn) : null;
  let end = record.cardValidTo && lastDay ? (record.cardValidTo < lastDay ? record.cardValidTo : lastDay) : (record.cardValidTo ?? lastDay);
  if (start && end && end < start) end = null;
  const copay = statedCopayPercent(record);
  const insurer = paddedInsurerNumber(record.insurerNumber);
  const extension: Extension[] = [];
  if (!medicalAid) {
    if (record.symbol !== '') extension.push({ url: JP_COVERAGE_EXTENSIONS.symbol, valueString: insuredPersonElement(record.symbol) });
    if (record.number !== '') extension.push({ url: JP_COVERAGE_EXTENSIONS.number, valueString: insuredPersonElement(record.number) });
    if (record.branch !== '') extension.push({ url: JP_COVERAGE_EXTENSIONS.branch, valueString: record.branch });
  }
  const relationship: CodeableConcept | null =
    record.relationship === null
      ? null
      : {
          coding: [
            { system: SUBSCRIBER_RELATIONSHIP_SYSTEM, code: record.relationship === 'insured' ? 'self' : 'other' },
            { system: INSURED_PERSON_CATEGORY_SYSTEM, code: record.relationship === 'insured' ? '1' : '2', display: record.relationship === 'insured' ? '被保険者' : '被扶養者' },
          ],
        };
  const payor: Reference<Organization> = medicalAid
    ? { display: record.insurerName || '医療扶助' }
    : { identifier: { system: INSURER_NUMBER_SYSTEM, value: insurer }, ...(record.insurerName ? { display: record.insurerName } : {}) };
  return {
    resourceType: 'Coverage',
    id: result.id,
    meta: { lastUpdated: result.checkedAt },
    ...(extension.length > 0 ? { extension } : {}),
    ...(!medicalAid && record.number !== ''
      ? { identifier: [{ system: INSURED_PERSON_IDENTIFIER_SYSTEM, value: insuredPersonIdentifier(record), assigner: { identifier: { system: INSURER_NUMBER_SYSTEM, value: insurer } } }] }
      : {}),
    status,
    type: { coding: [{ system: ACT_CODE_SYSTEM, code: 'PUBLICPOL', display: 'public healthcare' }] },
    ...(!medicalAid && record.number !== '' ? { subscriberId: `${insuredPersonElement(record.symbol)}:${insuredPersonElement(record.number)}` } : {}),
    beneficiary: patientReference(patientId),
    ...(!medicalAid && record.branch !== '' ? { dependent: record.branch } : {}),
    ...(relationship ? { relationship } : {}),
    ...(start || end ? { period: { ...(start ? { start } : {}), ...(end ? { end } : {}) } } : {}),
    payor: [payor],
    ...(copay !== null
      ? { costToBeneficiary: [{ type: { coding: [{ system: COPAY_TYPE_SYSTEM, code: 'copaypct', display: 'Copay Percentage' }] }, valueQuantity: { value: copay, unit: '%', system: UCUM_SYSTEM, code: '%' } }] }
      : {}),
  };
}

const READS = /(viewed|searched|queried|request|exported)$/;
const CREATES = /\.(registered|received|created|started|enrolled|enrol|issued|enrolment_code_created|run|request)$/;
const DELETES = /(purged|deleted)$/;

/** C/R/U/D/E from the action's verb; E (execute) for what is none of the four (a login, a query run). */
export function auditActionCode(action: string): NonNullable<AuditEvent['action']> {
  if (action === 'apiClient.request') return 'R';
  if (READS.test(action)) return 'R';
  if (DELETES.test(action)) return 'D';
  if (CREATES.test(action)) return 'C';
  if (/^staff\.(login|unlock|factor)/.test(action) || action === 'requery' || action === 'batch_query') return 'E';
  return 'U';
}

function auditType(action: string, personRef: string | null) {
  if (/^staff\.(login|unlock)/.test(action)) return { system: DICOM_DCM_SYSTEM, code: '110114', display: 'User Authentication' };
  if (personRef !== null) return { system: DICOM_DCM_SYSTEM, code: '110110', display: 'Patient Record' };
  return { system: DICOM_DCM_SYSTEM, code: '110100', display: 'Application Activity' };
}

function auditAgent(row: AuditEventRow, patientId: string | null): AuditEventAgent {
  const type = { coding: [{ system: AUDIT_ACTOR_SYSTEM, code: row.actor_type }] };
  let who: NonNullable<AuditEventAgent['who']>;
  switch (row.actor_type) {
    case 'staff':
      who = row.actor_id ? { identifier: { system: STAFF_ID_SYSTEM, value: row.actor_id } } : { display: 'staff' };
      break;
    case 'api_client':
      who = row.actor_id ? { identifier: { system: API_CLIENT_ID_SYSTEM, value: row.actor_id } } : { display: 'API client' };
      break;
    case 'patient':
      who = patientId ? patientReference(patientId) : { display: 'patient' };
      break;
    case 'system':
      who = { display: '在宅受付' };
      break;
  }
  return { type, who, requestor: true };
}

/**
 * One event of the audit trail (X5). The product's action code is the subtype; the type says what
 * kind of activity it was (DICOM: patient record, user authentication, application activity);
 * the outcome is 0 for a success and 4 for a refusal, with the product's outcome code and short
 * detail code (never text about the person) as outcomeDesc. The person and the consent concerned
 * are entities.
 */
export function auditEventResource(row: AuditEventRow, patientId: string | null, institution: InstitutionLabel): AuditEvent {
  const entity: AuditEventEntity[] = [];
  if (patientId !== null) {
    entity.push({
      what: patientReference(patientId),
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE_SYSTEM, code: '1', display: 'Patient' },
    });
  }
  if (row.subject_id !== null && CONSENT_SUBJECT_ACTIONS.has(row.action) && isFhirIdLike(row.subject_id)) {
    entity.push({ what: { reference: `Consent/${row.subject_id}` }, type: { system: 'http://hl7.org/fhir/resource-types', code: 'Consent', display: 'Consent' } });
  }
  const ok = row.outcome === 'ok' || row.outcome === 'matched';
  return {
    resourceType: 'AuditEvent',
    id: String(row.seq),
    meta: { lastUpdated: row.at },
    type: auditType(row.action, row.person_ref),
    subtype: [{ system: AUDIT_ACTION_SYSTEM, code: row.action }],
    action: auditActionCode(row.action),
    recorded: row.at,
    outcome: ok ? '0' : '4',
    outcomeDesc: row.detail ? `${row.outcome}: ${row.detail}` : row.outcome,
    agent: [auditAgent(row, patientId)],
    source: {
      observer: organizationOf(institution),
      type: [{ system: SECURITY_SOURCE_TYPE_SYSTEM, code: '4', display: 'Application Server' }],
    },
    ...(entity.length > 0 ? { entity } : {}),
  };
}

/** Actions whose subject is a consent (others name a card request, a challenge, an account…). */
const CONSENT_SUBJECT_ACTIONS = new Set(['consent.registered', 'consent.updated', 'consent.superseded', 'consent.revoked', 'consent.reconfirmed']);

function isFhirIdLike(value: string): boolean {
  return /^[A-Za-z0-9.-]{1,64}$/.test(value);
}
