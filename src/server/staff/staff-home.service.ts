import { HOME_COUNTS, HOME_COUNT_PERMISSION, type HomeCount, type StaffHomeResponse } from '../../domain/staff/staff-home.ts';
import { roleCan } from '../../domain/staff/roles.ts';
import { homeConsentCounts } from '../consent/consent.service.ts';
import type { DbOrTx } from '../db/database.ts';
import { declarationWorkCounts } from '../declaration/declaration.service.ts';
import type { SignedInStaff } from './signed-in-staff.ts';
import { countLockedAccounts } from './staff.repository.ts';

/**
 * The staff home's to-do counts for the staff member's institution only. A count whose section
 * the role may not open (P3) is neither computed nor sent.
 */
export async function staffHome(trx: DbOrTx, staff: SignedInStaff, now: Date): Promise<StaffHomeResponse> {
  const may = (count: HomeCount) => roleCan(staff.role, HOME_COUNT_PERMISSION[count]);
  const all: Partial<Record<HomeCount, number>> = {};
  if (may('reconfirmationDue') || may('expiringSoon') || may('houseCallActive')) {
    Object.assign(all, await homeConsentCounts(trx, { institutionId: staff.institutionId, now }));
  }
  if (may('declarationsReceived') || may('declarationsVerified')) {
    const declarations = await declarationWorkCounts(trx, staff.institutionId);
    all.declarationsReceived = declarations.received;
    all.declarationsVerified = declarations.verified;
  }
  if (may('lockedAccounts')) all.lockedAccounts = await countLockedAccounts(trx, staff.institutionId, now.toISOString());
  const counts: StaffHomeResponse['counts'] = {};
  for (const count of HOME_COUNTS) if (may(count) && all[count] !== undefined) counts[count] = all[count];
  return { counts };
}
