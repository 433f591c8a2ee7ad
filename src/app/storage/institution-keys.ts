import type { InstitutionPublicDto } from '../../domain/registration/reception-api.ts';
import type { DeclarationKeyDto } from '../../domain/declaration/sealed-envelope.ts';
import { api } from '../api-client.ts';
import { deviceId } from '../device-id.ts';
import { database, INSTITUTION_KEYS } from './db.ts';

/**
 * Institutions' public keys (issue 12 #7), cached by link so a declaration typed while the
 * server is unreachable can still be sealed. Public data: nothing here names a patient.
 */

export async function rememberInstitutionKey(linkToken: string, key: DeclarationKeyDto): Promise<void> {
  const db = await database();
  await db.put(INSTITUTION_KEYS, { linkToken, key, savedAt: Date.now() });
}

export async function cachedInstitutionKey(linkToken: string): Promise<DeclarationKeyDto | null> {
  const db = await database();
  return (await db.get(INSTITUTION_KEYS, linkToken))?.key ?? null;
}

/** The link's key: cached, else asked for (and cached). Null when the server cannot be asked or refuses. */
export async function institutionKeyFor(linkToken: string, signal?: AbortSignal): Promise<DeclarationKeyDto | null> {
  const cached = await cachedInstitutionKey(linkToken);
  if (cached) return cached;
  const result = await api<InstitutionPublicDto>(`/public/institutions/${encodeURIComponent(linkToken)}`, {
    headers: { 'x-device-id': deviceId() },
    ...(signal ? { signal } : {}),
  });
  if (!result.ok || !result.data.declarationKey) return null;
  await rememberInstitutionKey(linkToken, result.data.declarationKey);
  return result.data.declarationKey;
}
