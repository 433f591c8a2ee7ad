import type { Selectable } from 'kysely';
import type { WebhookDeliveryStatus } from '../../domain/change-feed/change-feed.ts';

/** One HTTPS endpoint per institution; the signing secret sealed with the keyring (secrets/keyring.ts). */
export interface WebhookEndpointTable {
  institution_id: string;
  url: string;
  secret_sealed: string;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

/** The outbox: one row per change event, written in the event's transaction. */
export interface WebhookDeliveryTable {
  id: string;
  institution_id: string;
  event_id: string;
  /** The event's sequence: deliveries of an institution go out in this order. */
  sequence: number;
  /** The exact JSON body that is POSTed (the event, ids only). */
  payload_json: string;
  status: WebhookDeliveryStatus;
  /** Failed attempts so far. */
  attempts: number;
  next_attempt_at: string;
  /** A delivery loop holds the row until then (another process's loop leaves it alone). */
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
