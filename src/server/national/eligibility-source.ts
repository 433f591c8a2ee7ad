import type { MedicalInformation, MedicalScope } from '../../domain/consent/clinical.ts';
import type { EligibilityRecord } from '../../domain/registration/eligibility.ts';
import type { QualificationChoice } from '../../domain/registration/insurance-checks.ts';

/**
 * How the reception server reaches the national eligibility database (オンライン資格確認等システム).
 * DOMAIN §10: a real adapter implements this by calling the online-eligibility system; the
 * embedded default (`embedded/local-registry.ts`) answers from a local demo registry.
 *
 * Contract for every implementation:
 * - A person is named only by an opaque `personId` that the source issues. It is never a My
 *   Number (P1) and never derived from one; callers store it, not card or insurance numbers.
 * - Records follow `EligibilityRecord` (002 資格確認結果の取扱い): blank text is '', blank dates
 *   null. Name and address are the current ones even when `asOf` lies in the past.
 * - `asOf` is an instant; the source reads it as a Japan-time calendar date (jst.ts).
 * - An unknown `personId` is a caller error and rejects; "no qualification" is not an error but
 *   a record with status `notFound`.
 * - Messages of thrown errors never contain personal data or the queried numbers.
 */
export interface EligibilitySource {
  /**
   * Who holds the card whose user certificate (利用者証明用電子証明書) has this serial (hex);
   * null when the card is not registered for health-insurance use (R2). The caller has already
   * verified the certificate and the card's signature (handoff.ts).
   */
  resolveCardHolder(certificateSerial: string): Promise<{ personId: string } | null>;

  /**
   * The person's eligibility as of `asOf`, as a card-authenticated check returns it (R7, R8):
   * when several qualifications share an issue date, the one E5 selects (selectQualification).
   */
  currentEligibility(personId: string, asOf: Date): Promise<EligibilityRecord>;

  /**
   * Search by insurance numbers, for re-query (Q1) and staff revocation (X1). insurerNumber,
   * number and dateOfBirth ('YYYY-MM-DD') must match; symbol and branch only when given (branch
   * is blank for 後期高齢者 and 医療扶助, and may be omitted). Full-width digits are accepted.
   * Several matches are possible (twins without a branch, Q5); no match is an empty array.
   * Each match carries the person's current record, as currentEligibility would return it.
   */
  findByInsurance(
    query: { insurerNumber: string; symbol?: string; number: string; branch?: string; dateOfBirth: string },
    asOf: Date,
  ): Promise<Array<{ personId: string; record: EligibilityRecord }>>;

  /**
   * E5, optional: the qualifications the record was chosen from and why, when the source can tell
   * (the embedded registry can; the national system returns only its choice). null for one or none.
   */
  qualificationChoice?(personId: string, asOf: Date): Promise<QualificationChoice | null>;

  /**
   * P3, X5: the person's consented medical information (閲覧同意の対象: 薬剤情報, 処方・調剤情報,
   * 診療情報, 手術情報, 特定健診情報) as of `asOf`, for the scopes named and no others: a list
   * whose scope is not in `scopes` comes back empty, so a caller cannot over-fetch by mistake.
   * The caller has already decided that a valid consent at its institution covers `scopes`
   * (domain/consent/clinical.ts) and records the view in its audit trail; the source does neither.
   * Lists are newest first; dates are 'YYYY-MM-DD' (Japan). An unknown `personId` rejects.
   */
  medicalInformation(personId: string, scopes: readonly MedicalScope[], asOf: Date): Promise<MedicalInformation>;
}
