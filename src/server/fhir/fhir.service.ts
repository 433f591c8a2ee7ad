import type { AuditEvent, Bundle, BundleLink, Consent, Coverage, Patient } from '@medplum/fhirtypes';
import type { EligibilityRecord } from '../../domain/registration/eligibility.ts';
import { consentState } from '../../domain/consent/validity.ts';
import type { DbOrTx } from '../db/database.ts';
import { FhirResourceNotFoundError } from './fhir-errors.ts';
import { isFhirId, patientIdOf, personRefOf } from './fhir-ids.ts';
import {
  auditEventResource,
  consentResource,
  coverageResource,
  insuredPersonIdentifier,
  patientResource,
  type InstitutionLabel,
} from './fhir-resources.ts';
import type { FhirResourceType, FhirSearch } from './fhir-search.ts';
import { facilityPatientIdSystem, INSURED_PERSON_IDENTIFIER_SYSTEM, URI_IDENTIFIER_SYSTEM } from './fhir-systems.ts';
import {
  auditPage,
  consentAt,
  consentPage,
  countAuditEvents,
  countConsents,
  countCoverages,
  countPatients,
  coveragePage,
  institutionLabel,
  patientPage,
  recordsOfPersons,
  type CoverageFilter,
  type CoverageRow,
} from './fhir.repository.ts';

/**
 * The FHIR read API's work (issue 19 #2): searches and reads, always within the API client's
 * institution, turned into resources by fhir-resources.ts. No Hono here; the routes parse the
 * request (fhir-search.ts) and pass the client's institution.
 */

export interface FhirContext {
  institutionId: string;
  now: Date;
  /** The server's FHIR base, e.g. https://clinic.example/fhir/r4 (for fullUrl and links). */
  base: string;
}

type AnyResource = Consent | Coverage | Patient | AuditEvent;

interface Found {
  total: number;
  resources: AnyResource[];
}

const UUID_URN = /^urn:uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

async function labelOf(db: DbOrTx, institutionId: string): Promise<InstitutionLabel> {
  const label = await institutionLabel(db, institutionId);
  // The client's institution exists (the credential named it); a vanished one reads as nothing.
  if (!label) throw new FhirResourceNotFoundError();
  return label;
}

/** Searches one resource type; `selfUrl` is the request's own URL (the Bundle's self link). */
export async function searchResources(db: DbOrTx, ctx: FhirContext, type: FhirResourceType, search: FhirSearch, query: URLSearchParams): Promise<Bundle> {
  const institution = await labelOf(db, ctx.institutionId);
  let found: Found;
  switch (type) {
    case 'Consent':
      found = await searchConsents(db, ctx, institution, search);
      break;
    case 'Patient':
      found = await searchPatients(db, ctx, institution, search);
      break;
    case 'Coverage':
      found = await searchCoverages(db, ctx, search);
      break;
    case 'AuditEvent':
      found = await searchAuditEvents(db, ctx, institution, search);
      break;
  }
  return searchset(ctx, type, search, query, found);
}

function searchset(ctx: FhirContext, type: FhirResourceType, search: FhirSearch, query: URLSearchParams, found: Found): Bundle {
  const link: BundleLink[] = [{ relation: 'self', url: pageUrl(ctx, type, query, search.offset, search.count) }];
  if (search.count > 0 && search.offset + search.count < found.total) {
    link.push({ relation: 'next', url: pageUrl(ctx, type, query, search.offset + search.count, search.count) });
  }
  if (search.offset > 0 && search.count > 0) {
    link.push({ relation: 'previous', url: pageUrl(ctx, type, query, Math.max(0, search.offset - search.count), search.count) });
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    meta: { lastUpdated: ctx.now.toISOString() },
    total: found.total,
    link,
    entry: found.resources.map((resource) => ({ fullUrl: `${ctx.base}/${type}/${resource.id!}`, resource, search: { mode: 'match' } })),
  };
}

/** The same search at another page: the client's parameters (already checked), with _count and _offset set. */
function pageUrl(ctx: FhirContext, type: FhirResourceType, query: URLSearchParams, offset: number, count: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of query) if (name !== '_offset' && name !== '_count') params.append(name, value);
  params.set('_count', String(count));
  if (offset > 0) params.set('_offset', String(offset));
  return `${ctx.base}/${type}?${params.toString()}`;
}

