import { randomUUID } from 'node:crypto';
import { disclosedRecord, parseScopes } from '../../domain/consent/consent.ts';
import type { BatchQueryRow, InsuranceQuery, RowCheck } from '../../domain/requery/csv.ts';
import { nextSteps, type EligibilityRecord, type EligibilityStatus } from '../../domain/registration/eligibility.ts';
import { jstDate } from '../../domain/shared/jst.ts';
import {
  costLimitFlags,
  REQUERY_DAILY_LIMIT,
  REQUERY_DISPLAY_MAX_AGE_DAYS,
  requeryGate,
  visibleRequeryResults,
  type RequeryClient,
} from '../../domain/requery/requery.ts';
import type {
  BatchMatchDto,
  BatchQueryResponse,
  BatchResultsResponse,
  BatchRowDto,
  RequeryHistoryResponse,
  RequeryMatchDto,
  RequeryResponse,
  RequeryRowDto,
} from '../../domain/consent/staff-lifecycle-api.ts';
import type { RevokeReason } from '../../domain/consent/validity.ts';
import { consentsOfPersonsAt } from '../consent/consent.repository.ts';
import type { ConsentRow } from '../consent/consent.table.ts';
import type { StaffAuditEntry, StaffAuditor } from '../consent/staff-action.ts';
import type { DbOrTx } from '../db/database.ts';
import { BatchAlreadyRunError } from './requery-errors.ts';
import type { EligibilitySource } from '../national/eligibility-source.ts';
import {
  batchRunsSince,
  clearBatchResultsBefore,
  insertBatchRunOncePerDay,
  insertRequeryResultWithinDailyLimit,
  latestRequeryResultOfDay,
  requeryResultsSince,
} from './requery.repository.ts';
import { notePersonRecord } from '../person/person-profile.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One submitted person: its position, the file line for CSV, and the checked numbers. */
export interface SubmittedRow<T> {
  row: number;
  line?: number;
  check: RowCheck<T>;
}

/** A submitted row after the national lookup (done before the transaction opens). */
export interface LookedUpRow<T> extends SubmittedRow<T> {
  found: Array<{ personId: string; record: EligibilityRecord }>;
}

/**
 * Looks every valid row up in the national registry. Runs outside any transaction: a real
 * adapter calls another system, and no database lock should wait on it.
 */
export async function lookUpRows<T extends InsuranceQuery>(eligibility: EligibilitySource, rows: SubmittedRow<T>[], now: Date): Promise<LookedUpRow<T>[]> {
  const out: LookedUpRow<T>[] = [];
  for (const row of rows) {
    if (!row.check.ok) {
      out.push({ ...row, found: [] });
      continue;
    }
    const q = row.check.value;
    const found = await eligibility.findByInsurance(
      { insurerNumber: q.insurerNumber, symbol: q.symbol, number: q.number, branch: q.branch, dateOfBirth: q.dateOfBirth },
      now,
    );
    out.push({ ...row, found });
  }
  return out;
}

function toGateInput(row: ConsentRow) {
  return { ...row, visitType: row.visit_type, status: row.status, validUntil: row.valid_until, registeredAt: row.registered_at, scopes: parseScopes(row.scopes) };
}

/** The consents of every matched person at this institution, grouped by person. */
async function consentsByPerson(trx: DbOrTx, institutionId: string, rows: LookedUpRow<unknown>[]) {
  const personRefs = rows.flatMap((r) => r.found.map((f) => f.personId));
  const byPerson = new Map<string, ReturnType<typeof toGateInput>[]>();
  for (const consent of await consentsOfPersonsAt(trx, institutionId, personRefs)) {
    const list = byPerson.get(consent.person_ref) ?? [];
    list.push(toGateInput(consent));
    byPerson.set(consent.person_ref, list);
  }
  return byPerson;
}

function rowHead<T>(row: LookedUpRow<T>): Pick<RequeryRowDto, 'row' | 'line'> {
  return row.line === undefined ? { row: row.row } : { row: row.row, line: row.line };
}

interface Ctx {
  institutionId: string;
  staffId: string;
  now: Date;
  audit: StaffAuditor;
}

/**
 * Q1–Q5, X4: re-queries each row's persons. Per person: allowed only with an active home-visit
 * consent (X4), up to REQUERY_DAILY_LIMIT times per Japan day (Q2, per row — never an error for
 * the whole request); the answer carries cost-limit and specific-disease data only when the
 * consent includes them.
 * Several persons may match one row without a branch (Q5): each is answered.
 */
