import type { StaffRole } from '../../domain/shared/api.ts';

/** Who is signed in: set on `c.var.staff` by the session middleware (session.ts). */
export interface SignedInStaff {
  id: string;
  institutionId: string;
  loginId: string;
  displayName: string;
  role: StaffRole;
}