const range = (search: FhirSearch) => ({ from: search.updatedFrom, before: search.updatedBefore });
const page = (search: FhirSearch) => ({ limit: search.count, offset: search.offset });

// --- Consent -------------------------------------------------------------------------------------

/** A Consent's identifier is `urn:uuid:<id>` under urn:ietf:rfc:3986: the id it names, or null for none. */
function consentIdFromIdentifier(search: FhirSearch): string | null | undefined {
  if (search.identifier === null) return undefined;
  const { system, value } = search.identifier;
  if (system !== null && system !== URI_IDENTIFIER_SYSTEM) return null;
  return UUID_URN.exec(value)?.[1]?.toLowerCase() ?? null;
}

async function searchConsents(db: DbOrTx, ctx: FhirContext, institution: InstitutionLabel, search: FhirSearch): Promise<Found> {
  const id = consentIdFromIdentifier(search);
  if (id === null || search.personRef === '') return { total: 0, resources: [] };
  const filter = { institutionId: ctx.institutionId, id: id ?? null, personRef: search.personRef, updated: range(search) };
  const total = await countConsents(db, filter);
  const rows = search.count === 0 ? [] : await consentPage(db, filter, page(search));
  const resources = rows.flatMap((row) => {
    const patientId = patientIdOf(row.person_ref);
    return patientId === null ? [] : [consentResource(row, consentState({ status: row.status, validUntil: row.valid_until }, ctx.now), patientId, institution)];
  });
  return { total, resources };
}

export async function readConsent(db: DbOrTx, ctx: FhirContext, id: string): Promise<Consent> {
  const institution = await labelOf(db, ctx.institutionId);
  const row = isFhirId(id) ? await consentAt(db, ctx.institutionId, id) : undefined;
  const patientId = row ? patientIdOf(row.person_ref) : null;
  if (!row || patientId === null) throw new FhirResourceNotFoundError();
  return consentResource(row, consentState({ status: row.status, validUntil: row.valid_until }, ctx.now), patientId, institution);
}

// --- Patient -------------------------------------------------------------------------------------

/** The sex on the card (性別1) in each person's newest eligibility record here. */
async function sexesOf(db: DbOrTx, institutionId: string, personRefs: readonly string[]): Promise<Map<string, EligibilityRecord['sex1']>> {
  const newest = new Map<string, { at: string; json: string }>();
  for (const r of await recordsOfPersons(db, institutionId, personRefs)) {
    const held = newest.get(r.person_ref);
    if (!held || r.at > held.at) newest.set(r.person_ref, { at: r.at, json: r.record_json });
  }
  const sexes = new Map<string, EligibilityRecord['sex1']>();
  for (const [ref, { json }] of newest) sexes.set(ref, (JSON.parse(json) as EligibilityRecord).sex1 ?? null);
  return sexes;
}

/** A Patient's identifier is the clinic's 照会番号 under the facility patient id system. */
function referenceNumberFromIdentifier(search: FhirSearch, institution: InstitutionLabel): string | null | undefined {
  if (search.identifier === null) return undefined;
  const { system, value } = search.identifier;
  if (system !== null && system !== facilityPatientIdSystem(institution.code)) return null;
  return value;
}

async function searchPatients(db: DbOrTx, ctx: FhirContext, institution: InstitutionLabel, search: FhirSearch): Promise<Found> {
  const referenceNumber = referenceNumberFromIdentifier(search, institution);
  if (referenceNumber === null || search.personRef === '') return { total: 0, resources: [] };
  const filter = { institutionId: ctx.institutionId, personRef: search.personRef, referenceNumber: referenceNumber ?? null, updated: range(search) };
  const total = await countPatients(db, filter);
  const rows = search.count === 0 ? [] : await patientPage(db, filter, page(search));
  const sexes = await sexesOf(db, ctx.institutionId, rows.map((r) => r.person_ref));
  const resources = rows.flatMap((row) => {
    const patientId = patientIdOf(row.person_ref);
    return patientId === null ? [] : [patientResource(patientId, row, sexes.get(row.person_ref) ?? null, institution)];
  });
  return { total, resources };
}

