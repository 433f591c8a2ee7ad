import { z } from '../shared/zod.ts';
import { CARD_TYPES, ELIGIBILITY_STATUSES, LOSS_REASONS, type EligibilityRecord } from './eligibility.ts';

/**
 * E10 (002 l.4186–4685): the eligibility record as a zod schema, for records that arrive from
 * outside (a national adapter, a stored JSON). It holds the document's closed lists — the eight
 * card types, the four loss reasons — and its blanks: for 医療扶助 no 記号, 枝番, 本人・家族,
 * 被保険者氏名, 交付年月日 or 有効開始年月日 (the 保険者名称 is the 福祉事務所); for 後期高齢者 no
 * 枝番 and no 本人・家族. Kept apart from eligibility.ts so that the patient's screens do not load zod.
 */

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const optionalDate = date.nullable();
const sex = z.enum(['male', 'female']).nullable();

/** 後期高齢者医療: insurer numbers of 法別番号 39. */
export function isLateElderlyInsurer(insurerNumber: string): boolean {
  return /^39\d{6}$/.test(insurerNumber);
}

const elderlyRecipient = z
  .object({ copayRatio: z.number().int().min(0).max(100), validFrom: optionalDate, validTo: optionalDate, issuedOn: optionalDate })
  .strict();

const costLimit = z
  .object({ category: z.string(), applicationCategory: z.string(), validFrom: optionalDate, validTo: optionalDate, issuedOn: optionalDate, longStayDate: optionalDate })
  .strict();

const specificDisease = z
  .object({ diseaseCategory: z.string(), selfPayLimit: z.number().int().nonnegative().nullable(), validFrom: optionalDate, validTo: optionalDate, issuedOn: optionalDate })
  .strict();

const medicalAidTicket = z
  .object({
    kind: z.enum(['medical', 'dispensing']),
    validFrom: optionalDate,
    validTo: optionalDate,
    issueNumber: z.string(),
    treatmentMonth: z.string().regex(/^\d{4}-\d{2}$/),
    designatedInstitutionCode: z.string(),
    designatedInstitutionMismatch: z.boolean(),
    designatedInstitutionName: z.string(),
    prescribingInstitutionCode: z.string(),
    prescribingInstitutionName: z.string(),
    diseaseNames: z.array(z.string()),
    treatmentKind: z.string(),
    selfPayAmount: z.number().int().nonnegative().nullable(),
    caseworkerName: z.string(),
    handlerName: z.string(),
    singleOrCombined: z.enum(['single', 'combined']).nullable(),
    hasSocialInsurance: z.boolean(),
    infectiousDiseaseAct37_2: z.boolean(),
    lateElderlyMedicalCare: z.boolean(),
    prefecturalExpense: z.boolean(),
    remarks: z.array(z.string()),
  })
  .strict();

export const eligibilityRecordSchema = z
  .object({
    status: z.enum(ELIGIBILITY_STATUSES),
    name: z.string(),
    nameKana: z.string(),
    nameOther: z.string(),
    nameKanaOther: z.string(),
    sex1: sex,
    sex2: sex,
    dateOfBirth: optionalDate,
    address: z.string(),
    postalCode: z.string(),
    cardType: z.enum(CARD_TYPES).nullable(),
    insurerNumber: z.string(),
    insurerName: z.string(),
    symbol: z.string(),
    number: z.string(),
    branch: z.string().regex(/^(\d{2})?$/),
    relationship: z.enum(['insured', 'dependent']).nullable(),
    insuredPersonName: z.string(),
    cardValidFrom: optionalDate,
    cardValidTo: optionalDate,
    cardIssuedOn: optionalDate,
    copayRatio: z.number().int().min(0).max(100).nullable(),
    qualificationAcquiredOn: optionalDate,
    qualificationLostOn: optionalDate,
    lossReason: z.enum(LOSS_REASONS).nullable(),
    preSchool: z.boolean(),
    referenceNumber: z.string().nullable(),
    elderlyRecipient: elderlyRecipient.nullable(),
    costLimit: costLimit.nullable(),
    specificDisease: specificDisease.nullable(),
    medicalAidTicket: medicalAidTicket.nullable(),
    medicalAidSocialInsuranceInconsistent: z.boolean(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const blank = (field: keyof EligibilityRecord, ok: boolean) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [field], message: 'This field is blank for this kind of record.' });
    };
    if (r.cardType === 'medicalAid') {
      blank('symbol', r.symbol === '');
      blank('branch', r.branch === '');
      blank('relationship', r.relationship === null);
      blank('insuredPersonName', r.insuredPersonName === '');
      blank('cardIssuedOn', r.cardIssuedOn === null);
      blank('cardValidFrom', r.cardValidFrom === null);
    }
    if (isLateElderlyInsurer(r.insurerNumber)) {
      blank('branch', r.branch === '');
      blank('relationship', r.relationship === null);
    }
  }) satisfies z.ZodType<EligibilityRecord>;
