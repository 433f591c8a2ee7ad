import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Issue 19 #2: credentials an administrator issues to the clinic's own systems (EHR, receipt
  // computer). Only the SHA-256 of the secret is kept; the secret is shown once at creation.
  // `scopes` is a JSON array of scope names (domain/api-client/api-client-scopes.ts).
  await db.schema
    .createTable('api_client')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('api_client_institution').on('api_client').columns(['institution_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_client').execute();
}
