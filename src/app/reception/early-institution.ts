import type { InstitutionPublicDto } from '../../domain/registration/reception-api.ts';
import { api, type ApiResult } from '../api-client.ts';
import { deviceId } from '../device-id.ts';
import { clinicLinkPath } from '../../domain/registration/clinic-link-path.ts';

/** The request the reception page makes for its clinic's details. */
function institutionPath(token: string, returnUrl: string | null): string {
  const query = returnUrl ? `?returnUrl=${encodeURIComponent(returnUrl)}` : '';
  return `/public/institutions/${encodeURIComponent(token)}${query}`;
}

function fetchInstitution(path: string): Promise<ApiResult<InstitutionPublicDto>> {
  // The device id lets the clinic see and revoke this device (P4).
  return api<InstitutionPublicDto>(path, { headers: { 'x-device-id': deviceId() } });
}

let early: { path: string; result: Promise<ApiResult<InstitutionPublicDto>> } | null = null;

/**
 * Called by the entry before the first render: on a clinic link, the clinic's details are asked
 * for while the reception chunk is still downloading, not after it (one round trip less before
 * the patient sees the first screen on a slow mobile network).
 */
export function prefetchInstitution(pathname: string, search: string): void {
  const target = clinicLinkPath(pathname);
  if (target?.page !== 'reception') return;
  let token: string;
  try {
    token = decodeURIComponent(target.encodedToken);
  } catch {
    return; // A mangled link: the page itself will say so.
  }
  const path = institutionPath(token, new URLSearchParams(search).get('return'));
  early = { path, result: fetchInstitution(path) };
}

/** The clinic's details: the early answer when it was for exactly this request (used once), else a new request. */
export function loadInstitution(token: string, returnUrl: string | null): Promise<ApiResult<InstitutionPublicDto>> {
  const path = institutionPath(token, returnUrl);
  const prefetched = early?.path === path ? early.result : null;
  early = null;
  return prefetched ?? fetchInstitution(path);
}
