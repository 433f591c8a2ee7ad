// The limits as configured: plain data, read by config.ts, so that it needs nothing of the
// middleware (rate-limit.ts) or the request context.

export interface RateLimit {
  /** Requests (or failed requests, see `RateLimitOptions.count`) allowed per window and key. */
  limit: number;
  windowMs: number;
}

export interface RateLimitConfig {
  /** Failed logins per login id, from whatever address (password guessing on one account, issue 12 #2). */
  loginPerAccount: RateLimit;
  /** Failed logins per client address, whatever the login id (spraying many accounts). */
  loginPerClient: RateLimit;
  /** Requests to the sign-in steps under /api/staff/auth/ (2FA) per client address. */
  staffAuthPerClient: RateLimit;
  /** Starts of a card handoff (registrations, card requests, new challenges) per client address. */
  handoffStartPerClient: RateLimit;
  /** Failed card-app answers (POST /api/handoff) per client address. */
  handoffAnswerPerClient: RateLimit;
  /** Declarations from devices the clinic has not enrolled, per institution link (issue 12 #15; default when absent). */
  unverifiedDeclarationsPerLink?: RateLimit;
  /** Failed device enrolments (wrong or used codes) per client address (issue 12 #15; default when absent). */
  deviceEnrolmentPerClient?: RateLimit;
  /** Institution registrations (POST /api/staff/institution/register, public) per client address. */
  institutionRegisterPerClient: RateLimit;
  /** Requests of one API client of a clinic system (issue 19 #2; default when absent). */
  apiClientRequests?: RateLimit;
  /** Refused API-client credentials per client address (issue 19 #2; default when absent). */
  apiClientFailuresPerClient?: RateLimit;
}

const MINUTE = 60 * 1000;

export const DEFAULT_RATE_LIMITS: Required<RateLimitConfig> = {
  loginPerAccount: { limit: 10, windowMs: 15 * MINUTE },
  loginPerClient: { limit: 100, windowMs: 15 * MINUTE },
  staffAuthPerClient: { limit: 60, windowMs: MINUTE },
  // A clinic's tablets share one address; a reception registers far fewer people per minute.
  handoffStartPerClient: { limit: 60, windowMs: MINUTE },
  handoffAnswerPerClient: { limit: 30, windowMs: MINUTE },
  // Anyone with the poster link can send; a clinic's enrolled tablets are not counted.
  unverifiedDeclarationsPerLink: { limit: 20, windowMs: 60 * MINUTE },
  deviceEnrolmentPerClient: { limit: 10, windowMs: 15 * MINUTE },
  // Issue 12 #9: a clinic registers once; every attempt counts, successful or not.
  institutionRegisterPerClient: { limit: 5, windowMs: 60 * MINUTE },
  // Issue 19 #2: a clinic's EHR polls the feed and reads records; a runaway loop is stopped.
  apiClientRequests: { limit: 600, windowMs: MINUTE },
  // Wrong or revoked credentials: each is audited, so their number is capped per address.
  apiClientFailuresPerClient: { limit: 30, windowMs: 15 * MINUTE },
};

/** Every limit multiplied by `factor` (tests and the browser suite, which sign in very often). */
export function scaledRateLimits(factor: number, base: RateLimitConfig = DEFAULT_RATE_LIMITS): RateLimitConfig {
  const scaled = {} as RateLimitConfig;
  for (const [name, rule] of Object.entries(base) as [keyof RateLimitConfig, RateLimit][]) {
    scaled[name] = { limit: Math.max(1, Math.round(rule.limit * factor)), windowMs: rule.windowMs };
  }
  return scaled;
}
