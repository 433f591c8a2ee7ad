import { Hono, type Context } from 'hono';
import { z } from '../../domain/shared/zod.ts';
import { handoffResponseSchema } from '../../domain/registration/handoff-schema.ts';
import type { HandoffAcceptedResponse, InstitutionPublicDto, NewChallengeResponse } from '../../domain/registration/reception-api.ts';
import { cardRequestSchema, registrationRequestSchema } from '../../domain/registration/registration-schema.ts';
import { startCardRequest } from './card-request.service.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { AppEnv } from '../http/app-env.ts';
import { readJson } from '../http/validate.ts';
import { findInstitutionById } from '../institution/institution.repository.ts';
import { LinkInvalidError } from '../institution/institution-errors.ts';
import { institutionByToken } from '../institution/institution-link.ts';
import { deviceId } from '../device/device-id.ts';
import { isUuid } from '../../domain/shared/ids.ts';
import { currentStaff } from '../staff/session.ts';
import { HandoffRejectedError } from '../handoff/handoff-errors.ts';
import type { StartContext } from '../handoff/challenge.service.ts';
import { authorizedRegistration, checkHandoff, recordHandoff, registrationOutcome, renewChallenge, startRegistration } from './registration.service.ts';
import { publicInstitutionDto } from './clinic-link-page.ts';
import { assertDeviceAllowed, recordDeviceUse } from '../device/device.service.ts';
import { senderTrust } from '../device/device-trust.service.ts';

const sameDeviceSchema = z.object({ sameDevice: z.boolean() }).strict();

/** Who starts a card request, from where, and when; a staff member only counts at their own institution. */
async function startContext(c: Context<AppEnv>, linkToken: string): Promise<StartContext> {
  const device = deviceId(c);
  const institution = await institutionByToken(c, linkToken);
  // Issue 12 #15: an enrolled tablet signs; a revoked key starts nothing, whatever its device id.
  await senderTrust(c, institution.id);
  // P4: a device the clinic revoked (a lost tablet) starts nothing more.
  await assertDeviceAllowed(c.var.db, institution.id, device);
  const staff = await currentStaff(c);
  return {
    institution,
    deviceId: device,
    staffId: staff && staff.institutionId === institution.id ? staff.id : null,
    now: c.var.now(),
    cardAppUrl: c.var.national.cardAppUrl,
    publicUrl: c.var.config.publicUrl,
  };
}

function bearer(c: Context<AppEnv>): string | undefined {
  const header = c.req.header('authorization') ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** The patient-facing reception: institution link, registration, and the card app's callback. */

export const receptionRoutes = new Hono<AppEnv>()
  .get('/public/institutions/:token', async (c) => {
    const institution = await institutionByToken(c, c.req.param('token'));
    // P4: the app sends its device id here too, so a revoked tablet is told at once and a
    // device that only opened the link is still listed. Older clients without the header pass.
    const device = c.req.header('x-device-id');
    if (device && isUuid(device)) {
      await assertDeviceAllowed(c.var.db, institution.id, device.toLowerCase());
      await recordDeviceUse(c, c.var.db, institution.id, device.toLowerCase(), 'seen');
    }
    const body: InstitutionPublicDto = await publicInstitutionDto(c, institution, c.req.query('returnUrl'));
    return c.json(body);
  })
  .post('/public/registrations', async (c) => {
    const request = await readJson(c, registrationRequestSchema);
    const ctx = await startContext(c, request.linkToken);
    const body = await c.var.db.transaction().execute(async (trx) => {
      const started = await startRegistration(trx, request, ctx);
      await recordDeviceUse(c, trx, ctx.institution.id, ctx.deviceId, 'registration');
      return started;
    });
    return c.json(body, 201);
  })
  .post('/public/card-requests', async (c) => {
    const request = await readJson(c, cardRequestSchema);
    const ctx = await startContext(c, request.linkToken);
    const body = await c.var.db.transaction().execute(async (trx) => {
      const started = await startCardRequest(trx, request, ctx);
      await recordDeviceUse(c, trx, ctx.institution.id, ctx.deviceId, 'seen');
      return started;
    });
    return c.json(body, 201);
  })
  .get('/public/registrations/:id', async (c) => {
    const now = c.var.now();
    const registration = await authorizedRegistration(c.var.db, c.req.param('id'), bearer(c), now);
    // P4: a revoked tablet no longer shows the eligibility of registrations it started.
    await assertDeviceAllowed(c.var.db, registration.institution_id, registration.device_id);
    const outcome = await registrationOutcome(c.var.db, registration, now);
    if (outcome.eligibility) {
      // X5: showing a person's eligibility record is a view, and views are audited.
      await c.var.db.transaction().execute((trx) =>
        appendAudit(
          trx,
          {
            institutionId: registration.institution_id,
            actorType: registration.staff_id ? 'staff' : 'patient',
            actorId: registration.staff_id,
            action: 'eligibility.viewed',
            personRef: registration.person_ref,
            deviceId: registration.device_id,
            subjectId: registration.consent_id,
            outcome: 'ok',
          },
          now,
        ),
      );
    }
    return c.json(outcome);
  })
  .post('/public/registrations/:id/challenge', async (c) => {
    const { sameDevice } = await readJson(c, sameDeviceSchema);
    const registration = await authorizedRegistration(c.var.db, c.req.param('id'), bearer(c), c.var.now());
    await assertDeviceAllowed(c.var.db, registration.institution_id, registration.device_id);
    const institution = await findInstitutionById(c.var.db, registration.institution_id);
    if (!institution) throw new LinkInvalidError();
    const body: NewChallengeResponse = await c.var.db.transaction().execute((trx) =>
      renewChallenge(trx, registration, {
        now: c.var.now(),
        cardAppUrl: c.var.national.cardAppUrl,
        publicUrl: c.var.config.publicUrl,
        linkToken: institution.link_token,
        sameDevice,
      }),
    );
    return c.json(body, 201);
  })
  .post('/handoff', async (c) => {
    const response = await readJson(c, handoffResponseSchema);
    const now = c.var.now();
    // Verification and the national lookups run before the transaction: no lock waits on another system.
    const checked = await checkHandoff(c.var.db, c.var.national, response, now);
    const result = await c.var.db.transaction().execute((trx) => recordHandoff(trx, checked, now));
    if (!result.ok) throw new HandoffRejectedError(result.rejection);
    const body: HandoffAcceptedResponse = { status: 'completed' };
    return c.json(body);
  });
