import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Issue 19 #3: the change feed. One row per change, numbered per institution: the number is the
  // cursor an EHR polls with. The head row is locked (UPDATE … RETURNING) by every writer of an
  // institution's events, so numbers are taken in commit order and never twice.
  await db.schema
    .createTable('change_feed_head')
    .addColumn('institution_id', 'text', (c) => c.primaryKey().references('institution.id'))
    .addColumn('last_sequence', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('change_event')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    // Set for events that must happen once per subject (a consent's expiry); null otherwise.
    .addColumn('once_key', 'text', (c) => c.unique())
    .execute();
  await db.schema.createIndex('change_event_institution_sequence').unique().on('change_event').columns(['institution_id', 'sequence']).execute();

  // Webhooks: one endpoint per institution, its signing secret sealed with the keyring.
  await db.schema
    .createTable('webhook_endpoint')
    .addColumn('institution_id', 'text', (c) => c.primaryKey().references('institution.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  // The outbox: a row per event and endpoint, written in the event's transaction.
  await db.schema
    .createTable('webhook_delivery')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute();
  await db.schema.createIndex('webhook_delivery_queue').on('webhook_delivery').columns(['status', 'institution_id', 'sequence']).execute();
  await db.schema.createIndex('webhook_delivery_event').unique().on('webhook_delivery').columns(['event_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_delivery').execute();
  await db.schema.dropTable('webhook_endpoint').execute();
  await db.schema.dropTable('change_event').execute();
  await db.schema.dropTable('change_feed_head').execute();
}
