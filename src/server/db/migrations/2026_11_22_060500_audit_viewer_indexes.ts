import type { Kysely } from 'kysely';

/**
 * The audit viewer pages newest first (by seq) within one institution, filtered by person, staff
 * member or action, or by a date range. Each filter gets an index that ends in seq, so a page is
 * an index range read even over millions of events. The (institution_id, person_ref) index is
 * replaced by its seq-ordered extension, which serves the same lookups.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_event_inst_seq').on('audit_event').columns(['institution_id', 'seq']).execute();
  await db.schema.createIndex('audit_event_inst_person_seq').on('audit_event').columns(['institution_id', 'person_ref', 'seq']).execute();
  await db.schema.createIndex('audit_event_inst_actor_seq').on('audit_event').columns(['institution_id', 'actor_id', 'seq']).execute();
  await db.schema.createIndex('audit_event_inst_action_seq').on('audit_event').columns(['institution_id', 'action', 'seq']).execute();
  await db.schema.createIndex('audit_event_inst_at').on('audit_event').columns(['institution_id', 'at']).execute();
  await db.schema.dropIndex('audit_event_person').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_event_person').on('audit_event').columns(['institution_id', 'person_ref']).execute();
  for (const name of ['audit_event_inst_at', 'audit_event_inst_action_seq', 'audit_event_inst_actor_seq', 'audit_event_inst_person_seq', 'audit_event_inst_seq']) {
    await db.schema.dropIndex(name).execute();
  }
}
