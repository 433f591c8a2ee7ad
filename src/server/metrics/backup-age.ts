import fs from 'node:fs';
import path from 'node:path';
import { listBackups, MANIFEST_SUFFIX } from '../backup/backup.service.ts';

/**
 * When the newest complete backup in `dir` was taken, for `zaitaku_backup_age_seconds`: the
 * backup module's own listing (backup/backup.service.ts, the time in the file's name, which is its
 * manifest's `createdAt`), counting only a backup whose manifest (`<file>.manifest.json`, written
 * last) is there. Null when the directory is missing or holds none: the gauge is then NaN, never 0.
 */
export function newestBackupAt(dir: string): Date | null {
  try {
    for (const entry of listBackups(dir)) {
      if (fs.existsSync(path.join(dir, `${entry.name}${MANIFEST_SUFFIX}`))) return entry.at;
    }
  } catch {
    // An unreadable directory is "no backup to be seen", which is what the gauge must say.
  }
  return null;
}
