import type { InsuranceQuery } from '../../domain/requery/csv.ts';
import type { ConsentScope } from '../../domain/consent/consent.ts';
import type { ReconfirmationAnswer } from '../../domain/consent/reconfirmation.ts';
import type { ConsentListsResponse, ConsentResponse, PersonSearchResponse, ReconfirmationResponse, StaffRevokeReason } from '../../domain/consent/staff-lifecycle-api.ts';
import { api } from '../api-client.ts';
import { deviceId } from '../device-id.ts';

// The staff lifecycle calls: search, revocation at the clinic (X1, X2), the lists and the monthly
// reconfirmation (V2–V5); re-query and batch query are in requery-api.ts. Each sends this
// browser's device id, so the audit trail can say which device a revocation came from (X5).

const device = () => ({ 'x-device-id': deviceId() });

export const searchPersons = (query: InsuranceQuery) =>
  api<PersonSearchResponse>('/staff/consents/search', { method: 'POST', body: query, headers: device() });

export const revokeConsent = (consentId: string, reason: StaffRevokeReason) =>
  api<ConsentResponse>(`/staff/consents/${encodeURIComponent(consentId)}/revoke`, { method: 'POST', body: { reason }, headers: device() });

export const consentLists = () => api<ConsentListsResponse>('/staff/consents/lists', { headers: device() });

export const recordReconfirmation = (consentId: string, answer: ReconfirmationAnswer, scopes?: ConsentScope[]) =>
  api<ReconfirmationResponse>('/staff/reconfirmations', {
    method: 'POST',
    body: scopes === undefined ? { consentId, answer } : { consentId, answer, scopes },
    headers: device(),
  });
