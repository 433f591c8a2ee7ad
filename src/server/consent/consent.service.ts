import { disclosedRecord, parseScopes } from '../../domain/consent/consent.ts';
import type { InsuranceQuery } from '../../domain/requery/csv.ts';
import { nextSteps, type EligibilityRecord } from '../../domain/registration/eligibility.ts';
import { isReconfirmationDue, reconfirmationDueOn } from '../../domain/consent/reconfirmation.ts';
import type {
  ConsentEligibilityResponse,
  ConsentListItemDto,
  ConsentListsResponse,
  ConsentSummaryDto,
  PersonLabelDto,
  PersonSearchResponse,
  StaffRevokeReason,
} from '../../domain/consent/staff-lifecycle-api.ts';
import { staffRevokeReasonsFor } from '../../domain/consent/staff-lifecycle-api.ts';
import { consentState, type RevokeReason } from '../../domain/consent/validity.ts';
import type { DbOrTx } from '../db/database.ts';
import type { EligibilitySource } from '../national/eligibility-source.ts';
import type { StaffAuditor } from './staff-action.ts';
import { ConsentAlreadyRevokedError, ConsentExpiredError, ConsentNotFoundError, ConsentRevokedError, RevokeReasonMismatchError } from './consent-errors.ts';
import {
  activeConsentsAt,
  countActiveConsentsAt,
  consentsOfPersonsAt,
  eligibilityForConsent,
  findConsentAt,
  markConsentRevoked,
  registrationRecordsOf,
} from './consent.repository.ts';
import type { ConsentRow } from './consent.table.ts';
import { CONTINUING_VISIT_TYPES, isContinuingCare } from '../../domain/shared/visit-type.ts';
import { EXPIRING_WITHIN_MS, reconfirmationDueBefore } from '../../domain/consent/consent-dashboard.ts';
import { recordChange } from '../change-feed/change-feed.service.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export function stateOf(row: ConsentRow, now: Date) {
  return consentState({ status: row.status, validUntil: row.valid_until }, now);
}

export function toConsentSummary(row: ConsentRow, now: Date): ConsentSummaryDto {
  const state = stateOf(row, now);
  const dueOn =
    isContinuingCare(row.visit_type) && state === 'active'
      ? reconfirmationDueOn({ registeredAt: row.registered_at, lastConfirmedAt: row.last_confirmed_at })
      : null;
  return {
    id: row.id,
    visitType: row.visit_type,
    state,
    scopes: parseScopes(row.scopes),
    registeredAt: row.registered_at,
    validUntil: row.valid_until,
    consultationDate: row.consultation_date,
    revokedAt: row.revoked_at,
    revokeReason: (row.revoke_reason as RevokeReason | null) ?? null,
    lastConfirmedAt: row.last_confirmed_at,
    reconfirmationDueOn: dueOn,
    reconfirmationDue: dueOn !== null && isReconfirmationDue({ registeredAt: row.registered_at, lastConfirmedAt: row.last_confirmed_at }, now),
  };
}

export function personLabel(personRef: string, record: Pick<EligibilityRecord, 'name' | 'nameKana' | 'dateOfBirth'> | null): PersonLabelDto {
  return { personRef, name: record?.name ?? '', nameKana: record?.nameKana ?? '', dateOfBirth: record?.dateOfBirth ?? null };
}

/** The consent, if it exists at this institution; the guards come after. */
export async function consentAt(db: DbOrTx, institutionId: string, id: string): Promise<ConsentRow> {
  const row = await findConsentAt(db, institutionId, id);
  if (!row) throw new ConsentNotFoundError();
  return row;
}

/** Refuses anything but an active consent: revoked (X4) or past its window (V2–V4). */
export function requireActive(row: ConsentRow, now: Date): void {
  const state = stateOf(row, now);
  if (state === 'revoked') throw new ConsentRevokedError();
  if (state === 'expired') throw new ConsentExpiredError();
}

