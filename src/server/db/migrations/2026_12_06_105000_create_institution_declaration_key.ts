import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // issue 12 #7: each institution's ECDH P-256 key pair, to which the app seals queued
  // declarations. Made on first need (the private key is sealed with the keyring, which a
  // migration does not have); the public key goes out with the institution's public details.
  await db.schema
    .createTable('institution_declaration_key')
    .addColumn('institution_id', 'text', (c) => c.primaryKey().references('institution.id'))
    .addColumn('key_id', 'text', (c) => c.notNull().unique())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_key_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('institution_declaration_key').execute();
}
