/** One fixed window of one rate-limit rule and key (see rate-limit.ts). */
export interface RateLimitCounterTable {
  /** SHA-256 (base64url) of the rule name and the key: counters keep no address or login id. */
  key: string;
  /** When the window began (ISO-8601); it ends at `expires_at`. */
  window_start: string;
  expires_at: string;
  count: number;
}
