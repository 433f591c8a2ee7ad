import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // D5: how many days after claim work is completed a declaration is kept before it is purged.
  await db.schema
    .alterTable('institution')
    .addColumn('declaration_retention_days', 'integer', (c) => c.notNull().defaultTo(30))
    .execute();

  // F3/D1–D6: the 被保険者資格申立書 as received from a device's outbox (P4). The id is the
  // client's UUID, the idempotency key, so the same form can never be stored twice.
  await db.schema
    .createTable('declaration')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    // The whole form as validated (personal data the claim needs); purged with the row (D5).
    .addColumn('form_json', 'text', (c) => c.notNull())
    // The decision guide's outcome (GuideOutcome), when the device sent one.
    .addColumn('guide_outcome_json', 'text')
    // received → verified → claimed → completed (verified may be skipped).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'text')
    .addColumn('verified_by', 'text')
    // 'current' | 'past': the kind of qualification the clinic confirmed later, and its short description.
    .addColumn('verified_qualification', 'text')
    .addColumn('verified_note', 'text')
    .addColumn('claimed_at', 'text')
    .addColumn('claimed_by', 'text')
    // F6: currentQualification | pastQualification | unknown (「不詳」).
    .addColumn('claim_method', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('completed_by', 'text')
    // D5: set at completion; the row is deleted once this instant has passed.
    .addColumn('purge_after', 'text')
    .execute();
  await db.schema.createIndex('declaration_inbox').on('declaration').columns(['institution_id', 'received_at']).execute();
  await db.schema.createIndex('declaration_purge_after').on('declaration').column('purge_after').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('declaration').execute();
  await db.schema.alterTable('institution').dropColumn('declaration_retention_days').execute();
}
