import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Issue 12 #15: one-time codes staff create to enrol a clinic tablet. Only the SHA-256 of the
  // code is kept; it works once (used_at) and until expires_at.
  await db.schema
    .createTable('device_enrolment_code')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('used_by_key', 'text')
    .execute();
  // A device enrolled with a code: the public half of its non-extractable key pair (JWK). The
  // key id is the server's random id; revoking refuses every signature of that key.
  await db.schema
    .createTable('enrolled_device')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('public_key_jwk', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('enrolled_at', 'text', (c) => c.notNull())
    .addColumn('enrolled_by', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .execute();
  await db.schema.createIndex('enrolled_device_institution').on('enrolled_device').columns(['institution_id', 'enrolled_at']).execute();
  // Replay protection: each (key, nonce) is accepted once while its timestamp is fresh; older
  // rows are swept as new ones arrive.
  await db.schema
    .createTable('device_request_nonce')
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_request_nonce_pk', ['key_id', 'nonce'])
    .execute();
  await db.schema.createIndex('device_request_nonce_seen').on('device_request_nonce').column('seen_at').execute();
  // The enrolled device that signed a declaration; null: sent by a device the clinic does not know.
  await db.schema.alterTable('declaration').addColumn('sender_key_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('declaration').dropColumn('sender_key_id').execute();
  await db.schema.dropTable('device_request_nonce').execute();
  await db.schema.dropTable('enrolled_device').execute();
  await db.schema.dropTable('device_enrolment_code').execute();
}
