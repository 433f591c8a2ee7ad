import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { DbOrTx } from '../db/database.ts';
import type { AppEnv } from './app-env.ts';
import { errorBody, RetryLaterError } from './errors.ts';
import { deleteExpiredCounters, returnCounterSlot, takeCounterSlot } from './rate-limit.repository.ts';
import type { RateLimit } from './rate-limit-config.ts';

/**
 * Fixed-window limits counted in the database, so every server process shares them (issue 12
 * #1). A request takes its slot atomically BEFORE the work is done; concurrency can therefore
 * never let more than `limit` requests through a window. Windows start at a key's first slot and
 * follow `c.var.now()`, the app's clock, so tests move through them with the TestClock. Keys are
 * stored only as SHA-256 hashes (they hold a client address or a login id), and nothing about
 * them is logged.
 */

export class RateLimitedError extends RetryLaterError {
  constructor(retryAfterSeconds: number) {
    super('rate_limited', 'Too many attempts. Please wait a little and try again.', retryAfterSeconds);
  }
}

/** The stored form of a rule's key: a hash, so the counters keep no personal data. */
export function counterKey(ruleName: string, key: string): string {
  return createHash('sha256').update(`${ruleName}\n${key}`).digest('base64url');
}

/** A slot taken in one window of one key. */
export interface Slot {
  key: string;
  windowStart: string;
  count: number;
  retryAfterSeconds: number;
}

/** The counts of one rule, in the database; windows that have run out are purged now and then. */
export class RateCounter {
  readonly name: string;
  readonly rule: RateLimit;
  private lastPurge = Number.NEGATIVE_INFINITY;
  constructor(name: string, rule: RateLimit) {
    this.name = name;
    this.rule = rule;
  }

  /** Takes a slot (count includes it); over the limit when `count > rule.limit`. */
  async take(db: DbOrTx, key: string, now: Date): Promise<Slot> {
    const at = now.getTime();
    // About once a window per process and rule, one indexed delete keeps the table to live windows.
    if (at - this.lastPurge >= this.rule.windowMs || at < this.lastPurge) {
      this.lastPurge = at;
      await deleteExpiredCounters(db, now.toISOString());
    }
    const stored = counterKey(this.name, key);
    const w = await takeCounterSlot(db, stored, now.toISOString(), new Date(at + this.rule.windowMs).toISOString());
    const count = Number(w.count);
    return { key: stored, windowStart: w.window_start, count, retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(w.expires_at) - at) / 1000)) };
  }

  over(slot: Slot): boolean {
    return slot.count > this.rule.limit;
  }

  async giveBack(db: DbOrTx, slot: Slot): Promise<void> {
    await returnCounterSlot(db, slot.key, slot.windowStart);
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

export interface RateLimitRule {
  counter: RateCounter;
  /** The key within the rule; undefined skips this rule for this request. */
  key: (c: Context<AppEnv>) => string | undefined | Promise<string | undefined>;
}

export interface RateLimitOptions {
  rules: RateLimitRule[];
  /**
   * 'all': every request keeps its slot. 'failures': the slot is taken before the work and
   * given back when the answer is a success (below 400), so a successful login costs nothing
   * while concurrent failures can never exceed the limit.
   */
  count: 'all' | 'failures';
}

/** 429 `rate_limited` with Retry-After, before the work, once any rule's key has used up its window. */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const db = c.var.db;
    const now = c.var.now();
    const taken: { counter: RateCounter; slot: Slot }[] = [];
    for (const rule of options.rules) {
      const key = await rule.key(c);
      if (key === undefined) continue;
      const slot = await rule.counter.take(db, key, now);
      taken.push({ counter: rule.counter, slot });
      if (rule.counter.over(slot)) {
        // Refused before any work: nothing was tried, so no budget is used up.
        for (const t of taken) await t.counter.giveBack(db, t.slot);
        const error = new RateLimitedError(slot.retryAfterSeconds);
        c.var.metrics?.rateLimitRefused(rule.counter.name);
        return c.json(errorBody(error.code, error.message), 429, { 'Retry-After': String(error.retryAfterSeconds) });
      }
    }
    let succeeded = false;
    try {
      await next();
      succeeded = c.res.status < 400;
    } finally {
      if (options.count === 'failures' && succeeded) for (const t of taken) await t.counter.giveBack(db, t.slot);
    }
  };
}

/**
 * The login id of a login request, read from the (size-limited) JSON body; Hono keeps the parsed
 * body, so the route reads it again. Trimmed and lower-cased the way a person would retype it;
 * anything unreadable counts under one shared key.
 */
export function loginKey(loginId: string): string {
  return loginId.trim().toLowerCase().slice(0, 64);
}

export async function loginIdOf(c: Context<AppEnv>): Promise<string> {
  try {
    const body: unknown = await c.req.json();
    const id = body && typeof body === 'object' && 'loginId' in body ? (body as { loginId: unknown }).loginId : undefined;
    return typeof id === 'string' ? loginKey(id) : '(none)';
  } catch {
    return '(unreadable)';
  }
}
