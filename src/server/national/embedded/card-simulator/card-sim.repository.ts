import type { DbOrTx } from '../../../db/database.ts';

export interface SimCardState {
  failedPinAttempts: number;
  locked: boolean;
}

/** A card without a row has never seen a wrong PIN. */
const FRESH: SimCardState = { failedPinAttempts: 0, locked: false };

export async function getCardState(db: DbOrTx, cardId: string): Promise<SimCardState> {
  const row = await db
    .selectFrom('sim_card_state')
    .select(['failed_pin_attempts', 'locked'])
    .where('card_id', '=', cardId)
    .executeTakeFirst();
  return row ? { failedPinAttempts: Number(row.failed_pin_attempts), locked: Number(row.locked) === 1 } : FRESH;
}

export async function listCardStates(db: DbOrTx): Promise<Map<string, SimCardState>> {
  const rows = await db.selectFrom('sim_card_state').select(['card_id', 'failed_pin_attempts', 'locked']).execute();
  return new Map(
    rows.map((row) => [row.card_id, { failedPinAttempts: Number(row.failed_pin_attempts), locked: Number(row.locked) === 1 }]),
  );
}

/**
 * Counts a wrong PIN and locks at `lockAt`, in one statement so two concurrent wrong PINs both count.
 */
export async function recordWrongPin(db: DbOrTx, cardId: string, lockAt: number, now: string): Promise<SimCardState> {
  const row = await db
    .insertInto('sim_card_state')
    .values({ card_id: cardId, failed_pin_attempts: 1, locked: lockAt <= 1 ? 1 : 0, updated_at: now })
    .onConflict((oc) =>
      oc.column('card_id').doUpdateSet((eb) => ({
        failed_pin_attempts: eb('sim_card_state.failed_pin_attempts', '+', 1),
        locked: eb
          .case()
          .when(eb('sim_card_state.failed_pin_attempts', '+', 1), '>=', lockAt)
          .then(1)
          .else(eb.ref('sim_card_state.locked'))
          .end(),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .returning(['failed_pin_attempts', 'locked'])
    .executeTakeFirstOrThrow();
  return { failedPinAttempts: Number(row.failed_pin_attempts), locked: Number(row.locked) === 1 };
}

/**
 * A correct PIN resets the counter — unless the card locked meanwhile. Returns false when it is locked.
 */
export async function clearWrongPins(db: DbOrTx, cardId: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('sim_card_state')
    .set({ failed_pin_attempts: 0, updated_at: now })
    .where('card_id', '=', cardId)
    .where('locked', '=', 0)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return true;
  return !(await getCardState(db, cardId)).locked;
}

/** The municipal office's unlock (F7): forget the counter and the lock. Returns how many cards changed. */
export async function deleteCardStates(db: DbOrTx, cardId: string | 'all'): Promise<number> {
  let query = db.deleteFrom('sim_card_state');
  if (cardId !== 'all') query = query.where('card_id', '=', cardId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
