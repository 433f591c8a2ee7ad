/**
 * Issue 19 #3: the change feed a clinic's EHR polls, and the webhooks that push the same events.
 * An event carries only opaque ids (the consent's or declaration's id), never patient data; the
 * EHR reads the record itself through the FHIR API with its own scopes.
 */

export const CHANGE_EVENT_TYPES = ['consent.registered', 'consent.updated', 'consent.revoked', 'consent.expired', 'declaration.received'] as const;
export type ChangeEventType = (typeof CHANGE_EVENT_TYPES)[number];

/** One event as the feed and the webhook body carry it. */
export interface ChangeEventDto {
  /** Unique over all institutions (a receiver dedupes by it: delivery is at least once). */
  id: string;
  /** The event's place in its institution's feed: strictly increasing, no gaps, from 1. */
  cursor: string;
  type: ChangeEventType;
  /** The consent's id (consent.*) or the declaration's id (declaration.received). */
  subjectId: string;
  /** When the change happened (for consent.expired: the end of the validity). */
  occurredAt: string;
}

/** GET /api/feed/changes */
export interface ChangeFeedResponse {
  events: ChangeEventDto[];
  /** Poll again with `after=<nextCursor>`; equals `after` when nothing new. */
  nextCursor: string;
  /** More events wait beyond this page. */
  hasMore: boolean;
}

export const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 500;

/**
 * A cursor is the decimal sequence number of the last event seen ("0" before the first). Only
 * canonical decimals are cursors: no sign, no leading zeros, no exponent, at most 15 digits.
 */
export function parseCursor(value: string | undefined): number | null {
  if (value === undefined) return 0;
  if (!/^(0|[1-9][0-9]{0,14})$/.test(value)) return null;
  return Number(value);
}

export function formatCursor(sequence: number): string {
  return String(sequence);
}

/** `limit`: a whole number 1–FEED_MAX_LIMIT; absent means the default. */
export function parseFeedLimit(value: string | undefined): number | null {
  if (value === undefined) return FEED_DEFAULT_LIMIT;
  if (!/^[1-9][0-9]{0,3}$/.test(value)) return null;
  const n = Number(value);
  return n <= FEED_MAX_LIMIT ? n : null;
}

// ---------------------------------------------------------------------------------------------
// Webhooks

/** Attempts before a delivery is dead-lettered (an administrator may retry it from the console). */
export const WEBHOOK_MAX_ATTEMPTS = 8;
/** First retry after 30 s, doubling, at most 1 h apart: 8 attempts span about an hour. */
export const WEBHOOK_BACKOFF_BASE_MS = 30_000;
export const WEBHOOK_BACKOFF_MAX_MS = 60 * 60 * 1000;

/** The wait before the next attempt after `attempts` failed ones (1, 2, …). */
export function webhookBackoffMs(attempts: number): number {
  return Math.min(WEBHOOK_BACKOFF_MAX_MS, WEBHOOK_BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

/** Receivers should refuse a timestamp further than this from their clock (replay protection). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The headers of every webhook POST (lower case, as HTTP/2 and `fetch` give them). */
export const WEBHOOK_HEADERS = {
  /** Unix seconds when the request was signed. */
  timestamp: 'zaitaku-webhook-timestamp',
  /** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` */
  signature: 'zaitaku-webhook-signature',
  /** The event's id (same as the body's `id`), to dedupe retries. */
  id: 'zaitaku-webhook-id',
} as const;

export const WEBHOOK_URL_MAX = 2000;

/** Delivery states: pending (queued or waiting for a retry), delivered, dead (gave up). */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
