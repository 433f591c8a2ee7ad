import type { Selectable } from 'kysely';

/** Issue 12 #9: a one-time activation code for a 医療機関コード; the code itself is never stored. */
export interface InstitutionActivationTable {
  id: string;
  /** 医療機関コード the code is bound to (10 digits). */
  institution_code: string;
  /** SHA-256 (hex) of the normalised code. */
  code_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  institution_id: string | null;
  revoked_at: string | null;
}

export type InstitutionActivationRow = Selectable<InstitutionActivationTable>;
