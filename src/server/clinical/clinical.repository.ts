import type { Selectable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { ClinicalSnapshotTable } from './clinical.table.ts';

/** V6: keeps what was just retrieved as the person's snapshot at this institution (the latest only). */
export async function saveClinicalSnapshot(db: DbOrTx, row: ClinicalSnapshotTable): Promise<void> {
  await db
    .insertInto('clinical_snapshot')
    .values(row)
    .onConflict((oc) => oc.columns(['institution_id', 'person_ref']).doUpdateSet({ retrieved_at: row.retrieved_at, sections_json: row.sections_json }))
    .execute();
}

/** V6: the person's snapshot at this institution, if one was ever retrieved. */
export async function clinicalSnapshotOf(db: DbOrTx, institutionId: string, personRef: string): Promise<Selectable<ClinicalSnapshotTable> | undefined> {
  return db.selectFrom('clinical_snapshot').selectAll().where('institution_id', '=', institutionId).where('person_ref', '=', personRef).executeTakeFirst();
}
