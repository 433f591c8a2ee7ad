import { z } from '../shared/zod.ts';
import { CONSENT_SCOPES } from './consent.ts';
import { RECONFIRMATION_ANSWERS } from './reconfirmation.ts';
import { REQUERY_CLIENTS } from '../requery/requery.ts';
import { STAFF_REVOKE_REASONS } from './staff-lifecycle-api.ts';

// Request schemas of the staff lifecycle API, checked on both sides. Staff screens only: the
// patient's screens never load this file (zod).

const text = (max: number) => z.string().max(max);

/** The insurance numbers a person is searched by (X1, Q1); checkInsuranceQuery normalises them. */
export const insuranceQuerySchema = z
  .object({
    insurerNumber: text(20),
    symbol: text(60).optional(),
    number: text(60),
    branch: text(10).optional(),
    dateOfBirth: text(20),
  })
  .strict();
export type InsuranceQueryInput = z.infer<typeof insuranceQuerySchema>;

export const revokeRequestSchema = z.object({ reason: z.enum(STAFF_REVOKE_REASONS) }).strict();
export type RevokeRequest = z.infer<typeof revokeRequestSchema>;

export const requeryClientSchema = z.enum(REQUERY_CLIENTS);

/**
 * Q1–Q3: the rows are checked one by one (a bad row is answered for that row, not for the whole
 * request), so here they are only "some values"; the count is checked against the client's limit.
 */
export const requeryRequestSchema = z
  .object({
    client: requeryClientSchema,
    rows: z.array(z.unknown()).max(10_000),
  })
  .strict();

/** Q6: a batch row: the insurance numbers and the cost-limit values the clinic holds (or null). */
export const batchRowSchema = insuranceQuerySchema
  .extend({
    costLimit: z
      .object({ category: text(60), applicationCategory: text(60) })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();
export type BatchRowInput = z.infer<typeof batchRowSchema>;

export const batchRequestSchema = z.object({ rows: z.array(z.unknown()).max(10_000) }).strict();

export const reconfirmationRequestSchema = z
  .object({
    consentId: z.string().uuid(),
    answer: z.enum(RECONFIRMATION_ANSWERS),
    /** stopViewing: the scopes that remain (none left = revoke). */
    scopes: z.array(z.enum(CONSENT_SCOPES)).max(CONSENT_SCOPES.length).optional(),
  })
  .strict()
  .refine((r) => (r.answer === 'stopViewing') === (r.scopes !== undefined), {
    path: ['scopes'],
    message: 'scopes go with stopViewing, and only with it',
  });
export type ReconfirmationRequest = z.infer<typeof reconfirmationRequestSchema>;
