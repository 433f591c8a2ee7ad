import type {
  ClaimDeclarationRequest,
  DeclarationInboxResponse,
  DeclarationResponse,
  DeclarationStateResponse,
  DeclarationStatus,
  VerifyDeclarationRequest,
} from '../../domain/declaration/declaration-api.ts';
import type { GuideRecordListResponse } from '../../domain/fallback/guide-record.ts';
import { api } from '../api-client.ts';
import { deviceId } from '../device-id.ts';

// The staff inbox of outage declarations (issue 5 §5, F6, D5). Each call sends this browser's
// device id, so the audit trail can say which device viewed or changed a declaration (X5).

const device = () => ({ 'x-device-id': deviceId() });
const path = (id: string, action = '') => `/staff/declarations/${encodeURIComponent(id)}${action}`;

export const declarationInbox = (status: DeclarationStatus | null) =>
  api<DeclarationInboxResponse>(`/staff/declarations${status ? `?status=${status}` : ''}`, { headers: device() });

export const declarationDetail = (id: string) => api<DeclarationResponse>(path(id), { headers: device() });

export const verifyDeclaration = (id: string, body: VerifyDeclarationRequest) =>
  api<DeclarationStateResponse>(path(id, '/verify'), { method: 'POST', body, headers: device() });

export const claimDeclaration = (id: string, body: ClaimDeclarationRequest) =>
  api<DeclarationStateResponse>(path(id, '/claim'), { method: 'POST', body, headers: device() });

export const completeDeclaration = (id: string) =>
  api<DeclarationStateResponse>(path(id, '/complete'), { method: 'POST', body: {}, headers: device() });

/** Issue 5 §2: guide outcomes received without a form (read-only). */
export const guideRecordList = () => api<GuideRecordListResponse>('/staff/guide-records', { headers: device() });
