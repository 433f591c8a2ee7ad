import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Issue 12 #9: an institution works (link, staff sign-in) only while activated. Every existing
  // institution was in use before this column, so it counts as activated when it was created.
  await db.schema.alterTable('institution').addColumn('activated_at', 'text').execute();
  await db
    .updateTable('institution')
    .set((eb) => ({ activated_at: eb.ref('created_at') }))
    .execute();

  // One-time activation codes an operator issues from the command line for a 医療機関コード,
  // delivered out of band as proof that the registering caller is that clinic. Only a hash is kept.
  await db.schema
    .createTable('institution_activation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_code', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    // The institution the code created; null while unused.
    .addColumn('institution_id', 'text')
    // A newer code for the same 医療機関コード replaces an unused older one.
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('institution_activation_code').on('institution_activation').column('institution_code').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('institution_activation').execute();
  await db.schema.alterTable('institution').dropColumn('activated_at').execute();
}
