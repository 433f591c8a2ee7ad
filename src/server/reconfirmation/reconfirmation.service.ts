import { randomUUID } from 'node:crypto';
import { formatScopes, parseScopes } from '../../domain/consent/consent.ts';
import { applyReconfirmation } from '../../domain/consent/reconfirmation.ts';
import type { ReconfirmationResponse } from '../../domain/consent/staff-lifecycle-api.ts';
import type { ReconfirmationRequest } from '../../domain/consent/staff-lifecycle-schema.ts';
import type { RevokeReason } from '../../domain/consent/validity.ts';
import { ConsentNotHomeVisitError, ConsentRevokedError } from '../consent/consent-errors.ts';
import { markConsentConfirmed, markConsentRevoked, setLastConfirmed } from '../consent/consent.repository.ts';
import { consentAt, requireActive, toConsentSummary } from '../consent/consent.service.ts';
import type { StaffAuditor } from '../consent/staff-action.ts';
import type { DbOrTx } from '../db/database.ts';
import { ValidationError } from '../http/errors.ts';
import { insertReconfirmation } from './reconfirmation.repository.ts';
import { isContinuingCare } from '../../domain/shared/visit-type.ts';
import { recordChange } from '../change-feed/change-feed.service.ts';

const SCOPE_RULES = {
  notASubset: 'Stopping can only remove scopes; adding one needs a card authentication.',
  splitsBundle: 'Clinical, medication and dispensing information stay or stop together.',
  nothingStopped: 'Choose at least one scope to stop, or record "continue".',
} as const;

/**
 * V5: records the monthly verbal confirmation of a continuing home-visit consent: who (the staff
 * member), when, and the patient's answer — continue, stop viewing some scopes (none left: the
 * consent is revoked) or revoke. Only an active home-visit consent can be reconfirmed; the guards
 * run inside the transaction, and the guarded updates catch a concurrent change.
 */
export async function recordReconfirmation(
  trx: DbOrTx,
  ctx: { institutionId: string; staffId: string; now: Date; audit: StaffAuditor },
  request: ReconfirmationRequest,
): Promise<ReconfirmationResponse> {
  const row = await consentAt(trx, ctx.institutionId, request.consentId);
  requireActive(row, ctx.now);
  if (!isContinuingCare(row.visit_type)) throw new ConsentNotHomeVisitError();
  const outcome = applyReconfirmation(parseScopes(row.scopes), request.answer, request.scopes);
  if (outcome.kind === 'invalid') throw new ValidationError({ scopes: SCOPE_RULES[outcome.reason] });

  const at = ctx.now.toISOString();
  const scopesAfter = outcome.kind === 'revoke' ? [] : outcome.scopes;
  const changed =
    outcome.kind === 'revoke'
      ? await markConsentRevoked(trx, row.id, { at, by: `staff:${ctx.staffId}`, reason: 'reconfirmation' satisfies RevokeReason })
      : await markConsentConfirmed(trx, row.id, { at, scopes: formatScopes(outcome.scopes) });
  if (!changed) throw new ConsentRevokedError();
  // A revocation at a reconfirmation is a confirmation too: the patient was asked and answered.
  if (outcome.kind === 'revoke') await setLastConfirmed(trx, row.id, at);
  const id = randomUUID();
  await insertReconfirmation(trx, {
    id,
    consent_id: row.id,
    institution_id: ctx.institutionId,
    confirmed_at: at,
    staff_id: ctx.staffId,
    answer: request.answer,
    scopes_after: formatScopes(scopesAfter),
  });
  await ctx.audit(
    trx,
    { action: 'consent.reconfirmed', personRef: row.person_ref, subjectId: row.id, outcome: 'ok', detail: `${request.answer}:${outcome.kind}` },
    ctx.now,
  );
  if (outcome.kind === 'revoke') {
    await ctx.audit(trx, { action: 'consent.revoked', personRef: row.person_ref, subjectId: row.id, outcome: 'ok', detail: 'homeVisit:reconfirmation' }, ctx.now);
  }
  // Issue 19 #3: a revocation, or narrowed scopes, is a change of the consent (a plain confirmation is not).
  if (outcome.kind === 'revoke') await recordChange(trx, { institutionId: ctx.institutionId, type: 'consent.revoked', subjectId: row.id }, ctx.now);
  else if (formatScopes(outcome.scopes) !== row.scopes) await recordChange(trx, { institutionId: ctx.institutionId, type: 'consent.updated', subjectId: row.id }, ctx.now);
  const updated = await consentAt(trx, ctx.institutionId, row.id);
  return {
    consent: toConsentSummary(updated, ctx.now),
    reconfirmation: { id, confirmedAt: at, answer: request.answer, scopesAfter },
  };
}
