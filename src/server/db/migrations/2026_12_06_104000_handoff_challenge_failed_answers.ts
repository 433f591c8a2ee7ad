import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Issue 12 #12: card answers that failed verification, counted per challenge so that junk
  // posted with a challenge id from a QR code is limited (and never changes the registration).
  await db.schema.alterTable('handoff_challenge').addColumn('failed_answers', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('handoff_challenge').dropColumn('failed_answers').execute();
}