export async function runRequery(trx: DbOrTx, ctx: Ctx, client: RequeryClient, rows: LookedUpRow<InsuranceQuery>[]): Promise<RequeryResponse> {
  const at = ctx.now.toISOString();
  const day = jstDate(ctx.now);
  const consents = await consentsByPerson(trx, ctx.institutionId, rows);
  const counts: Record<string, number> = {};
  const out: RequeryRowDto[] = [];
  const events: StaffAuditEntry[] = [];
  for (const row of rows) {
    if (!row.check.ok) {
      out.push({ ...rowHead(row), outcome: 'invalid', invalidFields: row.check.fields, matches: [] });
      counts.invalid = (counts.invalid ?? 0) + 1;
      continue;
    }
    const matches: RequeryMatchDto[] = [];
    for (const { personId, record } of row.found) {
      const gate = requeryGate(consents.get(personId) ?? [], ctx.now);
      if (gate.kind === 'unknown') continue;
      const name = record.name;
      let match: RequeryMatchDto;
      if (gate.kind === 'revoked') {
        match = { personRef: personId, name, outcome: 'revoked', revokedAt: gate.consent.revoked_at, revokeReason: gate.consent.revoke_reason as RevokeReason | null };
      } else if (gate.kind === 'noActiveConsent') {
        match = { personRef: personId, name, outcome: 'noActiveConsent' };
      } else {
        const disclosed = disclosedRecord(record, gate.consent.scopes);
        const result = {
          id: randomUUID(),
          institution_id: ctx.institutionId,
          person_ref: personId,
          jst_date: day,
          queried_at: at,
          staff_id: ctx.staffId,
          client,
          status: disclosed.status,
          record_json: JSON.stringify(disclosed),
        };
        const stored = await insertRequeryResultWithinDailyLimit(trx, result, REQUERY_DAILY_LIMIT);
        if (stored) {
          await notePersonRecord(trx, ctx.institutionId, personId, disclosed, at);
          match = { personRef: personId, name, outcome: 'ok', queriedAt: at, record: disclosed, nextSteps: nextSteps(disclosed.status) };
        } else {
          const earlier = await latestRequeryResultOfDay(trx, ctx.institutionId, personId, day);
          match = { personRef: personId, name, outcome: 'alreadyQueriedToday', queriedAt: earlier?.queried_at ?? at };
        }
      }
      matches.push(match);
      counts[match.outcome] = (counts[match.outcome] ?? 0) + 1;
      events.push({
        action: 'requery',
        personRef: personId,
        subjectId: gate.kind === 'allowed' || gate.kind === 'revoked' ? gate.consent.id : null,
        outcome: match.outcome === 'ok' ? 'ok' : 'refused',
        detail: `${match.outcome}:${client}`,
      });
    }
    if (matches.length === 0) counts.notFound = (counts.notFound ?? 0) + 1;
    out.push({ ...rowHead(row), outcome: matches.length > 0 ? 'matched' : 'notFound', matches });
  }
  // One event per person answered, then the request's summary: written together at the end.
  await ctx.audit(trx, [...events, { action: 'requery.request', outcome: 'ok', detail: summary(client, rows.length, counts) }], ctx.now);
  return { client, queriedAt: at, rows: out };
}

function summary(label: string, total: number, counts: Record<string, number>): string {
  return [`${label}:rows=${total}`, ...Object.entries(counts).map(([k, v]) => `${k}=${v}`)].join(';');
}

/**
 * Q6–Q9: the batch query before visits, once a day per institution. Q7: it is for booked patients
 * in general, so it needs no consent here: anyone the registry finds by the numbers the clinic
 * holds is answered, with the eligibility status and (Q8) cost-limit change flags computed against
 * the 区分/適用区分 the row carried (none carried: no flag). Specific-disease data is never part of
 * it. Q9: a row that finds several persons (twins, no branch number) cannot say who is meant, so
 * nobody is answered for it. The answer is kept with the run (Q9), for this institution only.
 */
