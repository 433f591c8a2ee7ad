import { Hono, type Context } from 'hono';
import type { AuditAction } from '../../domain/staff/audit-events.ts';
import { isUuid } from '../../domain/shared/ids.ts';
import type { DeclarationInboxResponse, DeclarationResponse, DeclarationStateResponse, DeclarationStatus } from '../../domain/declaration/declaration-api.ts';
import {
  claimDeclarationSchema,
  declarationStatusSchema,
  GUIDE_OUTCOME_MESSAGE,
  guideOutcomeSchema,
  verifyDeclarationSchema,
} from '../../domain/declaration/declaration-api-schema.ts';
import { DECLARATION_MESSAGES, declarationSchema } from '../../domain/declaration/declaration-schema.ts';
import type { Declaration } from '../../domain/declaration/declaration.ts';
import { checkGuideOutcome, type GuideOutcome } from '../../domain/fallback/fallback-guide.ts';
import { staffTransaction } from '../consent/staff-action.ts';
import { staffContext } from './staff-context.ts';
import type { DbOrTx } from '../db/database.ts';
import type { AppEnv } from '../http/app-env.ts';
import { ValidationError, validationErrorFrom } from '../http/errors.ts';
import { readJson } from '../http/validate.ts';
import { institutionByToken } from '../institution/institution-link.ts';
import { deviceId } from '../device/device-id.ts';
import { assertDeviceAllowed, recordDeviceUse } from '../device/device.service.ts';
import { senderTrust } from '../device/device-trust.service.ts';
import { currentStaff, requirePermission } from '../staff/session.ts';
import { DeclarationConflictError, DeclarationNotFoundError } from './declaration-errors.ts';
import { readIntake } from './sealed-intake.ts';
import {
  claimDeclaration,
  completeDeclaration,
  declarationInbox,
  purgeExpiredDeclarations,
  receiveDeclaration,
  verifyDeclaration,
  viewDeclaration,
  type StaffContext,
} from './declaration.service.ts';


const KNOWN_MESSAGES = new Set<string>(Object.values(DECLARATION_MESSAGES));

/**
 * The submission: the form (declarationSchema) with the guide's outcome optionally alongside.
 * Field messages are the form's own fixed sentences (the app maps them to its catalogue); any
 * other issue gets the generic rule text. Neither repeats what was sent.
 */
function parseSubmission(body: unknown): { form: Declaration; guideOutcome: GuideOutcome | null } {
  let formInput: unknown = body;
  let guideInput: unknown = null;
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'guideOutcome' in body) {
    const { guideOutcome, ...rest } = body as Record<string, unknown>;
    formInput = rest;
    guideInput = guideOutcome ?? null;
  }
  const fields: Record<string, string> = {};
  const form = declarationSchema.safeParse(formInput);
  if (!form.success) {
    const generic = validationErrorFrom(form.error).fields ?? {};
    for (const issue of form.error.issues) {
      const field = issue.path.length > 0 ? issue.path.join('.') : '(body)';
      if (fields[field]) continue;
      fields[field] = KNOWN_MESSAGES.has(issue.message) ? issue.message : (generic[field] ?? 'This value is not valid.');
    }
  }
  const guide = guideInput === null ? null : guideOutcomeSchema.safeParse(guideInput);
  if (guide && !guide.success) fields.guideOutcome = GUIDE_OUTCOME_MESSAGE;
  if (!form.success || (guide && !guide.success)) throw new ValidationError(fields);

  // Ids compare case-insensitively elsewhere (path params), so store them in one case.
  const declaration: Declaration = { ...form.data, id: form.data.id.toLowerCase() };
  const guideOutcome = guide?.success ? guide.data : null;
  // The outcome must be this form's (F3) and coherent with its guide.
  if (guideOutcome && (guideOutcome.declarationId?.toLowerCase() !== declaration.id || checkGuideOutcome(guideOutcome).length > 0)) {
    throw new ValidationError({ guideOutcome: GUIDE_OUTCOME_MESSAGE });
  }
  return { form: declaration, guideOutcome: guideOutcome && { ...guideOutcome, declarationId: declaration.id } };
}

/**
 * `POST /api/public/declarations` (mounted at /api/public/declarations): the outbox's send (P4).
 * 201 with the receipt the first time, 200 with the same receipt for a resend, 409 for a clash.
 */
