import { z } from '../shared/zod.ts';
import type { CopayBasis } from './copay.ts';
import { DECLARATION_STATUSES, QUALIFICATIONS_FOUND } from './declaration-api.ts';
import { CLAIM_METHODS, FALLBACK_CAUSES, GUIDE_RESOLUTIONS, type GuideOutcome } from '../fallback/fallback-guide.ts';

// Zod schemas of the declaration API (declaration-api.ts), shared by the app and the server.
// Messages are fixed sentences: none repeats what was sent.

const COPAY_BASES = ['preSchool', 'general', 'elderly', 'lateElderly', 'declared', 'uninsured'] as const satisfies readonly CopayBasis[];
// Fails the typecheck when copay.ts gains a basis this list lacks.
const everyBasis: CopayBasis extends (typeof COPAY_BASES)[number] ? true : false = true;
void everyBasis;

const GUIDE_MESSAGE = 'The record of the decision guide could not be read.';

/** The decision guide's outcome, as recorded on the device (GuideOutcome in fallback-guide.ts). */
export const guideOutcomeSchema: z.ZodType<GuideOutcome> = z.strictObject(
  {
    cause: z.enum(FALLBACK_CAUSES),
    resolution: z.enum(GUIDE_RESOLUTIONS),
    declarationId: z.uuid().nullable(),
    copayPercent: z.union([z.literal(10), z.literal(20), z.literal(30), z.literal(100)]).nullable(),
    copayBasis: z.enum(COPAY_BASES).nullable(),
    paperPrescription: z.boolean(),
    outageSearchPending: z.boolean(),
    claimMethod: z.enum(CLAIM_METHODS).nullable(),
    recordedAt: z.iso.datetime({ offset: true }),
  },
  { error: GUIDE_MESSAGE },
);

export const GUIDE_OUTCOME_MESSAGE = GUIDE_MESSAGE;

/** received → verified. The note names the insurer and numbers the clinic confirmed. */
export const verifyDeclarationSchema = z.strictObject({
  qualification: z.enum(QUALIFICATIONS_FOUND, { error: 'Choose current or past qualification.' }),
  note: z
    .string({ error: 'Describe the qualification found.' })
    .trim()
    .min(1, { error: 'Describe the qualification found.' })
    .max(200, { error: 'This text is too long.' }),
});

/** → claimed (F6). */
export const claimDeclarationSchema = z.strictObject({
  method: z.enum(CLAIM_METHODS, { error: 'Choose how the visit is claimed.' }),
  patientAskedForNumbers: z.boolean({ error: 'Say whether the patient was asked for the numbers.' }).optional(),
});

/** The inbox filter. */
export const declarationStatusSchema = z.enum(DECLARATION_STATUSES, { error: 'Choose one of the statuses.' });
