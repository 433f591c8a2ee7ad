import { log } from './http/logger.ts';

/**
 * Runs `work` now and then every `intervalMs` until the returned function is called: the retention
 * purge, the consent-expiry sweep. Runs never overlap; a failed run is logged (its error class
 * only: no data) and tried again at the next tick. `work` returns how many rows it handled, logged
 * as `doneEvent` when more than none. The timer alone never keeps the process alive at shutdown.
 */
export function startPeriodicTask(task: { intervalMs: number; work: () => Promise<number>; doneEvent: string; failedEvent: string }): () => void {
  let running = false;
  const run = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const count = await task.work();
      if (count > 0) log('info', task.doneEvent, { count });
    } catch (err) {
      log('error', task.failedEvent, { errorName: err instanceof Error ? err.name : 'unknown' });
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), task.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