export const declarationPublicRoutes = new Hono<AppEnv>().post('/', async (c) => {
  // issue 12 #7: sealed to the institution's key by the app's outbox (a plain body still works).
  const intake = await readIntake(c, 'declaration', institutionByToken);
  const submission = parseSubmission(intake.body);
  const device = deviceId(c);
  // A sealed form keeps the link it was typed on inside; the envelope's (current) link addresses it.
  const institution = intake.institution ?? (await institutionByToken(c, submission.form.linkToken));
  // Issue 12 #15: an enrolled tablet's signature marks the declaration as from a device the
  // clinic trusts; a revoked key is refused here, whatever X-Device-Id it sends.
  const sender = await senderTrust(c, institution.id);
  // P4: a revoked device id's outbox is refused (advisory: a cleared storage has a new id).
  await assertDeviceAllowed(c.var.db, institution.id, device);
  const staff = await currentStaff(c);
  const result = await c.var.db.transaction().execute(async (trx) => {
    const received = await receiveDeclaration(trx, submission, {
      institution,
      deviceId: device,
      senderKeyId: sender.kind === 'enrolled' ? sender.device.key_id : null,
      staffId: staff && staff.institutionId === institution.id ? staff.id : null,
      now: c.var.now(),
    });
    if (received.kind !== 'conflict') await recordDeviceUse(c, trx, institution.id, device, 'seen');
    return received;
  });
  // The refusal is already in the audit trail, committed with nothing else.
  if (result.kind === 'conflict') throw new DeclarationConflictError();
  return c.json(result.receipt, result.kind === 'created' ? 201 : 200);
});

// ---------------------------------------------------------------------------------------------
// The staff inbox.

/** A declaration id from the path; anything else is simply not found (and not audited). */
function declarationIdParam(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!isUuid(id)) throw new DeclarationNotFoundError();
  return id.toLowerCase();
}

/**
 * Runs a transition in one transaction opened here. A refusal rolls it back and is then recorded
 * on its own (X5): who tried what on which declaration, and the refusal code (staffTransaction).
 */
function staffTransition<T>(c: Context<AppEnv>, action: AuditAction, id: string, work: (trx: DbOrTx, ctx: StaffContext) => Promise<T>): Promise<T> {
  const ctx = staffContext(c);
  return staffTransaction(c, { action, subjectId: id }, (trx) => work(trx, ctx));
}

function statusFilter(c: Context<AppEnv>): DeclarationStatus | null {
  const raw = c.req.query('status');
  if (raw === undefined || raw === '') return null;
  const parsed = declarationStatusSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError({ status: 'Choose one of the statuses.' });
  return parsed.data;
}

/**
 * The staff inbox (mounted at /api/staff/declarations): list, open, and the clinic's work —
 * verified, claimed (F6), completed — until the purge (D5). Only the staff member's institution.
 */
export const declarationStaffRoutes = new Hono<AppEnv>()
  .use('*', requirePermission('declaration.manage'))
  .get('/', async (c) => {
    const status = statusFilter(c);
    // D5: a cheap indexed delete, so nothing past its retention is ever listed, timer or not.
    await purgeExpiredDeclarations(c.var.db, c.var.now());
    const ctx = staffContext(c);
    const body: DeclarationInboxResponse = await c.var.db.transaction().execute((trx) => declarationInbox(trx, ctx, status));
    return c.json(body);
  })
  .get('/:id', async (c) => {
    const id = declarationIdParam(c);
    const declaration = await staffTransition(c, 'declaration.viewed', id, (trx, ctx) => viewDeclaration(trx, ctx, id));
    const body: DeclarationResponse = { declaration };
    return c.json(body);
  })
  .post('/:id/verify', async (c) => {
    const id = declarationIdParam(c);
    const request = await readJson(c, verifyDeclarationSchema);
    const declaration = await staffTransition(c, 'declaration.verified', id, (trx, ctx) => verifyDeclaration(trx, ctx, id, request));
    const body: DeclarationStateResponse = { declaration };
    return c.json(body);
  })
  .post('/:id/claim', async (c) => {
    const id = declarationIdParam(c);
    const request = await readJson(c, claimDeclarationSchema);
    const declaration = await staffTransition(c, 'declaration.claimed', id, (trx, ctx) => claimDeclaration(trx, ctx, id, request));
    const body: DeclarationStateResponse = { declaration };
    return c.json(body);
  })
  .post('/:id/complete', async (c) => {
    const id = declarationIdParam(c);
    const declaration = await staffTransition(c, 'declaration.completed', id, (trx, ctx) => completeDeclaration(trx, ctx, id));
    const body: DeclarationStateResponse = { declaration };
    return c.json(body);
  });
