import type { Declaration } from '../../domain/declaration/declaration.ts';
import {
  allowedClaimMethods,
  claimAskedFirst,
  type ClaimDeclarationRequest,
  type DeclarationDetailDto,
  type DeclarationInboxResponse,
  type DeclarationReceipt,
  type DeclarationStateDto,
  type DeclarationStatus,
  type VerifyDeclarationRequest,
} from '../../domain/declaration/declaration-api.ts';
import type { SenderTrust } from '../../domain/staff/device-signature.ts';
import type { GuideOutcome } from '../../domain/fallback/fallback-guide.ts';
import { appendAudit, type AuditEntry } from '../audit/audit.service.ts';
import type { Db, DbOrTx } from '../db/database.ts';
import { purgeExpiredRows } from '../retention/retention.service.ts';
import type { InstitutionRow } from '../institution/institution.table.ts';
import {
  ClaimMethodNotAllowedError,
  DeclarationNotClaimableError,
  DeclarationNotCompletableError,
  DeclarationNotFoundError,
  DeclarationNotVerifiableError,
  UnknownClaimNotAskedError,
} from './declaration-errors.ts';
import {
  countDeclarationsByStatus,
  deleteExpiredDeclaration,
  expiredDeclarations,
  findDeclaration,
  findDeclarationAt,
  insertDeclarationOnce,
  institutionRetentionDays,
  listDeclarations,
  updateDeclarationFrom,
  type DeclarationWithStaffRow,
} from './declaration.repository.ts';
import type { DeclarationUpdate } from './declaration.table.ts';
import { recordChange } from '../change-feed/change-feed.service.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** D5 when the institution row has no usable value (the column defaults to 30). */
export const DEFAULT_RETENTION_DAYS = 30;
/** The inbox is short-lived work (D5), so one page is enough; older items stay reachable by filter. */
export const INBOX_LIMIT = 500;

/** JSON with object keys sorted, so the same form always gives the same text (the resend check). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

// ---------------------------------------------------------------------------------------------
// Receipt from the outbox (P4).

export interface ReceiveContext {
  institution: InstitutionRow;
  deviceId: string;
  /** Issue 12 #15: the enrolled device whose signature verified; null for a device the clinic does not know. */
  senderKeyId: string | null;
  /** The staff member signed in on the device, when at this institution (X5: who sent it). */
  staffId: string | null;
  now: Date;
}

export type ReceiveResult = { kind: 'created' | 'duplicate'; receipt: DeclarationReceipt } | { kind: 'conflict' };

/**
 * Stores a declaration exactly once. The outbox resends after a lost response, so the same id
 * with the same content at the same institution answers with the first receipt; the same id with
 * anything else is a conflict (never an overwrite). Every outcome is audited, without the form.
 */
export async function receiveDeclaration(
  trx: DbOrTx,
  submission: { form: Declaration; guideOutcome: GuideOutcome | null },
  ctx: ReceiveContext,
): Promise<ReceiveResult> {
  const receivedAt = ctx.now.toISOString();
  const formJson = canonicalJson(submission.form);
  const guideJson = submission.guideOutcome === null ? null : canonicalJson(submission.guideOutcome);
  const inserted = await insertDeclarationOnce(trx, {
    id: submission.form.id,
    institution_id: ctx.institution.id,
    received_at: receivedAt,
    device_id: ctx.deviceId,
    form_json: formJson,
    guide_outcome_json: guideJson,
    status: 'received',
    verified_at: null,
    verified_by: null,
    verified_qualification: null,
    verified_note: null,
    claimed_at: null,
    claimed_by: null,
    claim_method: null,
    completed_at: null,
    completed_by: null,
    purge_after: null,
    sender_key_id: ctx.senderKeyId,
  });
  let result: ReceiveResult;
  if (inserted) {
    result = { kind: 'created', receipt: { id: submission.form.id, receivedAt } };
  } else {
    const existing = await findDeclaration(trx, submission.form.id);
    result =
      existing && existing.institution_id === ctx.institution.id && existing.form_json === formJson && existing.guide_outcome_json === guideJson
        ? { kind: 'duplicate', receipt: { id: existing.id, receivedAt: existing.received_at } }
        : { kind: 'conflict' };
  }
  await appendAudit(
    trx,
    {
      institutionId: ctx.institution.id,
      actorType: ctx.staffId ? 'staff' : 'patient',
      actorId: ctx.staffId,
      action: 'declaration.received',
      deviceId: ctx.deviceId,
      subjectId: submission.form.id,
      outcome: result.kind === 'created' ? 'ok' : result.kind === 'duplicate' ? 'duplicate' : 'refused',
      detail: result.kind === 'conflict' ? 'declaration_conflict' : null,
    },
    ctx.now,
  );
  // Issue 19 #3: a new declaration (not a resend) is a change event, after its audit entry.
  if (result.kind === 'created') await recordChange(trx, { institutionId: ctx.institution.id, type: 'declaration.received', subjectId: submission.form.id }, ctx.now);
  return result;
}

