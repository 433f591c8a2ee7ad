import type { InsuranceQuery } from '../../domain/requery/csv.ts';
import type { BatchQueryResponse, BatchResultsResponse, RequeryHistoryResponse, RequeryResponse } from '../../domain/consent/staff-lifecycle-api.ts';
import { api, apiUpload } from '../api-client.ts';
import { deviceId } from '../device-id.ts';

// Eligibility re-query (Q1–Q5: one person, or a CSV file) and the batch query before visits (Q6).
// Each sends this browser's device id, so the audit trail can say which device queried (X5).

const device = () => ({ 'x-device-id': deviceId() });

export const requerySingle = (query: InsuranceQuery) =>
  api<RequeryResponse>('/staff/requery', { method: 'POST', body: { client: 'screen', rows: [query] }, headers: device() });

export const requeryCsv = (bytes: Uint8Array<ArrayBuffer>, charset: 'utf-8' | 'shift_jis') =>
  apiUpload<RequeryResponse>('/staff/requery/csv?client=screen', bytes, `text/csv; charset=${charset}`, device());

export const requeryHistory = (personRef: string) =>
  api<RequeryHistoryResponse>(`/staff/requery/persons/${encodeURIComponent(personRef)}`, { headers: device() });

/** Q6: the batch query before visits, once a day per institution. */
export const batchQueryCsv = (bytes: Uint8Array<ArrayBuffer>, charset: 'utf-8' | 'shift_jis') =>
  apiUpload<BatchQueryResponse>('/staff/requery/batch/csv', bytes, `text/csv; charset=${charset}`, device());

/** Q9: the batch results that may still be shown (the last 3 runs, none 14 days old), newest first. */
export const batchResults = () => api<BatchResultsResponse>('/staff/requery/batch/results', { headers: device() });
