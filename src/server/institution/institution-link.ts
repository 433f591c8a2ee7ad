import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import { LinkInvalidError } from './institution-errors.ts';
import { findInstitutionByLinkToken } from './institution.repository.ts';
import type { InstitutionRow } from './institution.table.ts';

/** The institution of a patient-facing link (`/i/<token>`); a reissued or unknown token is `link_invalid`. */
export async function institutionByToken(c: Context<AppEnv>, token: string): Promise<InstitutionRow> {
  // Tokens are base64url (institution.service.ts newLinkToken): anything else is not looked up.
  const institution = /^[A-Za-z0-9_-]{10,64}$/.test(token) ? await findInstitutionByLinkToken(c.var.db, token) : undefined;
  if (!institution) throw new LinkInvalidError();
  return institution;
}
