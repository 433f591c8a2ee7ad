import { randomBytes, randomUUID } from 'node:crypto';
import { CHALLENGE_TTL_MS, type HandoffChallenge } from '../../domain/registration/handoff.ts';
import type { StartRegistrationResponse } from '../../domain/registration/reception-api.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { DbOrTx } from '../db/database.ts';
import type { InstitutionRow } from '../institution/institution.table.ts';
import type { CardRequestPurpose } from '../registration/registration.table.ts';
import { insertChallenge } from './challenge.repository.ts';

/**
 * The challenges a card request hands to the card app (R6): issued here for every kind of card
 * request (registration, query, update, revoke-all), answered at POST /api/handoff.
 */

/** Who starts a card request, from where, and when (built by the reception routes). */
export interface StartContext {
  institution: InstitutionRow;
  deviceId: string;
  staffId: string | null;
  now: Date;
  cardAppUrl: string;
  publicUrl: string;
}

/** Builds the link that opens the card app for a challenge (same-device) or goes into the QR code. */
export function cardAppLink(options: {
  cardAppUrl: string;
  publicUrl: string;
  challenge: HandoffChallenge;
  /** Same-device only: where the card app sends the patient back afterwards. */
  returnTo: string | null;
}): string {
  const url = new URL(options.cardAppUrl);
  url.searchParams.set('challenge', options.challenge.challengeId);
  url.searchParams.set('nonce', options.challenge.nonce);
  url.searchParams.set('callback', `${options.publicUrl}/api/handoff`);
  if (options.returnTo) url.searchParams.set('return', options.returnTo);
  return url.toString();
}

/** A fresh challenge for a card request, stored unused. */
export async function newChallenge(trx: DbOrTx, registrationId: string, now: Date): Promise<HandoffChallenge> {
  const challenge: HandoffChallenge = {
    challengeId: randomUUID(),
    nonce: randomBytes(32).toString('base64url'),
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
  };
  await insertChallenge(trx, {
    id: challenge.challengeId,
    registration_id: registrationId,
    nonce: challenge.nonce,
    created_at: now.toISOString(),
    expires_at: challenge.expiresAt,
    used_at: null,
  });
  return challenge;
}

/** The first challenge of a card request, its audit event and the link to the card app. */
export async function issueFirstChallenge(
  trx: DbOrTx,
  request: { id: string; accessToken: string; institution: InstitutionRow; sameDevice: boolean; purpose: CardRequestPurpose; detail?: string },
  ctx: StartContext,
): Promise<StartRegistrationResponse> {
  const challenge = await newChallenge(trx, request.id, ctx.now);
  await appendAudit(
    trx,
    {
      institutionId: request.institution.id,
      actorType: ctx.staffId ? 'staff' : 'patient',
      actorId: ctx.staffId,
      action: request.purpose === 'register' ? 'registration.started' : `cardRequest.${request.purpose}.started`,
      deviceId: ctx.deviceId,
      subjectId: request.id,
      outcome: 'ok',
      detail: request.detail ?? request.purpose,
    },
    ctx.now,
  );
  return {
    registrationId: request.id,
    accessToken: request.accessToken,
    challenge,
    cardAppUrl: cardAppLink({
      cardAppUrl: ctx.cardAppUrl,
      publicUrl: ctx.publicUrl,
      challenge,
      returnTo: request.sameDevice ? `${ctx.publicUrl}/i/${request.institution.link_token}` : null,
    }),
  };
}