/**
 * X1: persons matching the insurance numbers, limited to those who have (or had) a consent at this
 * institution — a clinic cannot look up strangers. Twins without a branch give several (Q5).
 * The national lookup runs before the transaction: no database lock waits on another system.
 */
export async function searchPersons(
  trx: DbOrTx,
  ctx: { institutionId: string; now: Date; audit: StaffAuditor },
  found: Array<{ personId: string; record: EligibilityRecord }>,
): Promise<PersonSearchResponse> {
  const consents = await consentsOfPersonsAt(trx, ctx.institutionId, found.map((f) => f.personId));
  const matches: PersonSearchResponse['matches'] = [];
  for (const { personId, record } of found) {
    const own = consents.filter((c) => c.person_ref === personId);
    if (own.length === 0) continue;
    // S4: no specific-disease (nor cost-limit) data from a search by insurance numbers.
    const shown = disclosedRecord(record, []);
    matches.push({ personRef: personId, eligibility: { record: shown, nextSteps: nextSteps(shown.status) }, consents: own.map((c) => toConsentSummary(c, ctx.now)) });
    await ctx.audit(trx, { action: 'eligibility.viewed', personRef: personId, outcome: 'ok', detail: 'search' }, ctx.now);
  }
  await ctx.audit(trx, { action: 'person.searched', outcome: matches.length > 0 ? 'ok' : 'notFound', detail: `matches=${matches.length}` }, ctx.now);
  return { matches };
}

export async function lookUpPersons(eligibility: EligibilitySource, query: InsuranceQuery, now: Date) {
  return eligibility.findByInsurance(
    { insurerNumber: query.insurerNumber, number: query.number, dateOfBirth: query.dateOfBirth, symbol: query.symbol, branch: query.branch },
    now,
  );
}

/** X1/X2: staff revoke an active consent at the clinic, recording who and why. */
export async function revokeByStaff(
  trx: DbOrTx,
  ctx: { institutionId: string; staffId: string; now: Date; audit: StaffAuditor },
  consentId: string,
  reason: StaffRevokeReason,
): Promise<ConsentSummaryDto> {
  const row = await consentAt(trx, ctx.institutionId, consentId);
  const state = stateOf(row, ctx.now);
  if (state === 'revoked') throw new ConsentAlreadyRevokedError();
  if (!staffRevokeReasonsFor(row.visit_type).includes(reason)) throw new RevokeReasonMismatchError();
  if (state === 'expired') throw new ConsentExpiredError();
  const at = ctx.now.toISOString();
  // The guarded update is the real check: a concurrent revocation leaves nothing to update.
  if (!(await markConsentRevoked(trx, row.id, { at, by: `staff:${ctx.staffId}`, reason }))) throw new ConsentAlreadyRevokedError();
  await ctx.audit(trx, { action: 'consent.revoked', personRef: row.person_ref, subjectId: row.id, outcome: 'ok', detail: `${row.visit_type}:${reason}` }, ctx.now);
  await recordChange(trx, { institutionId: ctx.institutionId, type: 'consent.revoked', subjectId: row.id }, ctx.now);
  const updated = await consentAt(trx, ctx.institutionId, consentId);
  return toConsentSummary(updated, ctx.now);
}

/** R8: staff retrieve the eligibility record a consent covers, only within its window (V2–V4). */
export async function consentEligibility(
  trx: DbOrTx,
  ctx: { institutionId: string; now: Date; audit: StaffAuditor },
  consentId: string,
): Promise<ConsentEligibilityResponse> {
  const row = await consentAt(trx, ctx.institutionId, consentId);
  requireActive(row, ctx.now);
  const check = await eligibilityForConsent(trx, row.id);
  if (!check) throw new ConsentNotFoundError();
  // Scopes may have narrowed since registration (V5): disclose by today's scopes.
  const record = disclosedRecord(JSON.parse(check.record_json) as EligibilityRecord, parseScopes(row.scopes));
  await ctx.audit(trx, { action: 'eligibility.viewed', personRef: row.person_ref, subjectId: row.id, outcome: 'ok', detail: 'retrieval' }, ctx.now);
  return {
    consent: toConsentSummary(row, ctx.now),
    person: personLabel(row.person_ref, record),
    record,
    nextSteps: nextSteps(record.status),
    checkedAt: check.checked_at,
  };
}