// ---------------------------------------------------------------------------------------------
// The staff inbox (F6, D5).

export type DeclarationAuditor = (trx: DbOrTx, entry: Omit<AuditEntry, 'institutionId' | 'actorType' | 'actorId' | 'deviceId'>, at: Date) => Promise<void>;

export interface StaffContext {
  institutionId: string;
  staffId: string;
  now: Date;
  audit: DeclarationAuditor;
}

/** Issue 12 #15: from an enrolled tablet (its signature verified on receipt), or from a device the clinic does not know. */
function senderOf(row: { sender_key_id: string | null }): SenderTrust {
  return row.sender_key_id ? 'enrolled' : 'unverified';
}

function stateOf(row: DeclarationWithStaffRow): DeclarationStateDto {
  return {
    id: row.id,
    receivedAt: row.received_at,
    status: row.status,
    verified:
      row.verified_at && row.verified_by && row.verified_qualification
        ? {
            at: row.verified_at,
            staffId: row.verified_by,
            staffName: row.verified_by_name,
            qualification: row.verified_qualification,
            note: row.verified_note ?? '',
          }
        : null,
    claimed:
      row.claimed_at && row.claimed_by && row.claim_method
        ? { at: row.claimed_at, staffId: row.claimed_by, staffName: row.claimed_by_name, method: row.claim_method }
        : null,
    completed: row.completed_at && row.completed_by ? { at: row.completed_at, staffId: row.completed_by, staffName: row.completed_by_name } : null,
    purgeAfter: row.purge_after,
    sender: senderOf(row),
  };
}

async function declarationOrFail(trx: DbOrTx, ctx: StaffContext, id: string): Promise<DeclarationWithStaffRow> {
  const row = await findDeclarationAt(trx, ctx.institutionId, id);
  if (!row) throw new DeclarationNotFoundError();
  return row;
}

/** The inbox of the staff member's institution, newest first; showing it is audited (X5). */
export async function declarationInbox(trx: DbOrTx, ctx: StaffContext, status: DeclarationStatus | null): Promise<DeclarationInboxResponse> {
  const rows = await listDeclarations(trx, ctx.institutionId, status, INBOX_LIMIT);
  const declarations = rows.map((row) => {
    const form = JSON.parse(row.form_json) as Declaration;
    return {
      id: row.id,
      receivedAt: row.received_at,
      status: row.status,
      name: form.name,
      nameKana: form.nameKana,
      referenceNumber: form.referenceNumber,
      sender: senderOf(row),
    };
  });
  await ctx.audit(trx, { action: 'declaration.inbox_viewed', outcome: 'ok', detail: status }, ctx.now);
  return { declarations };
}

/** One declaration in full: the form and the guide's outcome. A view, audited (X5). */
export async function viewDeclaration(trx: DbOrTx, ctx: StaffContext, id: string): Promise<DeclarationDetailDto> {
  const row = await declarationOrFail(trx, ctx, id);
  await ctx.audit(trx, { action: 'declaration.viewed', subjectId: id, outcome: 'ok' }, ctx.now);
  return {
    ...stateOf(row),
    form: JSON.parse(row.form_json) as Declaration,
    guideOutcome: row.guide_outcome_json === null ? null : (JSON.parse(row.guide_outcome_json) as GuideOutcome),
  };
}

/** Applies a guarded change and reads the result back; a lost race counts as the guard's refusal. */
async function transition(
  trx: DbOrTx,
  ctx: StaffContext,
  id: string,
  from: readonly DeclarationStatus[],
  changes: DeclarationUpdate,
  refusal: () => Error,
): Promise<DeclarationStateDto> {
  if (!(await updateDeclarationFrom(trx, id, from, changes))) throw refusal();
  return stateOf(await declarationOrFail(trx, ctx, id));
}

