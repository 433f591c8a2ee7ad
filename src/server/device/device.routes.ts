import { Hono } from 'hono';
import type { DeviceListResponse } from '../../domain/institution-api.ts';
import { staffAuditor } from '../consent/staff-action.ts';
import type { AppEnv } from '../http/app-env.ts';
import { requirePermission } from '../staff/session.ts';
import { findDevice, listDevices, markDeviceRevoked } from './device.repository.ts';
import { DEVICE_LIST_DAYS, DeviceNotFoundError, toDeviceDto } from './device.service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** P4 (mounted at /api/staff/devices): the devices that used this institution's link; revoke a lost one. */
export const deviceRoutes = new Hono<AppEnv>()
  .get('/', requirePermission('device.manage'), async (c) => {
    const since = new Date(c.var.now().getTime() - DEVICE_LIST_DAYS * 24 * 60 * 60 * 1000).toISOString();
    const rows = await listDevices(c.var.db, c.var.staff.institutionId, since);
    const body: DeviceListResponse = { devices: rows.map(toDeviceDto) };
    return c.json(body);
  })
  .post('/:deviceId/revoke', requirePermission('device.manage'), async (c) => {
    const deviceId = c.req.param('deviceId');
    if (!UUID.test(deviceId)) throw new DeviceNotFoundError();
    const id = deviceId.toLowerCase();
    const staff = c.var.staff;
    const audit = staffAuditor(c);
    const now = c.var.now();
    const row = await c.var.db.transaction().execute(async (trx) => {
      const existing = await findDevice(trx, staff.institutionId, id);
      if (!existing) throw new DeviceNotFoundError();
      // Revoking twice is harmless: the first revocation's time and author stay.
      if ((await markDeviceRevoked(trx, staff.institutionId, id, now.toISOString(), staff.id)) > 0) {
        await audit(trx, { action: 'device.revoked', subjectId: id, outcome: 'ok' }, now);
      }
      return (await findDevice(trx, staff.institutionId, id))!;
    });
    return c.json({ device: toDeviceDto(row) });
  });
