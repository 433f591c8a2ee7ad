import path from 'node:path';
import { readConfig } from '../config.ts';
import { commandOption, runBackupCommand } from './run-command.ts';
import { readBackupConfig } from './backup-config.ts';
import { BackupRefusedError } from './backup-errors.ts';
import { createBackupKeyFile, loadBackupKey } from './backup-key.ts';
import { openDatabase } from '../db/database.ts';
import { createPostgresBackup } from './backup-postgres.ts';
import { createBackup, encryptFile, pruneBackups } from './backup.service.ts';

/**
 * Issue 20 #1: `npm run backup` — an encrypted, consistent copy of the embedded database, taken
 * while the server runs (DATA_DIR, BACKUP_DIR, BACKUP_KEY_FILE as the server reads them).
 *
 *   npm run backup                         a backup into BACKUP_DIR
 *   npm run backup -- --out <file>         a backup into that file
 *   npm run backup -- --prune              then delete generations beyond BACKUP_KEEP_DAILY / _WEEKLY
 *   npm run backup -- --new-key <file>     create a key file (32 random bytes, 0600)
 *   npm run backup -- --encrypt <in> --out <file>   encrypt any file with the backup key
 *
 * With DATABASE_URL set, `npm run backup` runs pg_dump -Fc in a snapshot whose row counts and
 * audit head go into the manifest (backup-postgres.ts), and encrypts the dump the same way.
 *
 * Exit status 0 done, 1 refused (one line on stderr says why).
 */
async function main(args: string[]): Promise<number> {
  const config = readConfig();
  const backup = readBackupConfig(process.env, config.dataDir);
  const newKey = commandOption(args, '--new-key');
  if (newKey) {
    process.stdout.write(`backup key created: ${createBackupKeyFile(newKey, config.dataDir)} (0600; keep a copy off this machine, apart from the backups)\n`);
    return 0;
  }
  const key = loadBackupKey(backup.keyFile, config.dataDir);
  const out = commandOption(args, '--out');
  const input = commandOption(args, '--encrypt');
  if (input) {
    if (!out) throw new BackupRefusedError('--encrypt needs --out <file>.');
    const manifest = await encryptFile({ input, output: out, key, now: new Date() });
    process.stdout.write(`encrypted ${input} (${manifest.plaintextBytes} bytes, sha256 ${manifest.plaintextSha256}) into ${out}\n`);
    return 0;
  }
  if (!backup.dir && !out) throw new BackupRefusedError('BACKUP_DIR is not set: name where backups go (or give --out <file>).');
  if (config.databaseUrl) {
    if (!backup.dir) throw new BackupRefusedError('BACKUP_DIR is not set: name where PostgreSQL backups go.');
    const { db } = openDatabase(config);
    try {
      const result = await createPostgresBackup({ db, databaseUrl: config.databaseUrl, backupDir: backup.dir, key, now: new Date() });
      const rows = Object.values(result.manifest.rowCounts).reduce((a, b) => a + b, 0);
      process.stdout.write(`backup ${result.file}: pg_dump of ${rows} rows, ${result.bytes} bytes in ${result.seconds.toFixed(1)} s, audit head #${result.manifest.auditHead?.seq ?? 0}\n`);
    } finally {
      await db.destroy();
    }
    if (args.includes('--prune')) process.stdout.write(`pruned ${pruneBackups(backup.dir, backup.keepDaily, backup.keepWeekly).length} older backups\n`);
    return 0;
  }
  const result = await createBackup({ dataDir: config.dataDir, backupDir: out ? path.dirname(path.resolve(out)) : backup.dir!, key, now: new Date(), ...(out ? { outFile: out } : {}) });
  const m = result.manifest;
  const rows = Object.values(m.rowCounts).reduce((a, b) => a + b, 0);
  process.stdout.write(
    `backup ${result.file}: ${result.bytes} bytes in ${result.seconds.toFixed(1)} s; schema ${m.schemaVersion ?? 'none'}, ${rows} rows in ${Object.keys(m.rowCounts).length} tables, audit head #${m.auditHead?.seq ?? 0}; sha256 ${result.fileSha256}\n`,
  );
  if (args.includes('--prune') && backup.dir) {
    const removed = pruneBackups(backup.dir, backup.keepDaily, backup.keepWeekly);
    process.stdout.write(`pruned ${removed.length} older backups\n`);
  }
  return 0;
}

runBackupCommand('backup', () => main(process.argv.slice(2)));
