import type { Db } from '../db/database.ts';
import { startPeriodicTask } from '../periodic-task.ts';
import { recordExpiredConsents } from './change-feed.service.ts';

/**
 * Records `consent.expired` events for every institution now and every `intervalMs` (the server:
 * one minute), beside the retention purge. Feed reads also sweep their own institution first.
 */
export function startExpirySweep(db: Db, clock: () => Date, intervalMs: number): () => void {
  return startPeriodicTask({
    intervalMs,
    work: () => recordExpiredConsents(db, clock()),
    doneEvent: 'consent_expiries_recorded',
    failedEvent: 'consent_expiry_sweep_failed',
  });
}
