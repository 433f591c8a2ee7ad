import { Hono } from 'hono';
import { GUIDE_RECORD_MESSAGES, guideRecordSchema, type GuideRecord, type GuideRecordListResponse } from '../../domain/fallback/guide-record.ts';
import { assertDeviceAllowed, recordDeviceUse } from '../device/device.service.ts';
import { senderTrust } from '../device/device-trust.service.ts';
import { staffContext } from '../declaration/staff-context.ts';
import { deviceId } from '../device/device-id.ts';
import { institutionByToken } from '../institution/institution-link.ts';
import type { AppEnv } from '../http/app-env.ts';
import { ValidationError, validationErrorFrom } from '../http/errors.ts';
import { currentStaff, requirePermission } from '../staff/session.ts';
import { readIntake } from '../declaration/sealed-intake.ts';
import { GuideRecordConflictError } from './guide-record-errors.ts';
import { guideRecordList, purgeExpiredGuideRecords, receiveGuideRecord } from './guide-record.service.ts';

const KNOWN_MESSAGES = new Set<string>(Object.values(GUIDE_RECORD_MESSAGES));

/** Field messages are the schema's fixed sentences (none repeats the input); others get the generic rule text. */
function parseRecord(body: unknown): GuideRecord {
  const parsed = guideRecordSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const generic = validationErrorFrom(parsed.error).fields ?? {};
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    // The outcome's inner paths are one thing to the device: the record of the guide.
    const field = issue.path.length > 0 ? String(issue.path[0]) : '(body)';
    if (fields[field]) continue;
    fields[field] = KNOWN_MESSAGES.has(issue.message) ? issue.message : (generic[issue.path.join('.') || '(body)'] ?? 'This value is not valid.');
  }
  throw new ValidationError(fields);
}

/**
 * `POST /api/public/guide-records`: the outbox's send of a guide outcome without a form.
 * 201 with the receipt the first time, 200 with the same receipt for a resend, 409 for a clash.
 * The institution is the one of the link token, as for declarations.
 */
export const guideRecordPublicRoutes = new Hono<AppEnv>().post('/', async (c) => {
  // issue 12 #7: it may name the patient (kana, note), so the outbox seals it like a declaration.
  const intake = await readIntake(c, 'guideRecord', institutionByToken);
  const record = parseRecord(intake.body);
  const device = deviceId(c);
  const institution = intake.institution ?? (await institutionByToken(c, record.linkToken));
  // Issue 12 #15: a signature must verify and its key must not be revoked, as for declarations.
  await senderTrust(c, institution.id);
  // P4: a revoked device's outbox is refused, as for declarations.
  await assertDeviceAllowed(c.var.db, institution.id, device);
  const staff = await currentStaff(c);
  const result = await c.var.db.transaction().execute(async (trx) => {
    const received = await receiveGuideRecord(trx, record, {
      institution,
      deviceId: device,
      staffId: staff && staff.institutionId === institution.id ? staff.id : null,
      now: c.var.now(),
    });
    if (received.kind !== 'conflict') await recordDeviceUse(c, trx, institution.id, device, 'seen');
    return received;
  });
  if (result.kind === 'conflict') throw new GuideRecordConflictError();
  return c.json(result.receipt, result.kind === 'created' ? 201 : 200);
});

/** `GET /api/staff/guide-records`: the read-only list beside the declaration inbox. */
export const guideRecordStaffRoutes = new Hono<AppEnv>().use('*', requirePermission('declaration.manage')).get('/', async (c) => {
  // D5: nothing past its retention is listed, timer or not.
  await purgeExpiredGuideRecords(c.var.db, c.var.now());
  const ctx = staffContext(c);
  const body: GuideRecordListResponse = await c.var.db.transaction().execute((trx) => guideRecordList(trx, ctx));
  return c.json(body);
});
