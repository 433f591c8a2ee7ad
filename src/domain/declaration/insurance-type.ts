/**
 * 保険種別, the declaration form's boxes in order: 社保 / 国保 / 後期 / その他 / わからない.
 * Its own module because both the form (declaration.ts) and the copay rules (copay.ts) read it,
 * and copay.ts must not import the form (declaration.ts imports copay.ts).
 */
export const INSURANCE_TYPES = ['employee', 'national', 'lateElderly', 'other', 'unknown'] as const;
export type InsuranceType = (typeof INSURANCE_TYPES)[number];
