import type { Kysely } from 'kysely';

// State of the embedded card-app simulator's demo cards: like a real IC card, the PIN retry
// counter lives with the card, not in the reception's tables.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sim_card_state')
    .addColumn('card_id', 'text', (c) => c.primaryKey())
    .addColumn('failed_pin_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sim_card_state').execute();
}
