import type { Kysely } from 'kysely';

/**
 * The audit viewer pages newest first by (at, seq) within one institution, filtered by person,
 * staff member or action and by a date range. Each filter gets an index ending in (at, seq), so
 * a page — with or without a date range — is one index range read even over millions of events.
 * The (institution_id, person_ref) index is replaced by its extension, which serves the same lookups.
 */
const INDEXES: Array<[string, string[]]> = [
  ['audit_event_inst_at', ['institution_id', 'at', 'seq']],
  ['audit_event_inst_person_at', ['institution_id', 'person_ref', 'at', 'seq']],
  ['audit_event_inst_actor_at', ['institution_id', 'actor_id', 'at', 'seq']],
  ['audit_event_inst_action_at', ['institution_id', 'action', 'at', 'seq']],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, columns] of INDEXES) await db.schema.createIndex(name).on('audit_event').columns(columns).execute();
  await db.schema.dropIndex('audit_event_person').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_event_person').on('audit_event').columns(['institution_id', 'person_ref']).execute();
  for (const [name] of INDEXES) await db.schema.dropIndex(name).execute();
}
