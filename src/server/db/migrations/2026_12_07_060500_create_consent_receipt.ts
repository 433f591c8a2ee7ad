import type { Kysely } from 'kysely';

/**
 * Issue 19 #4: the patient's consent receipt, one per card-confirmed consent event (registration,
 * update, revocation of everything). The id is the random receipt id the patient keeps
 * (`CR-…`, 100 bits); the content is the receipt as issued (masked insurance number only). One
 * receipt per card request: a replayed or simultaneous answer cannot issue a second.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('consent_receipt')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('person_ref', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('card_request_id', 'text', (c) => c.notNull().unique())
    .addColumn('consent_ids', 'text', (c) => c.notNull())
    .addColumn('content_json', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consent_receipt_person').on('consent_receipt').columns(['institution_id', 'person_ref', 'issued_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('consent_receipt').execute();
}
