import type { ApiClientListResponse, ApiClientResponse, CreateApiClientRequest, CreatedApiClientResponse } from '../../domain/api-client/api-client-api.ts';
import { api } from '../api-client.ts';

// API clients of the clinic's systems (issue 19 #2): administrators only. Shapes from
// domain/api-client/api-client-api.ts.

export const listApiClients = () => api<ApiClientListResponse>('/staff/api-clients');

/** Creates a client; the answer holds its secret, which no later call returns. */
export const createApiClient = (request: CreateApiClientRequest) => api<CreatedApiClientResponse>('/staff/api-clients', { method: 'POST', body: request });

export const revokeApiClient = (clientId: string) => api<ApiClientResponse>(`/staff/api-clients/${encodeURIComponent(clientId)}/revoke`, { method: 'POST' });
