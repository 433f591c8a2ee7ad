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

/** Issue 12 #15: a one-time enrolment code; only its SHA-256 is stored. */
export interface DeviceEnrolmentCodeTable {
  id: string;
  institution_id: string;
  code_hash: string;
  created_at: string;
  created_by: string;
  expires_at: string;
  used_at: string | null;
  used_by_key: string | null;
}

/** Issue 12 #15: a device enrolled with a code, known by the public half of its key pair. */
export interface EnrolledDeviceTable {
  key_id: string;
  institution_id: string;
  /** The P-256 public key as JWK (kty, crv, x, y). */
  public_key_jwk: string;
  label: string;
  enrolled_at: string;
  /** The staff member who created the code. */
  enrolled_by: string;
  last_seen_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
}

/** Issue 12 #15: nonces of accepted signatures, kept while their timestamp could still pass. */
export interface DeviceRequestNonceTable {
  key_id: string;
  nonce: string;
  seen_at: string;
}

export type DeviceEnrolmentCodeRow = Selectable<DeviceEnrolmentCodeTable>;
export type EnrolledDeviceRow = Selectable<EnrolledDeviceTable>;
