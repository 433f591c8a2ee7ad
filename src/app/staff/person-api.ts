import type { ConsentDashboardResponse, DashboardPersonDto, DashboardQuery, PersonPageResponse } from '../../domain/consent/consent-dashboard.ts';
import type { ClinicPersonRecord, OtherPersonStep } from '../../domain/registration/identity-check.ts';
import { api } from '../api-client.ts';
import { deviceId } from '../device-id.ts';

// The consent dashboard and person page calls, with this browser's device id for the audit trail (X5).

const device = () => ({ 'x-device-id': deviceId() });

/** The dashboard's query string: only what is set, so that the URL stays short and shareable. */
export function dashboardParams(query: DashboardQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.visitType) params.set('visitType', query.visitType);
  if (query.status) params.set('status', query.status);
  if (query.reconfirmationDue) params.set('due', '1');
  if (query.q.trim() !== '') {
    params.set('searchBy', query.searchBy);
    params.set('q', query.q);
  }
  if (query.page > 1) params.set('page', String(query.page));
  return params;
}

export const loadDashboard = (query: DashboardQuery) => {
  const params = dashboardParams(query).toString();
  return api<ConsentDashboardResponse>(`/staff/consent-dashboard${params ? `?${params}` : ''}`, { headers: device() });
};

const personPath = (personRef: string) => `/staff/persons/${encodeURIComponent(personRef)}`;

export const loadPerson = (personRef: string) => api<PersonPageResponse>(personPath(personRef), { headers: device() });

export const saveReferenceNumber = (personRef: string, referenceNumber: string | null) =>
  api<{ person: DashboardPersonDto }>(`${personPath(personRef)}/reference-number`, { method: 'PUT', body: { referenceNumber }, headers: device() });

export const saveClinicRecord = (personRef: string, record: ClinicPersonRecord) =>
  api<{ clinicRecord: ClinicPersonRecord }>(`${personPath(personRef)}/clinic-record`, { method: 'PUT', body: record, headers: device() });

export const recordOtherPerson = (personRef: string, step: OtherPersonStep) =>
  api<{ identityStatus: PersonPageResponse['identityStatus'] }>(`${personPath(personRef)}/other-person`, { method: 'POST', body: { step }, headers: device() });
