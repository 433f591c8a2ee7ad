/**
 * Where the server is in its life (issue 20 #4), as the readiness check sees it: `starting` until
 * migrations and the rest of the start are done, `ready` while it serves, `draining` after SIGTERM
 * (lifecycle/lifecycle.ts keeps it).
 */
export type Phase = 'starting' | 'ready' | 'draining';

/** How long the readiness check waits for the database's `SELECT 1` before it calls it unreachable. */
export const DATABASE_PING_TIMEOUT_MS = 2000;
