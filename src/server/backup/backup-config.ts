import path from 'node:path';
import { isInside, loadBackupKey } from './backup-key.ts';

/**
 * When the server backs itself up (issue 20 #1). `BACKUP_SCHEDULE`:
 * - unset, empty or `off`: never (the default in every mode; `npm run backup` still works);
 * - `daily@HH:MM`: every day at that local time;
 * - `<n>h` or `<n>` (hours, 1–168): every n hours from the start.
 */
export type BackupSchedule = { kind: 'off' } | { kind: 'daily'; hour: number; minute: number } | { kind: 'interval'; hours: number };

export interface BackupConfig {
  schedule: BackupSchedule;
  /** `BACKUP_DIR`: where backups go (created 0700); outside the data directory. */
  dir: string | undefined;
  /** `BACKUP_KEY_FILE`: the key (32 bytes, 0600), outside the data directory. */
  keyFile: string | undefined;
  /** `BACKUP_KEEP_DAILY` (default 7): the newest backup of each of the last n days that have one. */
  keepDaily: number;
  /** `BACKUP_KEEP_WEEKLY` (default 4): the newest backup of each of the last n weeks that have one. */
  keepWeekly: number;
}

/** `BACKUP_DIR`, resolved: read here for the backups and by config.ts for the metrics' backup age. */
export function backupDirFrom(env: NodeJS.ProcessEnv): string | undefined {
  return env.BACKUP_DIR ? path.resolve(env.BACKUP_DIR) : undefined;
}

export function readBackupConfig(env: NodeJS.ProcessEnv, dataDir: string): BackupConfig {
  const schedule = parseSchedule(env.BACKUP_SCHEDULE);
  const dir = backupDirFrom(env);
  const keyFile = env.BACKUP_KEY_FILE ? path.resolve(env.BACKUP_KEY_FILE) : undefined;
  if (dir && isInside(dir, dataDir)) throw new Error(`BACKUP_DIR (${dir}) must be outside the data directory (${dataDir})`);
  if (schedule.kind !== 'off' && !dir) throw new Error('BACKUP_SCHEDULE is set: BACKUP_DIR must name where backups go');
  if (schedule.kind !== 'off' && !keyFile) throw new Error('BACKUP_SCHEDULE is set: BACKUP_KEY_FILE must name the backup key file');
  if (schedule.kind !== 'off' && env.DATABASE_URL) throw new Error('BACKUP_SCHEDULE backs up the embedded database only: with DATABASE_URL run npm run backup (pg_dump) from a timer instead');
  // A schedule that could never succeed refuses at start-up, before anything is opened.
  if (schedule.kind !== 'off') loadBackupKey(keyFile, dataDir);
  return {
    schedule,
    dir,
    keyFile,
    keepDaily: count('BACKUP_KEEP_DAILY', env.BACKUP_KEEP_DAILY, 7, 1),
    keepWeekly: count('BACKUP_KEEP_WEEKLY', env.BACKUP_KEEP_WEEKLY, 4, 0),
  };
}

export function parseSchedule(value: string | undefined): BackupSchedule {
  const text = (value ?? '').trim();
  if (text === '' || text === 'off') return { kind: 'off' };
  const daily = /^daily@(\d{2}):(\d{2})$/.exec(text);
  if (daily) {
    const hour = Number(daily[1]);
    const minute = Number(daily[2]);
    if (hour < 24 && minute < 60) return { kind: 'daily', hour, minute };
  }
  const hours = /^(\d{1,3})h?$/.exec(text);
  if (hours && Number(hours[1]) >= 1 && Number(hours[1]) <= 168) return { kind: 'interval', hours: Number(hours[1]) };
  throw new Error('BACKUP_SCHEDULE must be off, daily@HH:MM or a number of hours from 1 to 168 (e.g. 6h)');
}

function count(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > 1000) throw new Error(`${name} must be a whole number from ${min} to 1000`);
  return n;
}
