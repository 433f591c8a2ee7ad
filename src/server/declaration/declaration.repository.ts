import { sql } from 'kysely';
import type { DeclarationStatus } from '../../domain/declaration/declaration-api.ts';
import type { DbOrTx } from '../db/database.ts';
import type { DeclarationRow, DeclarationUpdate, NewDeclarationRow } from './declaration.table.ts';

/**
 * Inserts the declaration unless its id is already taken; false when it was (a resend, or a
 * clash). ON CONFLICT keeps two simultaneous sends of one form from failing with a 500.
 */
export async function insertDeclarationOnce(db: DbOrTx, row: NewDeclarationRow): Promise<boolean> {
  const result = await db
    .insertInto('declaration')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function findDeclaration(db: DbOrTx, id: string): Promise<DeclarationRow | undefined> {
  return db.selectFrom('declaration').selectAll().where('id', '=', id).executeTakeFirst();
}

export type DeclarationWithStaffRow = DeclarationRow & {
  verified_by_name: string | null;
  claimed_by_name: string | null;
  completed_by_name: string | null;
};

/** One declaration of one institution, with the names of the staff who worked on it. */
export async function findDeclarationAt(db: DbOrTx, institutionId: string, id: string): Promise<DeclarationWithStaffRow | undefined> {
  return db
    .selectFrom('declaration')
    .leftJoin('staff_account as verifier', 'verifier.id', 'declaration.verified_by')
    .leftJoin('staff_account as claimer', 'claimer.id', 'declaration.claimed_by')
    .leftJoin('staff_account as completer', 'completer.id', 'declaration.completed_by')
    .selectAll('declaration')
    .select(['verifier.display_name as verified_by_name', 'claimer.display_name as claimed_by_name', 'completer.display_name as completed_by_name'])
    .where('declaration.id', '=', id)
    .where('declaration.institution_id', '=', institutionId)
    .executeTakeFirst();
}

/** The inbox, newest first. */
export async function listDeclarations(
  db: DbOrTx,
  institutionId: string,
  status: DeclarationStatus | null,
  limit: number,
): Promise<Pick<DeclarationRow, 'id' | 'received_at' | 'status' | 'form_json' | 'sender_key_id'>[]> {
  let query = db
    .selectFrom('declaration')
    .select(['id', 'received_at', 'status', 'form_json', 'sender_key_id'])
    .where('institution_id', '=', institutionId);
  if (status !== null) query = query.where('status', '=', status);
  return query.orderBy('received_at', 'desc').orderBy('id').limit(limit).execute();
}

/** The staff home: how many declarations are in each status (purged ones are gone). */
export async function countDeclarationsByStatus(db: DbOrTx, institutionId: string): Promise<Partial<Record<DeclarationStatus, number>>> {
  const rows = await db
    .selectFrom('declaration')
    .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('institution_id', '=', institutionId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/**
 * A guarded transition: changes the row only while it is still in one of `from`; false when it
 * was not (someone else moved it first), so two clicks cannot both pass the guard.
 */
export async function updateDeclarationFrom(
  db: DbOrTx,
  id: string,
  from: readonly DeclarationStatus[],
  changes: DeclarationUpdate,
): Promise<boolean> {
  const result = await db.updateTable('declaration').set(changes).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** D5: completed declarations whose retention ended before `now` (ISO instant). */
export async function expiredDeclarations(db: DbOrTx, now: string): Promise<Pick<DeclarationRow, 'id' | 'institution_id'>[]> {
  return db
    .selectFrom('declaration')
    .select(['id', 'institution_id'])
    .where('status', '=', 'completed')
    .where('purge_after', '<', now)
    .orderBy('purge_after')
    .execute();
}

/** Deletes one expired declaration; false when another purge got there first. */
export async function deleteExpiredDeclaration(db: DbOrTx, id: string, now: string): Promise<boolean> {
  const result = await db
    .deleteFrom('declaration')
    .where('id', '=', id)
    .where('status', '=', 'completed')
    .where('purge_after', '<', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/**
 * D5: the institution's retention in days. Read by name because the institution settings (issue 6)
 * own InstitutionTable; the column comes with the declaration migration.
 */
export async function institutionRetentionDays(db: DbOrTx, institutionId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('institution')
    .select(sql<number | string>`declaration_retention_days`.as('days'))
    .where('id', '=', institutionId)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.days);
}
