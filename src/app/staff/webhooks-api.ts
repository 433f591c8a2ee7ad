import type {
  WebhookConfigRequest,
  WebhookConfigResponse,
  WebhookDeadLetterListResponse,
  WebhookRetryResponse,
  WebhookSavedResponse,
} from '../../domain/change-feed/webhook-api.ts';
import { api } from '../api-client.ts';

// Webhooks of the change feed (issue 19 #3): administrators only. Shapes from
// domain/change-feed/webhook-api.ts.

export const loadWebhookConfig = () => api<WebhookConfigResponse>('/staff/webhooks');

/** Sets the endpoint; the first time, the answer holds the signing secret (never again). */
export const saveWebhookEndpoint = (request: WebhookConfigRequest) => api<WebhookSavedResponse>('/staff/webhooks', { method: 'PUT', body: request });

/** A new signing secret, shown once; the old one stops at once. */
export const rotateWebhookSecret = () => api<WebhookSavedResponse>('/staff/webhooks/secret', { method: 'POST' });

export const listDeadLetters = () => api<WebhookDeadLetterListResponse>('/staff/webhooks/dead-letters');

export const retryDeadLetter = (id: string) => api<WebhookRetryResponse>(`/staff/webhooks/dead-letters/${encodeURIComponent(id)}/retry`, { method: 'POST' });
