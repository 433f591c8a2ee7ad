import type { Hono, MiddlewareHandler } from 'hono';
import type { DbOrTx } from '../db/database.ts';
import type { AppEnv } from './app-env.ts';
import { clientAddress, counterKey, loginIdOf, loginKey, RateCounter, rateLimit } from './rate-limit.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitConfig } from './rate-limit-config.ts';
import { deleteCounter } from './rate-limit.repository.ts';
import { unverifiedSenderLinkKey } from '../device/device-trust.service.ts';

/** Only POSTs count: a wrong method is a 404 and must not use up anyone's attempts. */
function onPost(handler: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return (c, next) => (c.req.method === 'POST' ? handler(c, next) : next());
}

/** The rule names are part of the stored (hashed) keys. */
const LOGIN_PER_ACCOUNT_RULE = 'loginPerAccount';

/** Forgets an account's failed-password window (an administrator unlocking it). */
export async function forgetLoginFailuresOf(db: DbOrTx, loginId: string): Promise<void> {
  await deleteCounter(db, counterKey(LOGIN_PER_ACCOUNT_RULE, loginKey(loginId)));
}

/**
 * Where the limits apply, on the /api sub-app (paths relative to /api). The tablet polls
 * GET /public/registrations/:id every second during a handoff: that read is never limited; only
 * starting a handoff and answering one are. The counts live in the database: every app and every
 * server process over the same database shares them.
 */
export function mountRateLimits(api: Hono<AppEnv>, limits: RateLimitConfig): void {
  const perAccount = new RateCounter(LOGIN_PER_ACCOUNT_RULE, limits.loginPerAccount);
  const perClient = new RateCounter('loginPerClient', limits.loginPerClient);
  const staffAuth = new RateCounter('staffAuthPerClient', limits.staffAuthPerClient);
  const handoffStart = new RateCounter('handoffStartPerClient', limits.handoffStartPerClient);
  const handoffAnswer = new RateCounter('handoffAnswerPerClient', limits.handoffAnswerPerClient);
  const unverifiedDeclarations = new RateCounter('unverifiedDeclarationsPerLink', limits.unverifiedDeclarationsPerLink ?? DEFAULT_RATE_LIMITS.unverifiedDeclarationsPerLink);
  const deviceEnrolment = new RateCounter('deviceEnrolmentPerClient', limits.deviceEnrolmentPerClient ?? DEFAULT_RATE_LIMITS.deviceEnrolmentPerClient);
  const institutionRegister = new RateCounter('institutionRegisterPerClient', limits.institutionRegisterPerClient);

  // Failed logins: per client (spraying) and per account from any address (guessing one password
  // from many addresses, issue 12 #2).
  api.use(
    '/staff/login',
    onPost(
      rateLimit({
        rules: [
          { counter: perClient, key: clientAddress },
          { counter: perAccount, key: loginIdOf },
        ],
        count: 'failures',
      }),
    ),
  );
  // The two-factor steps: every request counts, whatever it answers.
  api.use('/staff/auth/*', onPost(rateLimit({ rules: [{ counter: staffAuth, key: clientAddress }], count: 'all' })));
  const start = onPost(rateLimit({ rules: [{ counter: handoffStart, key: clientAddress }], count: 'all' }));
  api.use('/public/registrations', start);
  api.use('/public/card-requests', start);
  api.use('/public/registrations/:id/challenge', start);
  api.use('/handoff', onPost(rateLimit({ rules: [{ counter: handoffAnswer, key: clientAddress }], count: 'failures' })));
  // Issue 12 #15: declarations from a device the clinic does not know, per institution link.
  api.use('/public/declarations', onPost(rateLimit({ rules: [{ counter: unverifiedDeclarations, key: unverifiedSenderLinkKey }], count: 'all' })));
  api.use('/public/device-enrolments', onPost(rateLimit({ rules: [{ counter: deviceEnrolment, key: clientAddress }], count: 'failures' })));
  // Issue 12 #9: registering an institution is public; every attempt counts.
  api.use('/staff/institution/register', onPost(rateLimit({ rules: [{ counter: institutionRegister, key: clientAddress }], count: 'all' })));
}
