import type { Kysely } from 'kysely';

// Second factors (TOTP, passkeys, recovery codes), disabled accounts, and the session stage
// that keeps a password-only session away from everything but the second-factor routes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('staff_account').addColumn('totp_secret', 'text').execute();
  // The last accepted TOTP step: a code for it or an earlier step is refused (replay).
  await db.schema.alterTable('staff_account').addColumn('totp_last_step', 'integer').execute();
  await db.schema.alterTable('staff_account').addColumn('disabled_at', 'text').execute();

  // 'second_factor' after a correct password only; 'full' after the second factor.
  await db.schema.alterTable('staff_session').addColumn('stage', 'text', (c) => c.notNull().defaultTo('full')).execute();
  // A WebAuthn challenge or a TOTP secret being enrolled, bound to this session until used.
  await db.schema.alterTable('staff_session').addColumn('challenge', 'text').execute();
  await db.schema.alterTable('staff_session').addColumn('pending_totp_secret', 'text').execute();

  await db.schema
    .createTable('staff_passkey')
    .addColumn('credential_id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff_account.id').onDelete('cascade'))
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'integer', (c) => c.notNull())
    .addColumn('transports', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('staff_passkey_staff_id').on('staff_passkey').column('staff_id').execute();

  await db.schema
    .createTable('staff_recovery_code')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff_account.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('staff_recovery_code_staff_id').on('staff_recovery_code').column('staff_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('staff_recovery_code').execute();
  await db.schema.dropTable('staff_passkey').execute();
  await db.schema.alterTable('staff_session').dropColumn('pending_totp_secret').execute();
  await db.schema.alterTable('staff_session').dropColumn('challenge').execute();
  await db.schema.alterTable('staff_session').dropColumn('stage').execute();
  await db.schema.alterTable('staff_account').dropColumn('disabled_at').execute();
  await db.schema.alterTable('staff_account').dropColumn('totp_last_step').execute();
  await db.schema.alterTable('staff_account').dropColumn('totp_secret').execute();
}
