import type { Selectable } from 'kysely';

/** P4: a device that used the institution link (see the migration for the columns' meaning). */
export interface InstitutionDeviceTable {
  institution_id: string;
  device_id: string;
  first_seen_at: string;
  last_seen_at: string;
  user_agent: string;
  registrations: number;
  revoked_at: string | null;
  revoked_by: string | null;
}

export type InstitutionDeviceRow = Selectable<InstitutionDeviceTable>;
