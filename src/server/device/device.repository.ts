import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { InstitutionDeviceRow } from './device.table.ts';

export async function findDevice(db: DbOrTx, institutionId: string, deviceId: string): Promise<InstitutionDeviceRow | undefined> {
  return db
    .selectFrom('institution_device')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
}

/** Inserts the device on first use, otherwise moves its last-seen time and adds to its count. */
export async function upsertDeviceSeen(
  db: DbOrTx,
  row: { institutionId: string; deviceId: string; at: string; userAgent: string; registrations: number },
): Promise<void> {
  await db
    .insertInto('institution_device')
    .values({
      institution_id: row.institutionId,
      device_id: row.deviceId,
      first_seen_at: row.at,
      last_seen_at: row.at,
      user_agent: row.userAgent,
      registrations: row.registrations,
      revoked_at: null,
      revoked_by: null,
    })
    .onConflict((oc) =>
      oc.columns(['institution_id', 'device_id']).doUpdateSet({
        last_seen_at: row.at,
        user_agent: row.userAgent,
        registrations: sql<number>`institution_device.registrations + ${row.registrations}`,
      }),
    )
    .execute();
}

export async function listDevices(db: DbOrTx, institutionId: string, seenSince: string): Promise<InstitutionDeviceRow[]> {
  return db
    .selectFrom('institution_device')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where((eb) => eb.or([eb('last_seen_at', '>=', seenSince), eb('revoked_at', 'is not', null)]))
    .orderBy('last_seen_at', 'desc')
    .limit(200)
    .execute();
}

export async function markDeviceRevoked(db: DbOrTx, institutionId: string, deviceId: string, at: string, staffId: string): Promise<number> {
  const result = await db
    .updateTable('institution_device')
    .set({ revoked_at: at, revoked_by: staffId })
    .where('institution_id', '=', institutionId)
    .where('device_id', '=', deviceId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
