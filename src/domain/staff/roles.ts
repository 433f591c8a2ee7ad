/**
 * P3 and the staff authorization matrix. Every staff API route names exactly one permission;
 * the server refuses (403 `forbidden`) a role the permission does not list. The same table
 * drives what the staff console shows, and the route-table test checks every route against it.
 */
export const STAFF_ROLES = ['clerk', 'doctor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const PERMISSION_ROLES = {
  /** Consent status: search, lists, the dashboard and person page without medical content. */
  'consent.view': ['clerk', 'doctor', 'admin'],
  /** R9 reference number and the E3 clinic record of a person: desk work, not the doctor's (issue 12 #16). */
  'person.edit': ['clerk', 'admin'],
  /** X1/X2: revoke a consent on the patient's request. */
  'consent.revoke': ['clerk', 'doctor', 'admin'],
  /** Q1–Q6: eligibility re-query, single, CSV and batch. */
  'requery.run': ['clerk', 'doctor', 'admin'],
  /** V5: monthly reconfirmation list and marks. */
  'reconfirmation.manage': ['clerk', 'doctor', 'admin'],
  /** D5: the declaration inbox (open, print, verify, claim, complete). */
  'declaration.manage': ['clerk', 'doctor', 'admin'],
  /** P3: consented medical information (medication, clinical, checkups) — doctors only. */
  'clinical.view': ['doctor'],
  /** The institution link, QR and poster (read only). */
  'link.view': ['clerk', 'doctor', 'admin'],
  /** M1 reissue, S2/S3/S5 settings, return addresses, retention. */
  'institution.manage': ['admin'],
  /** Accounts: create, change role, reset factors. */
  'staff.manage': ['admin'],
  /** Devices that used the institution link; revoke a lost tablet. */
  'device.manage': ['clerk', 'admin'],
  /** The audit viewer, CSV export and chain verification. */
  'audit.view': ['admin'],
  /** Issue 19 #2: API clients of the clinic's systems (create, list, revoke). */
  'apiClient.manage': ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSION_ROLES;

export function roleCan(role: StaffRole, permission: Permission): boolean {
  return (PERMISSION_ROLES[permission] as readonly StaffRole[]).includes(role);
}

export function permissionsOf(role: StaffRole): Permission[] {
  return (Object.keys(PERMISSION_ROLES) as Permission[]).filter((p) => roleCan(role, p));
}
