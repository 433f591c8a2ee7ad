import { z } from '../shared/zod.ts';
import { CONSENT_CHOICES, type ConsentChoices } from '../consent/consent.ts';
import { ARRIVAL_ROUTES, PRESCRIPTION_FORMS } from './registration.ts';
import { VISIT_TYPES } from '../shared/visit-type.ts';

// Kept apart from registration.ts so that the patient's screens, which use only the plain
// rules, do not load zod.
const choicesSchema = z.object(
  Object.fromEntries(CONSENT_CHOICES.map((c) => [c, z.boolean()])) as Record<keyof ConsentChoices, z.ZodBoolean>,
).strict();

/** What the patient's device sends to start a registration (before the card handoff). */
export const registrationRequestSchema = z
  .object({
    linkToken: z.string().min(10).max(64).regex(/^[A-Za-z0-9_-]+$/),
    visitType: z.enum(VISIT_TYPES),
    arrival: z.enum(ARRIVAL_ROUTES),
    returnUrl: z.string().max(2000).optional(),
    appSupportsElectronicPrescription: z.boolean().optional(),
    choices: choicesSchema,
    consultationDate: z.string().max(10).optional(),
    prescriptionForm: z.enum(PRESCRIPTION_FORMS).optional(),
    /** The same-device path (a phone) returns here after the card app; the cross-device path polls. */
    handoffPath: z.enum(['sameDevice', 'crossDevice']),
  })
  .strict();
export type RegistrationRequest = z.infer<typeof registrationRequestSchema>;


const cardRequestBase = {
  linkToken: z.string().min(10).max(64).regex(/^[A-Za-z0-9_-]+$/),
  arrival: z.enum(ARRIVAL_ROUTES),
  returnUrl: z.string().max(2000).optional(),
  handoffPath: z.enum(['sameDevice', 'crossDevice']),
};

/**
 * A card request other than registering: see one's consents (U1), change one (U1, confirmed with
 * the card again), or revoke every consent at this institution (X3).
 */
export const cardRequestSchema = z.discriminatedUnion('purpose', [
  z.object({ purpose: z.literal('query'), ...cardRequestBase }).strict(),
  z.object({ purpose: z.literal('revokeAll'), ...cardRequestBase }).strict(),
  z
    .object({
      purpose: z.literal('update'),
      ...cardRequestBase,
      consentId: z.string().uuid(),
      choices: choicesSchema,
      prescriptionForm: z.enum(PRESCRIPTION_FORMS).optional(),
      consultationDate: z.string().max(10).optional(),
    })
    .strict(),
]);
export type CardRequest = z.infer<typeof cardRequestSchema>;
