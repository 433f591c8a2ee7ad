import path from 'node:path';
import { readConfig } from '../config.ts';
import { commandOption, runBackupCommand } from './run-command.ts';
import { readBackupConfig } from './backup-config.ts';
import { BackupRefusedError } from './backup-errors.ts';
import { loadBackupKey } from './backup-key.ts';
import { openDatabase } from '../db/database.ts';
import { verifyPostgresRestore } from './backup-postgres.ts';
import { decryptFile, restoreBackup } from './backup.service.ts';

/**
 * Issue 20 #2: `npm run restore -- <backup>` restores an encrypted backup into an EMPTY data
 * directory (DATA_DIR, or --data-dir) and proves it (integrity_check, the audit chain up to the
 * manifest's head, row counts per table), then prints a summary.
 *
 *   npm run restore -- <backup> [--data-dir <dir>]
 *   npm run restore -- --decrypt <file> --out <file>    an encrypted pg_dump back to plaintext
 *   npm run restore -- --verify-postgres <backup>      after pg_restore: DATABASE_URL's schema,
 *                                                      audit chain and row counts against the manifest
 *
 * Exit status 0 restored and checked, 1 refused (one line on stderr says why).
 */
async function main(args: string[]): Promise<number> {
  const config = readConfig();
  const dataDir = path.resolve(commandOption(args, '--data-dir') ?? config.dataDir);
  const backup = readBackupConfig(process.env, dataDir);
  const key = loadBackupKey(backup.keyFile, dataDir);
  const encrypted = commandOption(args, '--decrypt');
  if (encrypted) {
    const out = commandOption(args, '--out');
    if (!out) throw new BackupRefusedError('--decrypt needs --out <file>.');
    const manifest = await decryptFile({ input: encrypted, output: out, key });
    process.stdout.write(`decrypted ${encrypted} into ${out} (${manifest.plaintextBytes} bytes, checksum verified; encrypted ${manifest.createdAt})\n`);
    return 0;
  }
  const pgBackup = commandOption(args, '--verify-postgres');
  if (pgBackup) {
    if (!config.databaseUrl) throw new BackupRefusedError('--verify-postgres checks the database named by DATABASE_URL: set it to the restored database.');
    const { db } = openDatabase(config);
    try {
      const checked = await verifyPostgresRestore({ db, file: pgBackup, key });
      process.stdout.write(
        `verified ${pgBackup} against the database: schema ${checked.manifest.schemaVersion}, audit chain ok (${checked.auditEvents} events up to head #${checked.manifest.auditHead?.seq}), ${checked.rows} rows in ${Object.keys(checked.manifest.rowCounts).length} tables, all as in the manifest\n`,
      );
    } finally {
      await db.destroy();
    }
    return 0;
  }
  const file = args.find((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--data-dir');
  if (!file) throw new BackupRefusedError('Name the backup file: npm run restore -- <backup>.');
  const summary = await restoreBackup({ file, dataDir, key, onProgress: (step) => process.stderr.write(`${step}\n`) });
  const m = summary.manifest;
  process.stdout.write(
    [
      `restored ${summary.file} into ${summary.databaseFile} in ${summary.seconds.toFixed(1)} s`,
      `  taken ${m.createdAt}, schema ${m.schemaVersion}`,
      '  integrity_check: ok',
      `  audit chain: ok, ${summary.auditEvents} events up to head #${m.auditHead?.seq} (${m.auditHead?.hash.slice(0, 16)}…)`,
      `  row counts: ${summary.rows} rows in ${summary.tables} tables, all as in the manifest`,
      '',
    ].join('\n'),
  );
  return 0;
}

runBackupCommand('restore', () => main(process.argv.slice(2)));
