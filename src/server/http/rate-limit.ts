import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';
import { AppError, errorBody } from './errors.ts';

/**
 * A small in-memory fixed-window limiter (one process, one server: what the embedded default runs).
 * Windows follow `c.var.now()`, the app's clock, so tests move through them with the TestClock.
 * Counts never leave the process and nothing about them is logged (the keys hold a client address
 * and a login id).
 */

export interface RateLimit {
  /** Requests (or failed requests, see `countOnly`) allowed per window and key. */
  limit: number;
  windowMs: number;
}

export interface RateLimitConfig {
  /** Failed logins per client address and login id (password guessing on one account). */
  loginPerAccount: RateLimit;
  /** Failed logins per client address, whatever the login id (spraying many accounts). */
  loginPerClient: RateLimit;
  /** Requests to the sign-in steps under /api/staff/auth/ (2FA) per client address. */
  staffAuthPerClient: RateLimit;
  /** Starts of a card handoff (registrations, card requests, new challenges) per client address. */
  handoffStartPerClient: RateLimit;
  /** Failed card-app answers (POST /api/handoff) per client address. */
  handoffAnswerPerClient: RateLimit;
  /** Institution registrations (POST /api/staff/institution/register, public) per client address. */
  institutionRegisterPerClient: RateLimit;
}

const MINUTE = 60 * 1000;

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  loginPerAccount: { limit: 10, windowMs: 15 * MINUTE },
  loginPerClient: { limit: 100, windowMs: 15 * MINUTE },
  staffAuthPerClient: { limit: 60, windowMs: MINUTE },
  // A clinic's tablets share one address; a reception registers far fewer people per minute.
  handoffStartPerClient: { limit: 60, windowMs: MINUTE },
  handoffAnswerPerClient: { limit: 30, windowMs: MINUTE },
  // Issue 12 #9: a clinic registers once; every attempt counts, successful or not.
  institutionRegisterPerClient: { limit: 5, windowMs: 60 * MINUTE },
};

/** Every limit multiplied by `factor` (tests and the browser suite, which sign in very often). */
export function scaledRateLimits(factor: number, base: RateLimitConfig = DEFAULT_RATE_LIMITS): RateLimitConfig {
  const scaled = {} as RateLimitConfig;
  for (const [name, rule] of Object.entries(base) as [keyof RateLimitConfig, RateLimit][]) {
    scaled[name] = { limit: Math.max(1, Math.round(rule.limit * factor)), windowMs: rule.windowMs };
  }
  return scaled;
}

export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super(429, 'rate_limited', 'Too many attempts. Please wait a little and try again.');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

interface Window {
  start: number;
  count: number;
}

/** The counts of one rule; old windows are swept so memory stays bounded by active clients. */
export class FixedWindowCounter {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;
  readonly rule: RateLimit;
  constructor(rule: RateLimit) {
    this.rule = rule;
  }

  private current(key: string, now: number): Window | undefined {
    const w = this.windows.get(key);
    // A clock set back (tests) or a window that has run out starts afresh.
    if (!w || now < w.start || now >= w.start + this.rule.windowMs) return undefined;
    return w;
  }

  /** Seconds until the key may try again, or 0 when it is under the limit. */
  blockedFor(key: string, now: number): number {
    const w = this.current(key, now);
    if (!w || w.count < this.rule.limit) return 0;
    return Math.max(1, Math.ceil((w.start + this.rule.windowMs - now) / 1000));
  }

  hit(key: string, now: number): void {
    this.sweep(now);
    const w = this.current(key, now);
    if (w) w.count += 1;
    else this.windows.set(key, { start: now, count: 1 });
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.rule.windowMs && this.windows.size < 10_000) return;
    this.lastSweep = now;
    for (const [key, w] of this.windows) if (now < w.start || now >= w.start + this.rule.windowMs) this.windows.delete(key);
  }
}

/**
 * The client's address. Behind a reverse proxy every request comes from the proxy, so the first
 * X-Forwarded-For entry is used, but only when the operator says a proxy is in front
 * (TRUST_PROXY); otherwise a client could pick its own key. In-process requests (tests) have no
 * socket: they share one key.
 */
export function clientAddress(c: Context<AppEnv>): string {
  if (c.var.config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

export interface RateLimitOptions {
  counter: FixedWindowCounter;
  /** The key within the rule; undefined skips the limit for this request. */
  key: (c: Context<AppEnv>) => string | undefined | Promise<string | undefined>;
  /** 'failures': only answers of 400 and above count (a successful login costs nothing). */
  count: 'all' | 'failures';
}

/** 429 `rate_limited` with Retry-After once a key has used up its window. */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = await options.key(c);
    if (key === undefined) return next();
    const wait = options.counter.blockedFor(key, c.var.now().getTime());
    if (wait > 0) {
      const error = new RateLimitedError(wait);
      return c.json(errorBody(error.code, error.message), 429, { 'Retry-After': String(wait) });
    }
    await next();
    if (options.count === 'all' || c.res.status >= 400) options.counter.hit(key, c.var.now().getTime());
  };
}

/**
 * The login id of a login request, read from the (size-limited) JSON body; Hono keeps the parsed
 * body, so the route reads it again. Trimmed and lower-cased the way a person would retype it;
 * anything unreadable counts under one shared key.
 */
export async function loginIdOf(c: Context<AppEnv>): Promise<string> {
  try {
    const body: unknown = await c.req.json();
    const id = body && typeof body === 'object' && 'loginId' in body ? (body as { loginId: unknown }).loginId : undefined;
    return typeof id === 'string' ? id.trim().toLowerCase().slice(0, 64) : '(none)';
  } catch {
    return '(unreadable)';
  }
}
