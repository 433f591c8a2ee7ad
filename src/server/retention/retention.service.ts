import type { AuditAction } from '../../domain/staff/audit-events.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { Db, DbOrTx } from '../db/database.ts';
import { startPeriodicTask } from '../periodic-task.ts';

/**
 * D5: rows kept for a retention period (completed declarations, guide records) are deleted once
 * it has passed. Each kind gives its repository's two queries; the loop, its audit and the timer
 * are here once.
 */
export interface ExpiringRows {
  /** Rows whose retention has passed at `now` (ISO time). */
  expired: (trx: DbOrTx, now: string) => Promise<ReadonlyArray<{ id: string; institution_id: string }>>;
  /** Deletes one if it is still expired; false when another purge took it first. */
  remove: (trx: DbOrTx, id: string, now: string) => Promise<boolean>;
  /** The audit action of each deletion, e.g. `declaration.purged`. */
  auditAction: AuditAction;
}

export type Purge = (db: Db, now: Date) => Promise<number>;

/**
 * Deletes every expired row of one kind in one transaction, and audits each by id only (nothing of
 * the content survives). Returns how many were purged.
 */
export async function purgeExpiredRows(db: Db, now: Date, rows: ExpiringRows): Promise<number> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    let purged = 0;
    for (const row of await rows.expired(trx, at)) {
      // Another purge (timer and inbox at once) may have taken it: audit only what this one deleted.
      if (!(await rows.remove(trx, row.id, at))) continue;
      await appendAudit(trx, { institutionId: row.institution_id, actorType: 'system', action: rows.auditAction, subjectId: row.id, outcome: 'ok' }, now);
      purged += 1;
    }
    return purged;
  });
}

/** Runs the purges now and then every `intervalMs` until the returned function is called. */
export function startRetentionPurge(db: Db, clock: () => Date, intervalMs: number, purges: readonly Purge[]): () => void {
  return startPeriodicTask({
    intervalMs,
    work: async () => {
      const now = clock();
      let purged = 0;
      for (const purge of purges) purged += await purge(db, now);
      return purged;
    },
    doneEvent: 'declarations_purged',
    failedEvent: 'declaration_purge_failed',
  });
}
