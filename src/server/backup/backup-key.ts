import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BackupKeyError } from './backup-errors.ts';

const KEY_BYTES = 32;

/** True when `target` is `dir` itself or lies anywhere below it (symbolic links resolved). */
export function isInside(target: string, dir: string): boolean {
  const real = (p: string) => {
    // The nearest existing ancestor's real path, plus the rest: a file not yet created still counts.
    let head = path.resolve(p);
    const rest: string[] = [];
    while (!fs.existsSync(head)) {
      rest.unshift(path.basename(head));
      const up = path.dirname(head);
      if (up === head) break;
      head = up;
    }
    return path.join(fs.realpathSync(head), ...rest);
  };
  const relative = path.relative(real(dir), real(target));
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/**
 * The backup key: 32 random bytes in a file of its own (raw, or base64 on one line), readable by
 * its owner only (0600 or stricter) and kept outside the data directory: a backup carried off
 * with its data directory's copy must not carry its key too.
 */
export function loadBackupKey(keyFile: string | undefined, dataDir: string): Buffer {
  if (!keyFile) throw new BackupKeyError('BACKUP_KEY_FILE is not set: name the backup key file (create one with: npm run backup -- --new-key <file>).');
  const file = path.resolve(keyFile);
  if (isInside(file, dataDir)) throw new BackupKeyError(`The backup key file ${file} is inside the data directory ${dataDir}: keep it elsewhere.`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new BackupKeyError(`The backup key file ${file} does not exist or cannot be read.`);
  }
  if (!stat.isFile()) throw new BackupKeyError(`The backup key file ${file} is not a regular file.`);
  if ((stat.mode & 0o077) !== 0) {
    throw new BackupKeyError(`The backup key file ${file} is readable by others (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}): chmod 600 it.`);
  }
  const bytes = fs.readFileSync(file);
  if (bytes.length === KEY_BYTES) return bytes;
  const text = bytes.toString('utf8').trim();
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (decoded.length === KEY_BYTES) return decoded;
  throw new BackupKeyError(`The backup key file ${file} must hold ${KEY_BYTES} random bytes (raw, or base64 on one line).`);
}

/** Creates a new key file (0600); refuses to overwrite one or to put it in the data directory. */
export function createBackupKeyFile(keyFile: string, dataDir: string): string {
  const file = path.resolve(keyFile);
  if (isInside(file, dataDir)) throw new BackupKeyError(`The backup key file ${file} would be inside the data directory ${dataDir}: put it elsewhere.`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupKeyError(`The backup key file ${file} exists already: it was not replaced.`);
    throw error;
  }
  return file;
}
