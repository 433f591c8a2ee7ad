import type { AuditCursor, AuditEventDto, AuditFilter } from '../../domain/staff/audit-api.ts';
import type { DbOrTx } from '../db/database.ts';
import type { AuditEventRow } from './audit.table.ts';

export interface AuditQuery {
  institutionId: string;
  filter: AuditFilter;
  range: { fromAt: string | null; toAt: string | null };
  before: AuditCursor | null;
  limit: number;
}

/**
 * One institution's events, newest first by (at, seq), strictly older than `before` (keyset
 * paging: no OFFSET and no COUNT, which would read millions of rows). Every filter has an index
 * ending in (at, seq), so a date range narrows the same index read (migration 2026_11_22_060500).
 */
export async function findAuditEvents(db: DbOrTx, q: AuditQuery): Promise<AuditEventRow[]> {
  let query = db.selectFrom('audit_event').selectAll().where('institution_id', '=', q.institutionId);
  if (q.filter.personRef) query = query.where('person_ref', '=', q.filter.personRef);
  if (q.filter.staffId) query = query.where('actor_id', '=', q.filter.staffId);
  if (q.filter.action) query = query.where('action', '=', q.filter.action);
  if (q.range.fromAt) query = query.where('at', '>=', q.range.fromAt);
  if (q.range.toAt) query = query.where('at', '<', q.range.toAt);
  if (q.before !== null) {
    const { at, seq } = q.before;
    query = query.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('seq', '<', seq)])]));
  }
  return query.orderBy('at', 'desc').orderBy('seq', 'desc').limit(q.limit).execute();
}

export function auditEventDto(row: AuditEventRow): AuditEventDto {
  return {
    seq: Number(row.seq),
    at: row.at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    personRef: row.person_ref,
    deviceId: row.device_id,
    subjectId: row.subject_id,
    outcome: row.outcome,
    detail: row.detail,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export async function staffOfInstitution(db: DbOrTx, institutionId: string) {
  return db
    .selectFrom('staff_account')
    .select(['id', 'login_id', 'display_name'])
    .where('institution_id', '=', institutionId)
    .orderBy('login_id')
    .execute();
}