export async function readPatient(db: DbOrTx, ctx: FhirContext, id: string): Promise<Patient> {
  const institution = await labelOf(db, ctx.institutionId);
  const personRef = personRefOf(id);
  if (personRef === null) throw new FhirResourceNotFoundError();
  const filter = { institutionId: ctx.institutionId, personRef, referenceNumber: null, updated: { from: null, before: null } };
  const [row] = await patientPage(db, filter, { limit: 1, offset: 0 });
  if (!row) throw new FhirResourceNotFoundError();
  const sexes = await sexesOf(db, ctx.institutionId, [personRef]);
  return patientResource(id, row, sexes.get(personRef) ?? null, institution);
}

// --- Coverage ------------------------------------------------------------------------------------

function coverageOf(row: CoverageRow): Coverage | null {
  const patientId = patientIdOf(row.person_ref);
  if (patientId === null) return null;
  return coverageResource({ id: row.id, checkedAt: row.updated_at, record: JSON.parse(row.record_json) as EligibilityRecord }, patientId);
}

/**
 * By identifier, the 被保険者個人識別子 `保険者番号:記号:番号:枝番`: the insurer number narrows the
 * rows in SQL, then each candidate's own identifier is compared whole (NFKC, so half- and
 * full-width forms of the same 記号 match). Other searches page in SQL.
 */
async function searchCoverages(db: DbOrTx, ctx: FhirContext, search: FhirSearch): Promise<Found> {
  if (search.personRef === '') return { total: 0, resources: [] };
  const base: CoverageFilter = { institutionId: ctx.institutionId, id: null, personRef: search.personRef, updated: range(search), insurerNumbers: null };
  if (search.identifier === null) {
    const total = await countCoverages(db, base);
    const rows = search.count === 0 ? [] : await coveragePage(db, base, page(search));
    return { total, resources: rows.flatMap((row) => coverageOf(row) ?? []) };
  }
  const { system, value } = search.identifier;
  const parts = value.split(':');
  if ((system !== null && system !== INSURED_PERSON_IDENTIFIER_SYSTEM) || parts.length !== 4 || !/^\d{1,8}$/.test(parts[0]!)) return { total: 0, resources: [] };
  const insurer = parts[0]!.padStart(8, '0');
  const wanted = value.normalize('NFKC');
  const candidates = await coveragePage(db, { ...base, insurerNumbers: insurer.startsWith('00') ? [insurer, insurer.slice(2)] : [insurer] }, null);
  const matching = candidates.filter((row) => {
    const record = JSON.parse(row.record_json) as EligibilityRecord;
    return record.cardType !== 'medicalAid' && record.number !== '' && insuredPersonIdentifier(record).normalize('NFKC') === wanted;
  });
  const shown = matching.slice(search.offset, search.offset + search.count);
  return { total: matching.length, resources: shown.flatMap((row) => coverageOf(row) ?? []) };
}

export async function readCoverage(db: DbOrTx, ctx: FhirContext, id: string): Promise<Coverage> {
  if (!isFhirId(id)) throw new FhirResourceNotFoundError();
  const [row] = await coveragePage(db, { institutionId: ctx.institutionId, id, personRef: null, updated: { from: null, before: null }, insurerNumbers: null }, null);
  const coverage = row ? coverageOf(row) : null;
  if (!coverage) throw new FhirResourceNotFoundError();
  return coverage;
}

// --- AuditEvent ----------------------------------------------------------------------------------

async function searchAuditEvents(db: DbOrTx, ctx: FhirContext, institution: InstitutionLabel, search: FhirSearch): Promise<Found> {
  if (search.personRef === '') return { total: 0, resources: [] };
  const filter = { institutionId: ctx.institutionId, seq: null, personRef: search.personRef, updated: range(search) };
  const total = await countAuditEvents(db, filter);
  const rows = search.count === 0 ? [] : await auditPage(db, filter, page(search));
  return { total, resources: rows.map((row) => auditEventResource(row, row.person_ref === null ? null : patientIdOf(row.person_ref), institution)) };
}

export async function readAuditEvent(db: DbOrTx, ctx: FhirContext, id: string): Promise<AuditEvent> {
  const institution = await labelOf(db, ctx.institutionId);
  if (!/^[1-9]\d{0,14}$/.test(id)) throw new FhirResourceNotFoundError();
  const [row] = await auditPage(db, { institutionId: ctx.institutionId, seq: Number(id), personRef: null, updated: { from: null, before: null } }, { limit: 1, offset: 0 });
  if (!row) throw new FhirResourceNotFoundError();
  return auditEventResource(row, row.person_ref === null ? null : patientIdOf(row.person_ref), institution);
}
