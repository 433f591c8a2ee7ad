import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Issue 12 #10: the idle lock lives in the server session. Set when the console locks itself
  // (or is told to); a session is also locked after 5 minutes without a request of its user.
  await db.schema.alterTable('staff_session').addColumn('locked_at', 'text').execute();
  // Wrong passwords at the lock screen; a few of them end the session (a found tablet is no oracle).
  await db.schema.alterTable('staff_session').addColumn('unlock_failures', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('staff_session').dropColumn('unlock_failures').execute();
  await db.schema.alterTable('staff_session').dropColumn('locked_at').execute();
}
