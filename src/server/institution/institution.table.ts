import type { Insertable, Selectable, Updateable } from 'kysely';

export interface InstitutionTable {
  id: string;
  /** 医療機関コード, 10 digits. */
  code: string;
  name: string;
  /** The unguessable part of the institution link `/i/<token>`; reissuing replaces it. */
  link_token: string;
  link_issued_at: string;
  /** S2: 閲覧同意の利用有無 — clinical information used (1) or not (0). */
  uses_clinical_info: number;
  /** S3: the institution uses the electronic prescription service. */
  uses_electronic_prescription: number;
  /** S5: the prescription-form screen is shown during registration. */
  shows_prescription_form: number;
  /** Return-URL prefixes of telemedicine apps this institution honours, one per line. */
  allowed_return_urls: string;
  /** D5: days a completed outage declaration is kept before it is destroyed. */
  declaration_retention_days: number;
  created_at: string;
  /**
   * Issue 12 #9: when the institution was activated (with an operator's one-time code); null while
   * inactive: its link answers link_invalid and its staff cannot sign in.
   */
  activated_at: string | null;
}

export type InstitutionRow = Selectable<InstitutionTable>;
export type NewInstitutionRow = Insertable<InstitutionTable>;
export type InstitutionUpdate = Updateable<InstitutionTable>;
