import type { InsuranceQuery } from '../../domain/requery/csv.ts';
import type { ConsentScope } from '../../domain/consent/consent.ts';
import type { ReconfirmationAnswer } from '../../domain/consent/reconfirmation.ts';
import type {
  BatchQueryResponse,
  ConsentListsResponse,
  ConsentResponse,
  PersonSearchResponse,
  ReconfirmationResponse,
  RequeryHistoryResponse,
  RequeryResponse,
  StaffRevokeReason,
} from '../../domain/consent/staff-lifecycle-api.ts';
import { api, apiUpload } from '../api-client.ts';
import { deviceId } from '../device-id.ts';

// The staff lifecycle calls. Each sends this browser's device id, so the audit trail can say
// which device a revocation or re-query came from (X5).

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

export const requerySingle = (query: InsuranceQuery) =>
  api<RequeryResponse>('/staff/requery', { method: 'POST', body: { client: 'screen', rows: [query] }, headers: device() });

export const requeryCsv = (bytes: Uint8Array<ArrayBuffer>, charset: 'utf-8' | 'shift_jis') =>
  apiUpload<RequeryResponse>('/staff/requery/csv?client=screen', bytes, `text/csv; charset=${charset}`, device());

export const requeryHistory = (personRef: string) =>
  api<RequeryHistoryResponse>(`/staff/requery/persons/${encodeURIComponent(personRef)}`, { headers: device() });

/** Q6: the batch query before visits, once a day per institution. */
export const batchQueryCsv = (bytes: Uint8Array<ArrayBuffer>, charset: 'utf-8' | 'shift_jis') =>
  apiUpload<BatchQueryResponse>('/staff/requery/batch/csv', bytes, `text/csv; charset=${charset}`, device());
