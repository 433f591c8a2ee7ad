import { sql, type Insertable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type {
  DeviceEnrolmentCodeRow,
  DeviceEnrolmentCodeTable,
  EnrolledDeviceRow,
  EnrolledDeviceTable,
  InstitutionDeviceRow,
} from './device.table.ts';

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

/** Issue 12 #13: the clinic allows a revoked browser device again; 0 when it was not revoked. */
export async function markDeviceRestored(db: DbOrTx, institutionId: string, deviceId: string): Promise<number> {
  const result = await db
    .updateTable('institution_device')
    .set({ revoked_at: null, revoked_by: null })
    .where('institution_id', '=', institutionId)
    .where('device_id', '=', deviceId)
    .where('revoked_at', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ---------------------------------------------------------------------------------------------
// Enrolled devices (issue 12 #15).

export async function insertEnrolmentCode(db: DbOrTx, row: Insertable<DeviceEnrolmentCodeTable>): Promise<void> {
  await db.insertInto('device_enrolment_code').values(row).execute();
}

/**
 * Uses the code once: marks it used only while it is this institution's, unused and unexpired.
 * The guarded UPDATE is the lock, so of two simultaneous uses exactly one gets the row.
 */
export async function consumeEnrolmentCode(
  db: DbOrTx,
  institutionId: string,
  codeHash: string,
  now: string,
  keyId: string,
): Promise<DeviceEnrolmentCodeRow | undefined> {
  const result = await db
    .updateTable('device_enrolment_code')
    .set({ used_at: now, used_by_key: keyId })
    .where('institution_id', '=', institutionId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return undefined;
  return db.selectFrom('device_enrolment_code').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

/** Codes that can no longer be used are of no interest to anyone; keeps the table small. */
export async function deleteStaleEnrolmentCodes(db: DbOrTx, before: string): Promise<void> {
  await db.deleteFrom('device_enrolment_code').where('expires_at', '<', before).execute();
}

export async function insertEnrolledDevice(db: DbOrTx, row: Insertable<EnrolledDeviceTable>): Promise<void> {
  await db.insertInto('enrolled_device').values(row).execute();
}

export async function findEnrolledDevice(db: DbOrTx, keyId: string): Promise<EnrolledDeviceRow | undefined> {
  return db.selectFrom('enrolled_device').selectAll().where('key_id', '=', keyId).executeTakeFirst();
}

/** The enrolled device of this key at the institution of this link, if any (the rate limit's question). */
export async function findEnrolledDeviceByLink(db: DbOrTx, keyId: string, linkToken: string): Promise<EnrolledDeviceRow | undefined> {
  return db
    .selectFrom('enrolled_device')
    .innerJoin('institution', 'institution.id', 'enrolled_device.institution_id')
    .selectAll('enrolled_device')
    .where('enrolled_device.key_id', '=', keyId)
    .where('institution.link_token', '=', linkToken)
    .executeTakeFirst();
}

export async function listEnrolledDevices(db: DbOrTx, institutionId: string): Promise<EnrolledDeviceRow[]> {
  return db
    .selectFrom('enrolled_device')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .orderBy('enrolled_at', 'desc')
    .limit(200)
    .execute();
}

export async function markEnrolledDeviceRevoked(db: DbOrTx, institutionId: string, keyId: string, at: string, staffId: string): Promise<number> {
  const result = await db
    .updateTable('enrolled_device')
    .set({ revoked_at: at, revoked_by: staffId })
    .where('institution_id', '=', institutionId)
    .where('key_id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function touchEnrolledDevice(db: DbOrTx, keyId: string, at: string): Promise<void> {
  await db.updateTable('enrolled_device').set({ last_seen_at: at }).where('key_id', '=', keyId).execute();
}

/** Records a nonce; false when this key already used it (a replay). ON CONFLICT keeps racing copies to one. */
export async function insertNonceOnce(db: DbOrTx, row: { keyId: string; nonce: string; seenAt: string }): Promise<boolean> {
  const result = await db
    .insertInto('device_request_nonce')
    .values({ key_id: row.keyId, nonce: row.nonce, seen_at: row.seenAt })
    .onConflict((oc) => oc.columns(['key_id', 'nonce']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function deleteNoncesBefore(db: DbOrTx, before: string): Promise<void> {
  await db.deleteFrom('device_request_nonce').where('seen_at', '<', before).execute();
}
