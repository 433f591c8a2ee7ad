import type { InstitutionLinkResponse, InstitutionSettings, InstitutionSettingsResponse, RegisterInstitutionRequest } from '../../domain/institution/institution-api.ts';
import { api } from '../api-client.ts';

// The institution: its link and QR (M1), its settings (S2/S3/S5, return addresses, retention) and
// its registration with the operator's activation code (issue 12 #9). Shapes from
// domain/institution/institution-api.ts.

export const loadLink = () => api<InstitutionLinkResponse>('/staff/institution/link');

/** M1: a new link; the old one stops working at once. */
export const reissueLink = () => api<InstitutionLinkResponse>('/staff/institution/link/reissue', { method: 'POST' });

export const loadSettings = () => api<InstitutionSettingsResponse>('/staff/institution/settings');

export const saveSettings = (settings: InstitutionSettings) =>
  api<InstitutionSettingsResponse>('/staff/institution/settings', { method: 'PUT', body: settings });

/** A new institution and its first administrator; the answer carries the signed-in session. */
export const registerInstitution = (request: RegisterInstitutionRequest) => api<unknown>('/staff/institution/register', { method: 'POST', body: request });
