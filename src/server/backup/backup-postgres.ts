import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAuditHead } from '../audit/audit.repository.ts';
import { verifyAuditChain } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import { ensurePrivateDir } from '../secrets/private-files.ts';
import { BackupRefusedError, RestoreCheckFailedError } from './backup-errors.ts';
import { openBackupFile, sha256OfFile, writeBackupFile, type BackupManifest } from './backup-format.ts';
import { exportSnapshot, postgresRowCounts, postgresSchemaVersion } from './backup.repository.ts';
import { MANIFEST_SUFFIX } from './backup.service.ts';

/**
 * Issue 20 #1 for PostgreSQL: `npm run backup` with DATABASE_URL runs `pg_dump -Fc` inside a
 * repeatable-read snapshot this process exported, after counting every table and reading the
 * audit head in that same snapshot: the manifest describes exactly what the dump holds. The dump
 * is encrypted into the same format as an embedded-database backup, and its plaintext removed.
 * Restoring it (pg_restore into an empty database) is left to the operator (README); then
 * `npm run restore -- --verify-postgres <backup>` makes the same checks as an embedded restore.
 */
export async function createPostgresBackup(options: { db: Db; databaseUrl: string; backupDir: string; key: Buffer; now: Date; pgDump?: string }): Promise<{ file: string; manifest: BackupManifest; bytes: number; seconds: number }> {
  const started = performance.now();
  ensurePrivateDir(options.backupDir);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-pgdump-'));
  const dump = path.join(work, 'dump.pgc');
  const out = path.join(options.backupDir, `zaitaku-${options.now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}.pgdump.zbak`);
  try {
    const fields = await options.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const snapshot = await exportSnapshot(trx);
        const described = {
          kind: 'postgres' as const,
          createdAt: options.now.toISOString(),
          schemaVersion: await postgresSchemaVersion(trx),
          rowCounts: await postgresRowCounts(trx),
          auditHead: await readAuditHead(trx),
        };
        // The snapshot lives as long as this transaction: pg_dump must finish inside it.
        await runPgDump(options.pgDump ?? 'pg_dump', options.databaseUrl, snapshot, dump);
        return described;
      });
    const manifest = await writeBackupFile(dump, out, options.key, fields);
    const bytes = fs.statSync(out).size;
    fs.writeFileSync(`${out}${MANIFEST_SUFFIX}`, `${JSON.stringify({ ...manifest, file: path.basename(out), fileBytes: bytes, fileSha256: await sha256OfFile(out) }, null, 2)}\n`, { mode: 0o600 });
    return { file: out, manifest, bytes, seconds: (performance.now() - started) / 1000 };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Credentials go to pg_dump in its environment, never on its command line (ps shows that). */
function runPgDump(command: string, databaseUrl: string, snapshot: string, file: string): Promise<void> {
  const url = new URL(databaseUrl);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGDATABASE: decodeURIComponent(url.pathname.replace(/^\//, '')),
    PGUSER: decodeURIComponent(url.username),
    PGPASSWORD: decodeURIComponent(url.password),
  };
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return new Promise((resolve, reject) => {
    const child = spawn(command, ['--format=custom', `--snapshot=${snapshot}`, '--no-password', `--file=${file}`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', () => reject(new BackupRefusedError(`Could not run ${command}: install the PostgreSQL client tools (the server's major version or newer).`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new BackupRefusedError(`pg_dump failed (exit ${code}): ${stderr.split('\n')[0] ?? ''}`));
    });
  });
}

/**
 * After `pg_restore` of a decrypted dump into a fresh database: the schema, the audit head and
 * the row counts of DATABASE_URL must be the manifest's, and the audit chain must verify.
 */
export async function verifyPostgresRestore(options: { db: Db; file: string; key: Buffer }): Promise<{ manifest: BackupManifest; auditEvents: number; rows: number }> {
  const { manifest } = await openBackupFile(options.file, options.key);
  if (manifest.kind !== 'postgres') throw new BackupRefusedError(`${options.file} is not a PostgreSQL backup.`);
  const version = await postgresSchemaVersion(options.db);
  if (version !== manifest.schemaVersion) throw new RestoreCheckFailedError(`The database has schema ${version ?? 'none'}, the backup ${manifest.schemaVersion ?? 'none'}.`);
  const head = await readAuditHead(options.db);
  if (!manifest.auditHead || head.seq !== manifest.auditHead.seq || head.hash !== manifest.auditHead.hash) {
    throw new RestoreCheckFailedError(`The database's audit head (#${head.seq}) differs from the manifest's (#${manifest.auditHead?.seq ?? '?'}).`);
  }
  const chain = await verifyAuditChain(options.db);
  if (!chain.ok) throw new RestoreCheckFailedError(`The restored audit chain is broken at event #${chain.brokenAtSeq}.`);
  const counts = await postgresRowCounts(options.db);
  for (const name of new Set([...Object.keys(counts), ...Object.keys(manifest.rowCounts)])) {
    if (counts[name] !== manifest.rowCounts[name]) {
      throw new RestoreCheckFailedError(`Table ${name} holds ${counts[name] ?? 'no'} rows in the database, the manifest counted ${manifest.rowCounts[name] ?? 'none'}.`);
    }
  }
  return { manifest, auditEvents: chain.events, rows: Object.values(counts).reduce((a, b) => a + b, 0) };
}
