import type { Kysely } from 'kysely';

// Portable types only (text, integer): the same migration runs on SQLite and PostgreSQL.
// Instants are ISO-8601 UTC strings, which sort correctly as text on both.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('institution')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('link_token', 'text', (c) => c.notNull().unique())
    .addColumn('link_issued_at', 'text', (c) => c.notNull())
    .addColumn('uses_clinical_info', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('uses_electronic_prescription', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('shows_prescription_form', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('staff_account')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('login_id', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('staff_session')
    // The cookie holds a random token; only its SHA-256 is stored, so a copy of the database
    // cannot be used to take over a session.
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff_account.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_session_staff_id').on('staff_session').column('staff_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('staff_session').execute();
  await db.schema.dropTable('staff_account').execute();
  await db.schema.dropTable('institution').execute();
}
