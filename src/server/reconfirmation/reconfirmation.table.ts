/** V5: the patient's answer when staff confirm at a visit that viewing continues. */
export type ReconfirmationAnswer = 'continue' | 'stopViewing' | 'revoke';

export interface ReconfirmationTable {
  id: string;
  consent_id: string;
  institution_id: string;
  confirmed_at: string;
  staff_id: string;
  answer: ReconfirmationAnswer;
  /** The consent's scopes after the answer (narrowed for stopViewing, empty for revoke). */
  scopes_after: string;
}
