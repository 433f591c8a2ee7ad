import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The webhook signature: `v1=` and the hex HMAC-SHA256, under the endpoint's secret, of
 * `<timestamp>.<body>` (the timestamp header's value, a dot, the raw request body). A receiver
 * recomputes it over the body bytes it received, compares in constant time, and refuses a
 * timestamp more than 5 minutes from its clock (replay protection; it also dedupes by event id).
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The receiver's check (used by the tests as a receiver would; documented in the README). */
export function verifyWebhookSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A new signing secret: 32 random bytes, `whsec_` and base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
