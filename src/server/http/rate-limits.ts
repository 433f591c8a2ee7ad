import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';
import { clientAddress, FixedWindowCounter, loginIdOf, rateLimit, type RateLimitConfig } from './rate-limit.ts';

/** Only POSTs count: a wrong method is a 404 and must not use up anyone's attempts. */
function onPost(handler: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return (c, next) => (c.req.method === 'POST' ? handler(c, next) : next());
}

/**
 * Where the limits apply, on the /api sub-app (paths relative to /api). The tablet polls
 * GET /public/registrations/:id every second during a handoff: that read is never limited; only
 * starting a handoff and answering one are. Each call gets its own counters (one per app).
 */
export function mountRateLimits(api: Hono<AppEnv>, limits: RateLimitConfig): void {
  const perAccount = new FixedWindowCounter(limits.loginPerAccount);
  const perClient = new FixedWindowCounter(limits.loginPerClient);
  const staffAuth = new FixedWindowCounter(limits.staffAuthPerClient);
  const handoffStart = new FixedWindowCounter(limits.handoffStartPerClient);
  const handoffAnswer = new FixedWindowCounter(limits.handoffAnswerPerClient);
  const institutionRegister = new FixedWindowCounter(limits.institutionRegisterPerClient);

  // Failed logins: per client and account (guessing one password), per client (spraying).
  api.use(
    '/staff/login',
    onPost(rateLimit({ counter: perClient, key: clientAddress, count: 'failures' })),
    onPost(rateLimit({ counter: perAccount, key: async (c) => `${clientAddress(c)}\n${await loginIdOf(c)}`, count: 'failures' })),
  );
  // The two-factor steps: every request counts, whatever it answers.
  api.use('/staff/auth/*', onPost(rateLimit({ counter: staffAuth, key: clientAddress, count: 'all' })));
  const start = onPost(rateLimit({ counter: handoffStart, key: clientAddress, count: 'all' }));
  api.use('/public/registrations', start);
  api.use('/public/card-requests', start);
  api.use('/public/registrations/:id/challenge', start);
  api.use('/handoff', onPost(rateLimit({ counter: handoffAnswer, key: clientAddress, count: 'failures' })));
  // Issue 12 #9: registering an institution is public; every attempt counts.
  api.use('/staff/institution/register', onPost(rateLimit({ counter: institutionRegister, key: clientAddress, count: 'all' })));
}
