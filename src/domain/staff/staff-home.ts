import type { Permission } from './roles.ts';

/**
 * The staff home's to-do counts (`GET /api/staff/home`): what the desk acts on each day, each
 * counted for the signed-in staff member's institution only, and only when their role holds the
 * permission of the screen that deals with it (P3).
 */
export const HOME_COUNTS = ['reconfirmationDue', 'expiringSoon', 'houseCallActive', 'declarationsReceived', 'declarationsVerified', 'lockedAccounts'] as const;
export type HomeCount = (typeof HOME_COUNTS)[number];

/** The permission of the section each count leads to (domain/staff/roles.ts). */
export const HOME_COUNT_PERMISSION: Record<HomeCount, Permission> = {
  /** V5: active 訪問診療等 consents whose monthly verbal confirmation is due. */
  reconfirmationDue: 'reconfirmation.manage',
  /** V2, V3: active consents whose viewing window ends within 24 hours (the dashboard's 「期限間近」). */
  expiringSoon: 'consent.view',
  /** X2: house-call consents still allowing viewing: revoke once the information is retrieved. */
  houseCallActive: 'consent.revoke',
  /** F6: outage declarations received and not yet checked against the eligibility. */
  declarationsReceived: 'declaration.manage',
  /** F6: declarations checked whose claim method is not yet recorded. */
  declarationsVerified: 'declaration.manage',
  /** Issue 12 #2: staff accounts locked after repeated second-factor failures. */
  lockedAccounts: 'staff.manage',
};

export interface StaffHomeResponse {
  /** Only the counts the role may see; a missing key is not shown. */
  counts: Partial<Record<HomeCount, number>>;
}