export async function runBatch(trx: DbOrTx, ctx: Ctx, rows: LookedUpRow<BatchQueryRow>[]): Promise<BatchQueryResponse> {
  const at = ctx.now.toISOString();
  const counts: Record<string, number> = {};
  const out: BatchRowDto[] = [];
  const events: StaffAuditEntry[] = [];
  for (const row of rows) {
    if (!row.check.ok) {
      out.push({ ...rowHead(row), outcome: 'invalid', invalidFields: row.check.fields, matches: [] });
      counts.invalid = (counts.invalid ?? 0) + 1;
      continue;
    }
    if (row.found.length === 0) {
      out.push({ ...rowHead(row), outcome: 'notFound', matches: [] });
      counts.notFound = (counts.notFound ?? 0) + 1;
      continue;
    }
    if (row.found.length > 1) {
      out.push({ ...rowHead(row), outcome: 'notConfirmable', matches: [] });
      counts.notConfirmable = (counts.notConfirmable ?? 0) + 1;
      continue;
    }
    const sent = row.check.value;
    const held = sent.costLimitCategory === '' ? null : { category: sent.costLimitCategory, applicationCategory: sent.costLimitApplicationCategory };
    const { personId, record } = row.found[0]!;
    const match: BatchMatchDto = {
      personRef: personId,
      name: record.name,
      outcome: 'ok',
      status: record.status as EligibilityStatus,
      costLimit: held === null ? null : costLimitFlags(held, record.costLimit),
    };
    counts.ok = (counts.ok ?? 0) + 1;
    events.push({ action: 'batch_query', personRef: personId, outcome: 'ok', detail: held === null ? 'ok' : 'ok:costLimit' });
    out.push({ ...rowHead(row), outcome: 'matched', matches: [match] });
  }
  const response: BatchQueryResponse = { ranAt: at, rows: out };
  const today = jstDate(ctx.now);
  const ran = await insertBatchRunOncePerDay(trx, {
    id: randomUUID(),
    institution_id: ctx.institutionId,
    jst_date: today,
    ran_at: at,
    staff_id: ctx.staffId,
    persons: rows.length,
    result_json: JSON.stringify(response),
  });
  if (!ran) throw new BatchAlreadyRunError();
  await clearBatchResultsBefore(trx, ctx.institutionId, showableSince(ctx.now));
  await ctx.audit(trx, [...events, { action: 'batch_query.run', outcome: 'ok', detail: summary('batch', rows.length, counts) }], ctx.now);
  return response;
}

/** Q4/Q9: the first Japan date whose results may still be shown (age 13 days at most). */
function showableSince(now: Date): string {
  return jstDate(new Date(now.getTime() - (REQUERY_DISPLAY_MAX_AGE_DAYS - 1) * DAY_MS));
}

/**
 * Q9: the institution's batch results as the screen may show them — the last 3 runs, none 14 days
 * old or older (the rule of Q4) — so that today's result can be opened again after leaving the page.
 */
export async function batchResults(trx: DbOrTx, ctx: Omit<Ctx, 'staffId'>): Promise<BatchResultsResponse> {
  const runs = await batchRunsSince(trx, ctx.institutionId, showableSince(ctx.now));
  const results = visibleRequeryResults(
    runs.map((r) => ({ queriedAt: r.ran_at, response: JSON.parse(r.result_json!) as BatchQueryResponse })),
    ctx.now,
  ).map((r) => r.response);
  await ctx.audit(trx, { action: 'batch_query.results_viewed', outcome: 'ok', detail: `results=${results.length}` }, ctx.now);
  return { results };
}

/**
 * Q4: a person's results as the screen may show them (the last 3, none 14 days old or older),
 * and only while re-query is allowed (X4). A person never consented here is not found.
 */
export async function requeryHistory(trx: DbOrTx, ctx: Omit<Ctx, 'staffId'>, personRef: string): Promise<RequeryHistoryResponse | null> {
  const consents = (await consentsOfPersonsAt(trx, ctx.institutionId, [personRef])).map(toGateInput);
  const gate = requeryGate(consents, ctx.now);
  if (gate.kind === 'unknown') return null;
  let results: RequeryHistoryResponse['results'] = [];
  if (gate.kind === 'allowed') {
    const scopes = gate.consent.scopes;
    const rows = await requeryResultsSince(trx, ctx.institutionId, personRef, showableSince(ctx.now));
    results = visibleRequeryResults(
      rows.map((r) => ({ queriedAt: r.queried_at, client: r.client, status: r.status as EligibilityStatus, record: disclosedRecord(JSON.parse(r.record_json) as EligibilityRecord, scopes) })),
      ctx.now,
    ).map((r) => ({ ...r, nextSteps: nextSteps(r.status) }));
  }
  await ctx.audit(trx, { action: 'requery.history_viewed', personRef, outcome: 'ok', detail: `${gate.kind}:${results.length}` }, ctx.now);
  return { personRef, gate: gate.kind, results };
}
