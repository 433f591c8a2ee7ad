import { z } from '../shared/zod.ts';
import { WEBHOOK_URL_MAX, type ChangeEventType } from './change-feed.ts';

/** Issue 19 #3: the staff console's webhook screen and its API (/api/staff/webhooks). */

/** PUT /api/staff/webhooks */
export const webhookConfigSchema = z.object({ url: z.string().min(1).max(WEBHOOK_URL_MAX) }).strict();
export type WebhookConfigRequest = z.infer<typeof webhookConfigSchema>;

export interface WebhookEndpointDto {
  url: string;
  updatedAt: string;
}

/** GET /api/staff/webhooks: the endpoint (never its secret) and the outbox's counts. */
export interface WebhookConfigResponse {
  endpoint: WebhookEndpointDto | null;
  pending: number;
  dead: number;
}

/**
 * PUT /api/staff/webhooks and POST /api/staff/webhooks/secret: `secret` only when one was made
 * (the first configuration, or a rotation). It is shown this once.
 */
export interface WebhookSavedResponse {
  endpoint: WebhookEndpointDto;
  secret: string | null;
}

/** One dead-lettered delivery: the event's ids and why delivery stopped, nothing else. */
export interface WebhookDeadLetterDto {
  id: string;
  eventId: string;
  cursor: string;
  type: ChangeEventType;
  attempts: number;
  /** `http_<status>`, `network`, `timeout`, `address_refused`, `no_endpoint`. */
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDeadLetterListResponse {
  deadLetters: WebhookDeadLetterDto[];
}

export interface WebhookRetryResponse {
  id: string;
  status: 'pending';
}