/** The person labels of consents, from the record taken at their registration. */
export async function labelsFor(db: DbOrTx, rows: readonly ConsentRow[]): Promise<Map<string, PersonLabelDto>> {
  const records = await registrationRecordsOf(db, rows.map((r) => r.id));
  const labels = new Map<string, PersonLabelDto>();
  for (const row of rows) {
    const found = records.find((r) => r.consent_id === row.id);
    labels.set(row.id, personLabel(row.person_ref, found ? (JSON.parse(found.record_json) as EligibilityRecord) : null));
  }
  return labels;
}

/**
 * The staff lists: house calls still allowing viewing (revoke once retrieved, X2), consents whose
 * window ends within 24 hours (V2, V3), and home visits whose monthly confirmation is due (V5).
 */
export async function consentLists(trx: DbOrTx, ctx: { institutionId: string; now: Date; audit: StaffAuditor }): Promise<ConsentListsResponse> {
  const active = (await activeConsentsAt(trx, ctx.institutionId)).filter((c) => stateOf(c, ctx.now) === 'active');
  const labels = await labelsFor(trx, active);
  const item = (row: ConsentRow): ConsentListItemDto => ({ consent: toConsentSummary(row, ctx.now), person: labels.get(row.id)! });
  const endsAt = (row: ConsentRow) => (row.valid_until === null ? Number.POSITIVE_INFINITY : Date.parse(row.valid_until));
  const body: ConsentListsResponse = {
    houseCallActive: active.filter((c) => c.visit_type === 'houseCall').map(item),
    expiringSoon: active
      .filter((c) => endsAt(c) - ctx.now.getTime() <= DAY_MS)
      .sort((a, b) => endsAt(a) - endsAt(b))
      .map(item),
    reconfirmationDue: active
      .filter((c) => isContinuingCare(c.visit_type))
      .map(item)
      .filter((i) => i.consent.reconfirmationDue)
      .sort((a, b) => (a.consent.reconfirmationDueOn ?? '').localeCompare(b.consent.reconfirmationDueOn ?? '')),
  };
  await ctx.audit(trx, { action: 'consent.lists_viewed', outcome: 'ok' }, ctx.now);
  return body;
}

/**
 * The staff home's consent counts: V5 confirmations due, windows ending within 24 hours (V2, V3)
 * and house calls still allowing viewing (X2). Each equals the list its link opens.
 */
export async function homeConsentCounts(
  trx: DbOrTx,
  ctx: { institutionId: string; now: Date },
): Promise<{ reconfirmationDue: number; expiringSoon: number; houseCallActive: number }> {
  const bounds = {
    now: ctx.now.toISOString(),
    expiringBy: new Date(ctx.now.getTime() + EXPIRING_WITHIN_MS).toISOString(),
    dueBefore: reconfirmationDueBefore(ctx.now).toISOString(),
  };
  return {
    reconfirmationDue: await countActiveConsentsAt(trx, ctx.institutionId, bounds, { kind: 'ofTypes', visitTypes: CONTINUING_VISIT_TYPES, dueOnly: true }),
    expiringSoon: await countActiveConsentsAt(trx, ctx.institutionId, bounds, { kind: 'expiring' }),
    houseCallActive: await countActiveConsentsAt(trx, ctx.institutionId, bounds, { kind: 'ofTypes', visitTypes: ['houseCall'], dueOnly: false }),
  };
}
