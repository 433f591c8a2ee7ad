import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // P4: each device (the app's random id) that used an institution's link, so staff can see
  // recent ones and revoke a lost tablet. Kept per institution: the same id at two clinics is two rows.
  await db.schema
    .createTable('institution_device')
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    // A browser / system summary such as "Chrome / Android", never the full user-agent string.
    .addColumn('user_agent', 'text', (c) => c.notNull())
    .addColumn('registrations', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .addPrimaryKeyConstraint('institution_device_pk', ['institution_id', 'device_id'])
    .execute();
  await db.schema.createIndex('institution_device_recent').on('institution_device').columns(['institution_id', 'last_seen_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('institution_device').execute();
}
