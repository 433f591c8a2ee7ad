import type { Context } from 'hono';
import { userAgentSummary, type DeviceDto } from '../../domain/institution/institution-api.ts';
import type { DbOrTx } from '../db/database.ts';
import type { AppEnv } from '../http/app-env.ts';
import { findDevice, upsertDeviceSeen } from './device.repository.ts';
import type { InstitutionDeviceRow } from './device.table.ts';
import { DeviceRevokedError } from './device-errors.ts';

/** The list shows devices seen in the last 90 days, and every revoked one. */
export const DEVICE_LIST_DAYS = 90;

/**
 * P4: a device id the clinic revoked gets nothing more from the institution's public endpoints.
 * Advisory only (issue 12 #15): the id lives in site storage, so clearing it makes a new device.
 * Revocation that holds is the enrolled device's (device-trust.service.ts).
 */
export async function assertDeviceAllowed(db: DbOrTx, institutionId: string, deviceId: string): Promise<void> {
  const device = await findDevice(db, institutionId, deviceId);
  if (device?.revoked_at) throw new DeviceRevokedError();
}

/**
 * P4: records that the device used the institution link now (`registration` also counts one
 * registration). Called after the action succeeded, with the action's transaction where there
 * is one, so the action and this record commit together (issue 17 #2); `assertDeviceAllowed`
 * runs before it.
 */
export async function recordDeviceUse(
  c: Context<AppEnv>,
  db: DbOrTx,
  institutionId: string,
  deviceId: string,
  kind: 'seen' | 'registration',
): Promise<void> {
  await upsertDeviceSeen(db, {
    institutionId,
    deviceId,
    at: c.var.now().toISOString(),
    userAgent: userAgentSummary(c.req.header('user-agent')),
    registrations: kind === 'registration' ? 1 : 0,
  });
}

export function toDeviceDto(row: InstitutionDeviceRow): DeviceDto {
  return {
    deviceId: row.device_id,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    userAgent: row.user_agent,
    registrations: Number(row.registrations),
    revokedAt: row.revoked_at,
  };
}
