import type { Selectable } from 'kysely';
import type { StaffRole } from '../../domain/api.ts';

export interface StaffAccountTable {
  id: string;
  institution_id: string;
  login_id: string;
  display_name: string;
  role: StaffRole;
  /** `scrypt$N$r$p$salt$hash`, salt and hash base64url. */
  password_hash: string;
  created_at: string;
}

export interface StaffSessionTable {
  token_hash: string;
  staff_id: string;
  created_at: string;
  last_seen_at: string;
}

export type StaffAccountRow = Selectable<StaffAccountTable>;
export type StaffSessionRow = Selectable<StaffSessionTable>;
