import { auditQueryString, type AuditCursor, type AuditEventsResponse, type AuditFilter, type AuditStaffResponse, type AuditVerifyResponse } from '../../domain/staff/audit-api.ts';
import { api } from '../api-client.ts';

// The audit trail viewer (administrators, permission audit.view). Shapes from domain/staff/audit-api.ts.

export const auditEvents = (filter: AuditFilter, before: AuditCursor | null) =>
  api<AuditEventsResponse>(`/staff/audit/events?${auditQueryString(filter, before)}`);

/** The staff names the filter offers. */
export const auditStaff = () => api<AuditStaffResponse>('/staff/audit/staff');

/** Checks one part of the hash chain on the server, from `fromSeq` (the answer names the next). */
export const verifyAuditChainPart = (fromSeq: number) => api<AuditVerifyResponse>('/staff/audit/verify', { method: 'POST', body: { fromSeq } });

/** The CSV export is a plain download link, so the browser saves the file itself. */
export const auditCsvHref = (filter: AuditFilter) => `/api/staff/audit/events.csv?${auditQueryString(filter)}`;
