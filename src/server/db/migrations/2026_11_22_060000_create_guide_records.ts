import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Issue 5 §2: a decision-guide walk that ended without the declaration form (F1 proof, F4, F5),
  // as received from a device's outbox (P4). The id is the client's UUID, the idempotency key.
  await db.schema
    .createTable('guide_record')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    // The validated GuideRecord as canonical JSON (no My Number, no kanji name); compared on a resend.
    .addColumn('record_json', 'text', (c) => c.notNull())
    // D5: received_at + the institution's retention days; the row is deleted once this has passed.
    .addColumn('purge_after', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guide_record_inbox').on('guide_record').columns(['institution_id', 'received_at']).execute();
  await db.schema.createIndex('guide_record_purge_after').on('guide_record').column('purge_after').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('guide_record').execute();
}
