/** V6: the medical information last retrieved for a person at an institution, with when. */
export interface ClinicalSnapshotTable {
  institution_id: string;
  person_ref: string;
  retrieved_at: string;
  /** The MedicalSection[] shown at retrieval (the scopes visible then). */
  sections_json: string;
}
