import { Hono } from 'hono';
import { z } from '../../domain/shared/zod.ts';
import {
  institutionSettingsSchema,
  registerInstitutionSchema,
  type InstitutionLinkResponse,
  type InstitutionSettingsResponse,
} from '../../domain/institution/institution-api.ts';
import { staffAuditor } from '../consent/staff-action.ts';
import type { AppEnv } from '../http/app-env.ts';
import { AppError, NotFoundError, ValidationError, validationErrorFrom } from '../http/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { readJson } from '../http/validate.ts';
import { hashPassword } from '../staff/password.ts';
import { requirePermission, startSession } from '../staff/session.ts';
import { changedSettings, registerInstitution, reissueLink, saveSettings, settingsOf } from './institution-admin.service.ts';
import { findInstitutionById } from './institution.repository.ts';
import { institutionLink } from './institution.service.ts';
import type { InstitutionRow } from './institution.table.ts';
import type { Db, DbOrTx } from '../db/database.ts';

async function ownInstitution(db: DbOrTx, id: string): Promise<InstitutionRow> {
  const row = await findInstitutionById(db, id);
  if (!row) throw new NotFoundError();
  return row;
}

async function auditRefusedRegistration(db: Db, institutionCode: string, reason: string, now: Date): Promise<void> {
  await db.transaction().execute((trx) =>
    appendAudit(trx, { institutionId: null, actorType: 'staff', action: 'institution.registration_refused', subjectId: institutionCode, outcome: 'refused', detail: reason }, now),
  );
}

/**
 * The clinic's own set-up (mounted at /api/staff/institution): registration of a new clinic
 * with its first administrator (no session yet; it needs the operator's one-time activation code,
 * and is rate-limited per address in http/rate-limits.ts), the settings (S2, S3, S5, return addresses,
 * D5) and the institution link (M1). Everything else acts on the signed-in staff member's
 * own institution only; there is no institution id in any path.
 */
export const institutionRoutes = new Hono<AppEnv>()
  .post('/register', async (c) => {
    const parsed = registerInstitutionSchema.safeParse(await readJson(c, z.unknown()));
    if (!parsed.success) {
      // The code's own sentences (which rule failed) replace the generic text for that field.
      const fields = validationErrorFrom(parsed.error).fields ?? {};
      for (const issue of parsed.error.issues) if (issue.code === 'custom' && issue.path[0] === 'code') fields.code = issue.message;
      throw new ValidationError(fields);
    }
    const request = parsed.data;
    // Hash outside the transaction: it takes tens of milliseconds and holds no lock.
    const passwordHash = await hashPassword(request.password);
    const now = c.var.now();
    let created: Awaited<ReturnType<typeof registerInstitution>>;
    try {
      created = await c.var.db.transaction().execute((trx) => registerInstitution(trx, request, passwordHash, now));
    } catch (error) {
      // Issue 12 #9: refused attempts are audited too (the 医療機関コード and the reason, no more),
      // after the rollback, so an operator sees codes being tried.
      if (error instanceof AppError) await auditRefusedRegistration(c.var.db, request.code.trim(), error.code, now);
      throw error;
    }
    // Password only: the new administrator must enrol a second factor before anything else (P3).
    await startSession(c, created.staffId, 'second_factor');
    return c.json({ institutionId: created.institutionId }, 201);
  })
  .get('/settings', requirePermission('institution.manage'), async (c) => {
    const row = await ownInstitution(c.var.db, c.var.staff.institutionId);
    const body: InstitutionSettingsResponse = { settings: settingsOf(row) };
    return c.json(body);
  })
  .put('/settings', requirePermission('institution.manage'), async (c) => {
    const parsedSettings = institutionSettingsSchema.safeParse(await readJson(c, z.unknown()));
    if (!parsedSettings.success) {
      const fields = validationErrorFrom(parsedSettings.error).fields ?? {};
      for (const issue of parsedSettings.error.issues) if (issue.code === 'custom' && typeof issue.path[0] === 'string') fields[issue.path[0]] = issue.message;
      throw new ValidationError(fields);
    }
    const settings = parsedSettings.data;
    const institutionId = c.var.staff.institutionId;
    const audit = staffAuditor(c);
    const now = c.var.now();
    const saved = await c.var.db.transaction().execute(async (trx) => {
      const before = settingsOf(await ownInstitution(trx, institutionId));
      await saveSettings(trx, institutionId, settings);
      const after = settingsOf(await ownInstitution(trx, institutionId));
      const changed = changedSettings(before, after);
      if (changed.length > 0) await audit(trx, { action: 'institution.settings_changed', subjectId: institutionId, outcome: 'ok', detail: changed.join(',') }, now);
      return after;
    });
    const body: InstitutionSettingsResponse = { settings: saved };
    return c.json(body);
  })
  .get('/link', requirePermission('link.view'), async (c) => {
    const row = await ownInstitution(c.var.db, c.var.staff.institutionId);
    const body: InstitutionLinkResponse = {
      name: row.name,
      code: row.code,
      link: institutionLink(c.var.config.publicUrl, row.link_token),
      linkIssuedAt: row.link_issued_at,
    };
    return c.json(body);
  })
  .post('/link/reissue', requirePermission('institution.manage'), async (c) => {
    const institutionId = c.var.staff.institutionId;
    const audit = staffAuditor(c);
    const now = c.var.now();
    const row = await c.var.db.transaction().execute(async (trx) => {
      await reissueLink(trx, institutionId, now);
      await audit(trx, { action: 'institution.link_reissued', subjectId: institutionId, outcome: 'ok' }, now);
      return ownInstitution(trx, institutionId);
    });
    const body: InstitutionLinkResponse = {
      name: row.name,
      code: row.code,
      link: institutionLink(c.var.config.publicUrl, row.link_token),
      linkIssuedAt: row.link_issued_at,
    };
    return c.json(body);
  });
