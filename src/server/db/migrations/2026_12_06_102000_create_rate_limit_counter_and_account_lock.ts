import type { Kysely } from 'kysely';

/**
 * Issue 12 #1/#2: brute-force limits shared by every server process. Rate-limit counters live in
 * the database (one row per rule and key, the key a SHA-256 so no address or login id is kept),
 * and an account locks itself after repeated second-factor failures.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limit_counter')
    .addColumn('key', 'text', (c) => c.primaryKey())
    // ISO-8601 instants (fixed width, so text order is time order, in both dialects).
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limit_counter_expires_at').on('rate_limit_counter').column('expires_at').execute();

  // Second-factor failures since the last success; at 5 and beyond, each one locks the account.
  await db.schema.alterTable('staff_account').addColumn('failed_factor_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('staff_account').addColumn('locked_until', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('staff_account').dropColumn('locked_until').execute();
  await db.schema.alterTable('staff_account').dropColumn('failed_factor_count').execute();
  await db.schema.dropTable('rate_limit_counter').execute();
}
