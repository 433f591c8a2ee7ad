import type { Db } from '../db/database.ts';
import { log } from '../http/logger.ts';
import { recordExpiredConsents } from './change-feed.service.ts';

/**
 * Records `consent.expired` events for every institution now and every `intervalMs` (the server:
 * one minute), beside the retention purge. Feed reads also sweep their own institution first.
 * Runs never overlap; a failed run is logged (error class only) and retried at the next tick.
 */
export function startExpirySweep(db: Db, clock: () => Date, intervalMs: number): () => void {
  let running = false;
  const run = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const recorded = await recordExpiredConsents(db, clock());
      if (recorded > 0) log('info', 'consent_expiries_recorded', { count: recorded });
    } catch (err) {
      log('error', 'consent_expiry_sweep_failed', { errorName: err instanceof Error ? err.name : 'unknown' });
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
