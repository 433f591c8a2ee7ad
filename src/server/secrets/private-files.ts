import fs from 'node:fs';

/**
 * The data directory holds the database, the demo login and (by default) the secret key file:
 * only the server's own user may enter it (issue 12 #6). An existing directory is narrowed too.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((fs.statSync(dir).mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

/** Narrows an existing file to its owner (0600); a missing one is left missing. */
export function makeFilePrivate(file: string): void {
  try {
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
