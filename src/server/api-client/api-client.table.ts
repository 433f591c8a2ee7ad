import type { Insertable, Selectable } from 'kysely';

/** Issue 19 #2: a clinic system's credential. The secret itself is never stored. */
export interface ApiClientTable {
  id: string;
  institution_id: string;
  name: string;
  /** JSON array of `ApiClientScope` names. */
  scopes: string;
  /** SHA-256 (hex) of the whole bearer token `zuk_<id>_<secret>`. */
  secret_hash: string;
  created_at: string;
  /** The administrator (staff id) who created it. */
  created_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
  /** Moved by each authenticated request. */
  last_used_at: string | null;
}

export type ApiClientRow = Selectable<ApiClientTable>;
export type NewApiClientRow = Insertable<ApiClientTable>;
