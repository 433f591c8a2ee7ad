import { z } from '../shared/zod.ts';
import { OTHER_PERSON_STEPS } from '../registration/identity-check.ts';

// Request schemas of the person page (`/api/staff/persons`). Staff screens only (zod).

/** R9: a reference number, or null to remove it. Normalised (NFKC) before the check. */
export const referenceNumberSchema = z.object({
  referenceNumber: z
    .string()
    .max(40)
    .transform((v) => v.normalize('NFKC').trim())
    .refine((v) => v === '' || /^[0-9A-Za-z-]{1,20}$/.test(v), { message: 'Use up to 20 letters, digits or hyphens.' })
    .nullable()
    .transform((v) => (v === '' ? null : v)),
});

/** E3: the clinic's own record of the person; every field may be left blank. */
export const clinicRecordSchema = z.object({
  name: z.string().max(100),
  nameKana: z.string().max(100),
  sex: z.enum(['male', 'female', '']),
  dateOfBirth: z
    .string()
    .max(20)
    .transform((v) => v.normalize('NFKC').trim())
    .refine((v) => v === '' || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))), { message: 'Enter a date as YYYY-MM-DD.' }),
  address: z.string().max(200),
});

export const otherPersonSchema = z.object({ step: z.enum(OTHER_PERSON_STEPS) });
