/**
 * Consent scopes (閲覧同意) and the bundling rules S1–S4 (002 §(3)).
 */
export const CONSENT_SCOPES = [
  'surgery', // 手術情報
  'clinical', // 診療情報
  'medication', // 薬剤情報
  'dispensing', // 処方・調剤情報
  'checkup', // 特定健診情報
  'costLimit', // 限度額情報
  'specificDisease', // 特定疾病療養受療証情報
] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/**
 * What the consent screen asks, in screen order. S1: 診療情報 and 薬剤情報 are one choice,
 * shown as 「薬剤情報」 (`medication` here stands for that bundled choice).
 */
export const CONSENT_CHOICES = ['surgery', 'medication', 'checkup', 'costLimit', 'specificDisease'] as const;
export type ConsentChoice = (typeof CONSENT_CHOICES)[number];
export type ConsentChoices = Record<ConsentChoice, boolean>;

/** The institution settings that shape the scopes behind the choices. */
export interface ConsentSettings {
  /** S2: 閲覧同意の利用有無 — 診療情報を「利用する」. */
  usesClinicalInfo: boolean;
  /** S3: the institution uses the electronic prescription service (電子処方箋管理サービス). */
  usesElectronicPrescription: boolean;
}

/** 「すべて同意する」 */
export function agreeToAll(): ConsentChoices {
  return { surgery: true, medication: true, checkup: true, costLimit: true, specificDisease: true };
}

export function agreeToNone(): ConsentChoices {
  return { surgery: false, medication: false, checkup: false, costLimit: false, specificDisease: false };
}

/** The scopes a set of choices grants at an institution, in CONSENT_SCOPES order. */
export function consentedScopes(choices: ConsentChoices, settings: ConsentSettings): ConsentScope[] {
  const granted = new Set<ConsentScope>();
  if (choices.surgery) granted.add('surgery');
  if (choices.medication) {
    granted.add('medication');
    // S1/S2: the 薬剤情報 choice covers 診療情報 too, unless the institution does not use it.
    if (settings.usesClinicalInfo) granted.add('clinical');
    // S3: 処方・調剤情報 comes with the medication choice, only with electronic prescriptions.
    if (settings.usesElectronicPrescription) granted.add('dispensing');
  }
  if (choices.checkup) granted.add('checkup');
  if (choices.costLimit) granted.add('costLimit');
  if (choices.specificDisease) granted.add('specificDisease');
  return CONSENT_SCOPES.filter((s) => granted.has(s));
}

/**
 * S4: 特定疾病療養受療証情報 is sensitive personal information (要配慮個人情報) and may be
 * obtained only through card authentication, never from a paper card or a staff search.
 */
export const CARD_AUTHENTICATION_ONLY_SCOPES: readonly ConsentScope[] = ['specificDisease'];

export type ConsentObtainedBy = 'cardAuthentication' | 'other';

export function obtainableScopes(scopes: readonly ConsentScope[], obtainedBy: ConsentObtainedBy): ConsentScope[] {
  return obtainedBy === 'cardAuthentication' ? [...scopes] : scopes.filter((s) => !CARD_AUTHENTICATION_ONLY_SCOPES.includes(s));
}

/** Scopes are stored as a comma-separated list. */
export function formatScopes(scopes: readonly ConsentScope[]): string {
  return scopes.join(',');
}

export function parseScopes(text: string): ConsentScope[] {
  const known = new Set<string>(CONSENT_SCOPES);
  return text
    .split(',')
    .filter((s): s is ConsentScope => known.has(s));
}

/**
 * The eligibility record as the clinic may receive it: cost-limit (限度額) and specific-disease
 * (特定疾病) data are consent scopes of their own, so they are left out unless consented.
 */
export function disclosedRecord<R extends { costLimit: unknown; specificDisease: unknown }>(record: R, scopes: readonly ConsentScope[]): R {
  return {
    ...record,
    costLimit: scopes.includes('costLimit') ? record.costLimit : null,
    specificDisease: scopes.includes('specificDisease') ? record.specificDisease : null,
  };
}
