import { Hono, type Context } from 'hono';
import {
  AUDIT_EXPORT_LIMIT,
  AUDIT_PAGE_SIZE,
  auditCsv,
  checkAuditQuery,
  type AuditEventDto,
  type AuditEventsResponse,
  type AuditStaffResponse,
  type AuditVerifyResponse,
  auditVerifyRequestSchema,
} from '../../domain/staff/audit-api.ts';
import { staffAuditor } from '../consent/staff-action.ts';
import type { AppEnv } from '../http/app-env.ts';
import { ValidationError } from '../http/errors.ts';
import { requirePermission } from '../staff/session.ts';
import { readJson } from '../http/validate.ts';
import { auditEventDto, findAuditEvents, staffOfInstitution, type AuditQuery } from './audit-viewer.repository.ts';
import { verifyAuditSegment } from './audit.service.ts';

function queryOf(c: Context<AppEnv>, limit: number): AuditQuery {
  const checked = checkAuditQuery(c.req.query());
  if (!checked.ok) throw new ValidationError(checked.fields);
  return { institutionId: c.var.staff.institutionId, filter: checked.filter, range: checked.range, before: checked.before, limit };
}

/** X5, P5: the audit viewer, admin only (`audit.view`); always limited to the admin's institution. */
export const auditRoutes = new Hono<AppEnv>()
  .use('*', requirePermission('audit.view'))
  .get('/events', async (c) => {
    const q = queryOf(c, AUDIT_PAGE_SIZE + 1);
    const rows = await findAuditEvents(c.var.db, q);
    const page = rows.slice(0, AUDIT_PAGE_SIZE).map(auditEventDto);
    const last = page.at(-1);
    const body: AuditEventsResponse = { events: page, next: rows.length > AUDIT_PAGE_SIZE && last ? { at: last.at, seq: last.seq } : null };
    return c.json(body);
  })
  .get('/events.csv', async (c) => {
    const first = queryOf(c, 5000);
    const events: AuditEventDto[] = [];
    let before = first.before;
    let truncated = false;
    for (;;) {
      const rows = await findAuditEvents(c.var.db, { ...first, before, limit: Math.min(5000, AUDIT_EXPORT_LIMIT + 1 - events.length) });
      events.push(...rows.map(auditEventDto));
      if (events.length > AUDIT_EXPORT_LIMIT) {
        events.length = AUDIT_EXPORT_LIMIT;
        truncated = true;
        break;
      }
      if (rows.length === 0 || rows.length < 5000) break;
      const last = events.at(-1)!;
      before = { at: last.at, seq: last.seq };
    }
    // Who exported the trail is itself part of the trail; the filter is not (it may name a person).
    await c.var.db.transaction().execute((trx) =>
      staffAuditor(c)(trx, { action: 'audit.exported', personRef: first.filter.personRef ?? null, outcome: 'ok', detail: String(events.length) }, c.var.now()),
    );
    return c.body(auditCsv(events), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="audit.csv"',
      'x-export-truncated': truncated ? '1' : '0',
    });
  })
  .get('/staff', async (c) => {
    const rows = await staffOfInstitution(c.var.db, c.var.staff.institutionId);
    const body: AuditStaffResponse = { staff: rows.map((r) => ({ id: r.id, loginId: r.login_id, displayName: r.display_name })) };
    return c.json(body);
  })
  .post('/verify', async (c) => {
    // No body starts from the beginning (a plain POST, as before parts existed).
    const { fromSeq } = c.req.header('content-type') === undefined ? {} : await readJson(c, auditVerifyRequestSchema);
    const result: AuditVerifyResponse = await verifyAuditSegment(c.var.db, fromSeq ?? 1, c.var.config.auditVerifyPartEvents);
    // The check is audited once, when it has reached the end or found a break.
    if (!result.ok || result.nextSeq === null) {
      await c.var.db.transaction().execute((trx) =>
        staffAuditor(c)(trx, { action: 'audit.verified', outcome: result.ok ? 'ok' : 'broken', detail: result.ok ? null : String(result.brokenAtSeq) }, c.var.now()),
      );
    }
    return c.json(result);
  });