/** received → verified, with the qualification the clinic confirmed later. */
export async function verifyDeclaration(trx: DbOrTx, ctx: StaffContext, id: string, request: VerifyDeclarationRequest): Promise<DeclarationStateDto> {
  const row = await declarationOrFail(trx, ctx, id);
  if (row.status !== 'received') throw new DeclarationNotVerifiableError();
  const state = await transition(
    trx,
    ctx,
    id,
    ['received'],
    {
      status: 'verified',
      verified_at: ctx.now.toISOString(),
      verified_by: ctx.staffId,
      verified_qualification: request.qualification,
      verified_note: request.note,
    },
    () => new DeclarationNotVerifiableError(),
  );
  await ctx.audit(trx, { action: 'declaration.verified', subjectId: id, outcome: 'ok', detail: request.qualification }, ctx.now);
  return state;
}

/** received | verified → claimed, in F6's order (allowedClaimMethods). */
export async function claimDeclaration(trx: DbOrTx, ctx: StaffContext, id: string, request: ClaimDeclarationRequest): Promise<DeclarationStateDto> {
  const row = await declarationOrFail(trx, ctx, id);
  if (row.status !== 'received' && row.status !== 'verified') throw new DeclarationNotClaimableError();
  if (!allowedClaimMethods(row.status, row.verified_qualification).includes(request.method)) throw new ClaimMethodNotAllowedError();
  if (!claimAskedFirst(request)) throw new UnknownClaimNotAskedError();
  const state = await transition(
    trx,
    ctx,
    id,
    [row.status],
    { status: 'claimed', claimed_at: ctx.now.toISOString(), claimed_by: ctx.staffId, claim_method: request.method },
    () => new DeclarationNotClaimableError(),
  );
  // F6: the audit trail keeps that the patient was asked before 「不詳」.
  const detail = request.method === 'unknown' ? 'unknown:patientAsked' : request.method;
  await ctx.audit(trx, { action: 'declaration.claimed', subjectId: id, outcome: 'ok', detail }, ctx.now);
  return state;
}

/** D5: the completion instant plus the institution's retention days. */
/** The staff home: declarations waiting for their check (received) and for the claim method (verified). */
export async function declarationWorkCounts(trx: DbOrTx, institutionId: string): Promise<{ received: number; verified: number }> {
  const byStatus = await countDeclarationsByStatus(trx, institutionId);
  return { received: byStatus.received ?? 0, verified: byStatus.verified ?? 0 };
}

export function purgeAfter(completedAt: Date, retentionDays: number | undefined): string {
  const days = retentionDays !== undefined && Number.isInteger(retentionDays) && retentionDays >= 0 ? retentionDays : DEFAULT_RETENTION_DAYS;
  return new Date(completedAt.getTime() + days * DAY_MS).toISOString();
}

/** claimed → completed: claim work is done, so the purge date is set (D5). */
export async function completeDeclaration(trx: DbOrTx, ctx: StaffContext, id: string): Promise<DeclarationStateDto> {
  const row = await declarationOrFail(trx, ctx, id);
  if (row.status !== 'claimed') throw new DeclarationNotCompletableError();
  const retentionDays = await institutionRetentionDays(trx, ctx.institutionId);
  const state = await transition(
    trx,
    ctx,
    id,
    ['claimed'],
    { status: 'completed', completed_at: ctx.now.toISOString(), completed_by: ctx.staffId, purge_after: purgeAfter(ctx.now, retentionDays) },
    () => new DeclarationNotCompletableError(),
  );
  await ctx.audit(trx, { action: 'declaration.completed', subjectId: id, outcome: 'ok' }, ctx.now);
  return state;
}

// ---------------------------------------------------------------------------------------------
// Retention (D5).

/** D5: deletes every completed declaration whose retention has passed, each deletion audited. */
export async function purgeExpiredDeclarations(db: Db, now: Date): Promise<number> {
  return purgeExpiredRows(db, now, { expired: expiredDeclarations, remove: deleteExpiredDeclaration, auditAction: 'declaration.purged' });
}
