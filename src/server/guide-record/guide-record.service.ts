import type { GuideRecord, GuideRecordItemDto, GuideRecordListResponse, GuideRecordReceipt } from '../../domain/fallback/guide-record.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { Db, DbOrTx } from '../db/database.ts';
import { canonicalJson, INBOX_LIMIT, purgeAfter, type StaffContext } from '../declaration/declaration.service.ts';
import { institutionRetentionDays } from '../declaration/declaration.repository.ts';
import { purgeExpiredRows } from '../retention/retention.service.ts';
import type { InstitutionRow } from '../institution/institution.table.ts';
import { deleteExpiredGuideRecord, expiredGuideRecords, findGuideRecord, insertGuideRecordOnce, listGuideRecords } from './guide-record.repository.ts';

/**
 * Decision-guide outcomes without a form (issue 5 §2), received from a device's outbox exactly
 * once per client id (P4), listed read-only in the staff inbox and purged after the institution's
 * retention (D5), counted from receipt since there is no claim work to complete.
 */

export interface ReceiveGuideRecordContext {
  institution: InstitutionRow;
  deviceId: string;
  staffId: string | null;
  now: Date;
}

export type ReceiveGuideRecordResult = { kind: 'created' | 'duplicate'; receipt: GuideRecordReceipt } | { kind: 'conflict' };

export async function receiveGuideRecord(trx: DbOrTx, record: GuideRecord, ctx: ReceiveGuideRecordContext): Promise<ReceiveGuideRecordResult> {
  const receivedAt = ctx.now.toISOString();
  const recordJson = canonicalJson(record);
  const inserted = await insertGuideRecordOnce(trx, {
    id: record.id,
    institution_id: ctx.institution.id,
    received_at: receivedAt,
    device_id: ctx.deviceId,
    record_json: recordJson,
    purge_after: purgeAfter(ctx.now, await institutionRetentionDays(trx, ctx.institution.id)),
  });
  let result: ReceiveGuideRecordResult;
  if (inserted) {
    result = { kind: 'created', receipt: { id: record.id, receivedAt } };
  } else {
    const existing = await findGuideRecord(trx, record.id);
    result =
      existing && existing.institution_id === ctx.institution.id && existing.record_json === recordJson
        ? { kind: 'duplicate', receipt: { id: existing.id, receivedAt: existing.received_at } }
        : { kind: 'conflict' };
  }
  await appendAudit(
    trx,
    {
      institutionId: ctx.institution.id,
      actorType: ctx.staffId ? 'staff' : 'patient',
      actorId: ctx.staffId,
      action: 'guide_record.received',
      deviceId: ctx.deviceId,
      subjectId: record.id,
      outcome: result.kind === 'created' ? 'ok' : result.kind === 'duplicate' ? 'duplicate' : 'refused',
      detail: result.kind === 'conflict' ? 'guide_record_conflict' : null,
    },
    ctx.now,
  );
  return result;
}

/** The staff list (read-only), newest first; a view of medical data, audited (X5). */
export async function guideRecordList(trx: DbOrTx, ctx: StaffContext): Promise<GuideRecordListResponse> {
  const rows = await listGuideRecords(trx, ctx.institutionId, ctx.now.toISOString(), INBOX_LIMIT);
  const guideRecords: GuideRecordItemDto[] = rows.map((row) => ({
    ...(JSON.parse(row.record_json) as GuideRecord),
    receivedAt: row.received_at,
    purgeAfter: row.purge_after,
  }));
  await ctx.audit(trx, { action: 'guide_record.list_viewed', outcome: 'ok', detail: String(guideRecords.length) }, ctx.now);
  return { guideRecords };
}

/** D5: deletes every record past its retention, each deletion audited. */
export async function purgeExpiredGuideRecords(db: Db, now: Date): Promise<number> {
  return purgeExpiredRows(db, now, { expired: expiredGuideRecords, remove: deleteExpiredGuideRecord, auditAction: 'guide_record.purged' });
}
