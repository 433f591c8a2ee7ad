import { log } from '../http/logger.ts';
import type { BackupConfig, BackupSchedule } from './backup-config.ts';
import { BackupRefusedError } from './backup-errors.ts';
import { loadBackupKey } from './backup-key.ts';
import { createBackup, listBackups, pruneBackups, type BackupResult } from './backup.service.ts';

export interface BackupScheduler {
  /** Takes a backup now and prunes old generations (the timer calls this; tests call it with their clock). */
  runOnce(): Promise<BackupResult>;
  /** When the newest backup in BACKUP_DIR was taken (null: none yet); for the metrics' backup age. */
  lastBackupAt(): Date | null;
  /** Stops the timer and waits for a backup under way to finish. */
  stop(): Promise<void>;
}

/** The next run after `now`: the next daily time (local), or `hours` after now. */
export function nextRun(schedule: Exclude<BackupSchedule, { kind: 'off' }>, now: Date): Date {
  if (schedule.kind === 'interval') return new Date(now.getTime() + schedule.hours * 60 * 60 * 1000);
  const next = new Date(now.getFullYear(), now.getMonth(), now.getDate(), schedule.hour, schedule.minute, 0, 0);
  if (next.getTime() <= now.getTime()) next.setDate(next.getDate() + 1);
  return next;
}

/**
 * Issue 20 #1: the server's own backups of the embedded database, on BACKUP_SCHEDULE, keeping
 * BACKUP_KEEP_DAILY / BACKUP_KEEP_WEEKLY generations. Returns null when no schedule is configured
 * (the default, in demo and production mode) or the database is PostgreSQL (pg_dump, see README).
 * The key file is checked here, at start-up: a schedule that could never succeed refuses to start.
 */
export function startBackupSchedule(options: {
  config: BackupConfig;
  dataDir: string;
  dialect: 'sqlite' | 'postgres';
  clock?: () => Date;
  /** Whether to arm the timer (tests drive runOnce themselves). */
  timer?: boolean;
}): BackupScheduler | null {
  const { config, dataDir } = options;
  const schedule = config.schedule;
  if (schedule.kind === 'off') return null;
  if (options.dialect !== 'sqlite') throw new BackupRefusedError('BACKUP_SCHEDULE backs up the embedded database only: with DATABASE_URL use pg_dump (README: Backups and restore).');
  const clock = options.clock ?? (() => new Date());
  const key = loadBackupKey(config.keyFile, dataDir);
  const backupDir = config.dir!;
  let last: Date | null = listBackups(backupDir)[0]?.at ?? null;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const runOnce = async (): Promise<BackupResult> => {
    const result = await createBackup({ dataDir, backupDir, key, now: clock() });
    last = new Date(result.manifest.createdAt);
    const removed = pruneBackups(backupDir, config.keepDaily, config.keepWeekly);
    log('info', 'backup_created', { file: result.file, bytes: result.bytes, seconds: Math.round(result.seconds * 10) / 10, pruned: removed.length });
    return result;
  };

  const arm = () => {
    if (stopped || options.timer === false) return;
    const delay = Math.max(1000, nextRun(schedule, clock()).getTime() - clock().getTime());
    timer = setTimeout(() => {
      const run = runOnce().catch((error: unknown) => {
        // The class and our own one-line message only: nothing from the database.
        log('error', 'backup_failed', { error: error instanceof BackupRefusedError ? error.message : error instanceof Error ? error.name : 'error' });
      });
      running = run;
      void run.finally(arm);
    }, delay);
    // A pending backup never keeps the process alive on its own.
    timer.unref();
  };
  arm();

  return {
    runOnce: () => {
      const run = runOnce();
      running = run.catch(() => undefined);
      return run;
    },
    lastBackupAt: () => last,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
