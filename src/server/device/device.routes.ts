import { Hono, type Context } from 'hono';
import { isUuid } from '../../domain/shared/ids.ts';
import type { DbOrTx } from '../db/database.ts';
import { deviceEnrolmentRequestSchema, type EnrolledDeviceDto } from '../../domain/staff/device-signature.ts';
import type { DeviceListResponse } from '../../domain/institution/institution-api.ts';
import { staffAuditor, staffDevice } from '../consent/staff-action.ts';
import { institutionByToken } from '../institution/institution-link.ts';
import type { AppEnv } from '../http/app-env.ts';
import { readJson } from '../http/validate.ts';
import { findInstitutionById } from '../institution/institution.repository.ts';
import { currentStaff, requirePermission } from '../staff/session.ts';
import { findDevice, findEnrolledDevice, listDevices, listEnrolledDevices, markDeviceRestored, markDeviceRevoked, markEnrolledDeviceRevoked } from './device.repository.ts';
import { createEnrolmentCode, enrolDevice, toEnrolledDeviceDto } from './device-trust.service.ts';
import { DEVICE_LIST_DAYS, toDeviceDto } from './device.service.ts';
import { DeviceNotFoundError } from './device-errors.ts';


/**
 * P4 (mounted at /api/staff/devices): the devices that used this institution's link; revoke a lost
 * one. Issue 12 #15: enrolment codes for the clinic's own tablets, and revoking an enrolled one.
 * Revoking a browser's random id (`/:deviceId/revoke`) is advisory: clearing site storage makes a
 * new id. Only an enrolled device's revocation cannot be dodged.
 * Issue 12 #13: a revoked browser device can be allowed again (`/:deviceId/restore`), so what its
 * outbox held back as "needs attention" is sent. An enrolled device's revocation stays final: a
 * lost tablet that turns up is enrolled again with a new code, so a key that was out of the
 * clinic's hands is never trusted again.
 */
export const deviceRoutes = new Hono<AppEnv>()
  .get('/', requirePermission('device.manage'), async (c) => {
    const since = new Date(c.var.now().getTime() - DEVICE_LIST_DAYS * 24 * 60 * 60 * 1000).toISOString();
    const rows = await listDevices(c.var.db, c.var.staff.institutionId, since);
    const enrolled = await listEnrolledDevices(c.var.db, c.var.staff.institutionId);
    const body: DeviceListResponse = { devices: rows.map(toDeviceDto), enrolled: enrolled.map(toEnrolledDeviceDto) };
    return c.json(body);
  })
  .post('/enrolment-codes', requirePermission('device.manage'), async (c) => {
    const staff = c.var.staff;
    const institution = await findInstitutionById(c.var.db, staff.institutionId);
    if (!institution) throw new DeviceNotFoundError();
    const audit = staffAuditor(c);
    const now = c.var.now();
    const body = await c.var.db.transaction().execute((trx) =>
      createEnrolmentCode(trx, { institution, staffId: staff.id, now, publicUrl: c.var.config.publicUrl }, audit),
    );
    return c.json(body, 201);
  })
  .post('/enrolled/:keyId/revoke', requirePermission('device.manage'), async (c) => {
    const keyId = c.req.param('keyId').toLowerCase();
    const staff = c.var.staff;
    const audit = staffAuditor(c);
    const now = c.var.now();
    const row = await c.var.db.transaction().execute(async (trx) => {
      const existing = await findEnrolledDevice(trx, keyId);
      // Another institution's device is not found, exactly like an unknown one.
      if (existing?.institution_id !== staff.institutionId) throw new DeviceNotFoundError();
      if ((await markEnrolledDeviceRevoked(trx, staff.institutionId, keyId, now.toISOString(), staff.id)) > 0) {
        await audit(trx, { action: 'device.enrolled_revoked', subjectId: keyId, outcome: 'ok' }, now);
      }
      return (await findEnrolledDevice(trx, keyId))!;
    });
    const device: EnrolledDeviceDto = toEnrolledDeviceDto(row);
    return c.json({ device });
  })
  // Revoking twice is harmless (the first revocation's time and author stay); allowing a device
  // that is not revoked changes nothing. Only a real change is audited.
  .post('/:deviceId/revoke', requirePermission('device.manage'), (c) =>
    changeDevice(c, 'device.revoked', (trx, institutionId, id, now, staffId) => markDeviceRevoked(trx, institutionId, id, now, staffId)),
  )
  .post('/:deviceId/restore', requirePermission('device.manage'), (c) =>
    changeDevice(c, 'device.restored', (trx, institutionId, id) => markDeviceRestored(trx, institutionId, id)),
  );

/** Revokes or restores a browser device id of the staff member's institution, in one transaction. */
async function changeDevice(
  c: Context<AppEnv>,
  action: 'device.revoked' | 'device.restored',
  mark: (trx: DbOrTx, institutionId: string, id: string, now: string, staffId: string) => Promise<number>,
) {
  const deviceId = c.req.param('deviceId') ?? '';
  if (!isUuid(deviceId)) throw new DeviceNotFoundError();
  const id = deviceId.toLowerCase();
  const staff = c.var.staff;
  const audit = staffAuditor(c);
  const now = c.var.now();
  const row = await c.var.db.transaction().execute(async (trx) => {
    // Another institution's device is not found, exactly like an unknown one.
    if (!(await findDevice(trx, staff.institutionId, id))) throw new DeviceNotFoundError();
    if ((await mark(trx, staff.institutionId, id, now.toISOString(), staff.id)) > 0) {
      await audit(trx, { action, subjectId: id, outcome: 'ok' }, now);
    }
    return (await findDevice(trx, staff.institutionId, id))!;
  });
  return c.json({ device: toDeviceDto(row) });
}

/**
 * `POST /api/public/device-enrolments`: a tablet registers the public half of its new key pair
 * with a one-time code of the link's institution (issue 12 #15). 201 with the key id.
 */
export const deviceEnrolmentRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const request = await readJson(c, deviceEnrolmentRequestSchema);
  const institution = await institutionByToken(c, request.linkToken);
  const staff = await currentStaff(c);
  const now = c.var.now();
  const body = await c.var.db.transaction().execute((trx) =>
    enrolDevice(trx, request, {
      institution,
      now,
      deviceId: staffDevice(c),
      staffId: staff && staff.institutionId === institution.id ? staff.id : null,
    }),
  );
  return c.json(body, 201);
});
