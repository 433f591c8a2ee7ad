import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreeToAll } from '../../src/domain/consent/consent.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import type { StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import { parseSchedule, readBackupConfig } from '../../src/server/backup/backup-config.ts';
import { BackupKeyError, BackupRefusedError, BackupTamperedError, BackupTooNewError, WrongBackupKeyError } from '../../src/server/backup/backup-errors.ts';
import { writeBackupFile } from '../../src/server/backup/backup-format.ts';
import { createBackupKeyFile, loadBackupKey } from '../../src/server/backup/backup-key.ts';
import { nextRun, startBackupSchedule } from '../../src/server/backup/backup-schedule.ts';
import { createPostgresBackup, verifyPostgresRestore } from '../../src/server/backup/backup-postgres.ts';
import { createBackup, decryptFile, listBackups, restoreBackup } from '../../src/server/backup/backup.service.ts';
import { appendAudit } from '../../src/server/audit/audit.service.ts';
import { openDatabase, SQLITE_FILE_NAME } from '../../src/server/db/database.ts';
import { signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { createTestApp, jsonRequest, type TestApp } from './support/test-app.ts';

/**
 * Issue 20 #1–#2: encrypted backups of the embedded database and a restore that proves itself
 * (src/server/backup/). The backup and restore tests need the embedded database (SQLite only,
 * declared in tests/skips.ts); the key-file and schedule-setting tests run in both lanes.
 */

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-backup-'));
const keyDir = path.join(root, 'keys');
fs.mkdirSync(keyDir, { mode: 0o700 });
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let keyCount = 0;
function newKeyFile(): string {
  keyCount += 1;
  return createBackupKeyFile(path.join(keyDir, `backup-${keyCount}.key`), path.join(root, 'no-data-dir'));
}

describe('issue 20 #1: the backup key file', () => {
  const dataDir = path.join(root, 'key-data');
  beforeAll(() => fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 }));

  it('is created 0600 with 32 random bytes, and never replaced', () => {
    const file = newKeyFile();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadBackupKey(file, dataDir)).toHaveLength(32);
    expect(() => createBackupKeyFile(file, dataDir)).toThrow(/exists already/);
  });

  it('is refused when others may read it, when it sits in the data directory, or when it is not 32 bytes', () => {
    const loose = newKeyFile();
    fs.chmodSync(loose, 0o640);
    expect(() => loadBackupKey(loose, dataDir)).toThrow(BackupKeyError);
    expect(() => loadBackupKey(loose, dataDir)).toThrow(/readable by others \(mode 0640\)/);
    fs.chmodSync(loose, 0o604);
    expect(() => loadBackupKey(loose, dataDir)).toThrow(/readable by others/);
    fs.chmodSync(loose, 0o400);
    expect(loadBackupKey(loose, dataDir)).toHaveLength(32);

    const inside = path.join(dataDir, 'keys', 'backup.key');
    fs.mkdirSync(path.dirname(inside), { recursive: true });
    fs.writeFileSync(inside, Buffer.alloc(32, 7), { mode: 0o600 });
    expect(() => loadBackupKey(inside, dataDir)).toThrow(/inside the data directory/);
    expect(() => createBackupKeyFile(path.join(dataDir, 'new.key'), dataDir)).toThrow(/inside the data directory/);
    // Through a symbolic link that points into the data directory: still inside.
    const link = path.join(keyDir, 'link.key');
    fs.symlinkSync(inside, link);
    expect(() => loadBackupKey(link, dataDir)).toThrow(/inside the data directory/);

    const short = path.join(keyDir, 'short.key');
    fs.writeFileSync(short, Buffer.alloc(16, 1), { mode: 0o600 });
    expect(() => loadBackupKey(short, dataDir)).toThrow(/must hold 32 random bytes/);
    const base64 = path.join(keyDir, 'base64.key');
    fs.writeFileSync(base64, `${Buffer.alloc(32, 9).toString('base64')}\n`, { mode: 0o600 });
    expect(loadBackupKey(base64, dataDir)).toEqual(Buffer.alloc(32, 9));
    expect(() => loadBackupKey(undefined, dataDir)).toThrow(/BACKUP_KEY_FILE is not set/);
    expect(() => loadBackupKey(path.join(keyDir, 'missing.key'), dataDir)).toThrow(/does not exist/);
  });
});

describe('issue 20 #1: the backup settings', () => {
  it('are off unless BACKUP_SCHEDULE is set, in demo and production mode alike', () => {
    const dataDir = path.join(root, 'settings-data');
    expect(readBackupConfig({}, dataDir).schedule).toEqual({ kind: 'off' });
    expect(readBackupConfig({ APP_MODE: 'production' }, dataDir).schedule).toEqual({ kind: 'off' });
    expect(parseSchedule('daily@03:30')).toEqual({ kind: 'daily', hour: 3, minute: 30 });
    expect(parseSchedule('6h')).toEqual({ kind: 'interval', hours: 6 });
    expect(parseSchedule('12')).toEqual({ kind: 'interval', hours: 12 });
    for (const bad of ['daily@25:00', 'daily', '0', '169h', 'weekly']) expect(() => parseSchedule(bad)).toThrow(/BACKUP_SCHEDULE must be/);
    expect(() => readBackupConfig({ BACKUP_SCHEDULE: '6h', BACKUP_KEY_FILE: '/k' }, dataDir)).toThrow(/BACKUP_DIR must name/);
    expect(() => readBackupConfig({ BACKUP_SCHEDULE: '6h', BACKUP_DIR: path.join(root, 'b') }, dataDir)).toThrow(/BACKUP_KEY_FILE must name/);
    expect(() => readBackupConfig({ BACKUP_DIR: path.join(dataDir, 'backups') }, dataDir)).toThrow(/outside the data directory/);
    expect(() => readBackupConfig({ BACKUP_KEEP_DAILY: '0' }, dataDir)).toThrow(/BACKUP_KEEP_DAILY/);
    // A schedule checks its key file at start-up: the server refuses before it opens anything.
    const loose = newKeyFile();
    fs.chmodSync(loose, 0o644);
    const scheduled = { BACKUP_SCHEDULE: 'daily@03:30', BACKUP_DIR: path.join(root, 'b'), BACKUP_KEY_FILE: loose };
    expect(() => readBackupConfig(scheduled, dataDir)).toThrow(/readable by others/);
    fs.chmodSync(loose, 0o600);
    expect(readBackupConfig(scheduled, dataDir)).toMatchObject({ schedule: { kind: 'daily', hour: 3, minute: 30 }, keepDaily: 7, keepWeekly: 4 });
    expect(() => readBackupConfig({ ...scheduled, DATABASE_URL: 'postgres://db.example/zaitaku' }, dataDir)).toThrow(/embedded database only/);
  });

  it('daily@03:30 runs next at 03:30 local time, today or tomorrow', () => {
    const schedule = { kind: 'daily', hour: 3, minute: 30 } as const;
    expect(nextRun(schedule, new Date(2026, 11, 7, 1, 0))).toEqual(new Date(2026, 11, 7, 3, 30));
    expect(nextRun(schedule, new Date(2026, 11, 7, 3, 30))).toEqual(new Date(2026, 11, 8, 3, 30));
    expect(nextRun({ kind: 'interval', hours: 6 }, new Date(2026, 11, 7, 1, 0))).toEqual(new Date(2026, 11, 7, 7, 0));
  });
});

describe.skipIf(Boolean(process.env.DATABASE_URL))('issue 20 #1–#2: backup and restore of the embedded database', () => {
  let t: TestApp;
  let key: Buffer;
  let keyFile: string;
  const backupDir = path.join(root, 'backups');

  beforeAll(async () => {
    t = await createTestApp();
    keyFile = newKeyFile();
    key = loadBackupKey(keyFile, t.dataDir);
  });
  afterAll(async () => {
    await t.close();
  });

  const DEVICE = '5f0c2a9e-7b3d-4e8a-9c6f-0d2f4b6a8e10';

  async function declare(): Promise<string> {
    const id = randomUUID();
    const res = await t.app.request(
      '/api/public/declarations',
      jsonRequest(
        'POST',
        {
          id,
          createdAt: '2026-11-22T00:40:00.000Z',
          linkToken: t.demo.institution.link_token,
          referenceNumber: '',
          holdsValidCard: true,
          insuranceType: 'employee',
          insurerName: '全国健康保険協会 東京支部',
          employerName: '株式会社控商事',
          cardIssuedWhen: 'withinMonth',
          copayRatio: null,
          name: '控 花子',
          nameKana: 'ヒカエ ハナコ',
          dateOfBirth: { era: 'showa', year: 55, month: 4, day: 1 },
          sex: 'female',
          address: '東京都千代田区霞が関１－２－２',
          otherResidence: '',
          declaredOn: '2026-11-22',
          signature: `data:image/png;base64,iVBORw0KGgo${'A'.repeat(400)}`,
          relationship: '',
          phone: '090-3141-5926',
        },
        { 'x-device-id': DEVICE },
      ),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    return id;
  }

  /** Registration, signed by the simulated card, handed off: acknowledged when the handoff answers. */
  async function register(card: string): Promise<string> {
    const started = await t.app.request(
      '/api/public/registrations',
      jsonRequest(
        'POST',
        { linkToken: t.demo.institution.link_token, visitType: 'homeVisit', arrival: 'link', choices: agreeToAll(), prescriptionForm: 'electronic', handoffPath: 'crossDevice' },
        { 'x-device-id': DEVICE },
      ),
    );
    expect(started.status, await started.clone().text()).toBe(201);
    const reg = (await started.json()) as StartRegistrationResponse;
    const signed = await signChallenge(t.db, t.cardSim, { cardId: card, pin: DEMO_PIN, challengeId: reg.challenge.challengeId, nonce: reg.challenge.nonce, now: t.clock.now() });
    const handoff = await t.app.request('/api/handoff', jsonRequest('POST', signed));
    expect(handoff.status, await handoff.clone().text()).toBe(200);
    return reg.registrationId;
  }

  function restoredIds(dataDir: string, table: 'declaration' | 'registration' | 'consent', column = 'id'): Set<string> {
    const sqlite = new DatabaseSync(path.join(dataDir, SQLITE_FILE_NAME), { readOnly: true });
    try {
      return new Set((sqlite.prepare(`SELECT ${column} AS id FROM ${table}`).all() as Array<{ id: string }>).map((row) => row.id));
    } finally {
      sqlite.close();
    }
  }

  it('backs up under write load, restores into an empty directory, and finds every write acknowledged before the backup began', async () => {
    const declarations: string[] = [];
    const registrations: string[] = [];
    let running = true;
    const cards = ['card-01', 'card-02', 'card-03', 'card-04'];
    const workers = [
      ...cards.map(async (card) => {
        while (running) registrations.push(await register(card));
      }),
      ...[1, 2, 3, 4].map(async () => {
        while (running) declarations.push(await declare());
      }),
    ];
    while (declarations.length < 30 || registrations.length < 12) await new Promise((resolve) => setTimeout(resolve, 5));
    // Everything acknowledged up to here must be in the backup; the writers keep going meanwhile.
    const ackedDeclarations = [...declarations];
    const ackedRegistrations = [...registrations];
    const backup = await createBackup({ dataDir: t.dataDir, backupDir, key, now: t.clock.now() });
    const afterBackup = declarations.length + registrations.length;
    while (declarations.length + registrations.length < afterBackup + 10) await new Promise((resolve) => setTimeout(resolve, 5));
    running = false;
    await Promise.all(workers);

    // The writes went on before, during and after the copy.
    expect(declarations.length + registrations.length).toBeGreaterThan(ackedDeclarations.length + ackedRegistrations.length + 10);
    expect(fs.statSync(backup.file).mode & 0o777).toBe(0o600);
    // The plaintext copy never stays behind, in the data directory or the backup directory.
    expect(fs.readdirSync(t.dataDir).filter((name) => name.startsWith('.backup-copy-'))).toEqual([]);
    expect(fs.readdirSync(backupDir).sort()).toEqual([path.basename(backup.file), `${path.basename(backup.file)}.manifest.json`]);
    // Encrypted: no patient text, and not an SQLite file.
    const bytes = fs.readFileSync(backup.file);
    expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
    expect(bytes.includes(Buffer.from('控 花子'))).toBe(false);
    expect(backup.manifest).toMatchObject({ format: 'zaitaku-backup', formatVersion: 1, kind: 'sqlite', schemaVersion: t.schemaVersion });
    expect(backup.manifest.rowCounts.declaration).toBeGreaterThanOrEqual(ackedDeclarations.length);
    expect(backup.manifest.auditHead!.seq).toBeGreaterThan(0);

    const restoreDir = path.join(root, 'restored');
    const summary = await restoreBackup({ file: backup.file, dataDir: restoreDir, key });
    expect(summary.auditEvents).toBe(backup.manifest.auditHead!.seq);
    const restoredDeclarations = restoredIds(restoreDir, 'declaration');
    const restoredRegistrations = restoredIds(restoreDir, 'registration');
    const restoredConsents = restoredIds(restoreDir, 'consent', 'registration_id');
    for (const id of ackedDeclarations) expect(restoredDeclarations.has(id), `declaration ${id}`).toBe(true);
    for (const id of ackedRegistrations) {
      expect(restoredRegistrations.has(id), `registration ${id}`).toBe(true);
      expect(restoredConsents.has(id), `consents of registration ${id}`).toBe(true);
    }
    // What was written after the copy is not in it: the manifest counted the copy, not the live file.
    expect(restoredDeclarations.size).toBe(backup.manifest.rowCounts.declaration);
    expect(restoredRegistrations.size).toBe(backup.manifest.rowCounts.registration);
    expect(restoredDeclarations.size + restoredRegistrations.size).toBeLessThan(declarations.length + registrations.length);
    expect(fs.readdirSync(restoreDir)).toEqual([SQLITE_FILE_NAME]);
    expect(fs.statSync(path.join(restoreDir, SQLITE_FILE_NAME)).mode & 0o777).toBe(0o600);

    // The restored directory is a working data directory once the secret key file is back: it is
    // kept apart from the backups (README), as the backup key is, so an operator restores it too.
    fs.cpSync(path.join(t.dataDir, 'keys'), path.join(restoreDir, 'keys'), { recursive: true });
    const reopened = await createTestApp({ dataDir: restoreDir });
    try {
      const count = await reopened.db.selectFrom('declaration').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(backup.manifest.rowCounts.declaration);
    } finally {
      await reopened.close(false);
    }
    // Not into a directory that holds anything, such as the one just restored.
    fs.rmSync(path.join(restoreDir, 'keys'), { recursive: true });
    await expect(restoreBackup({ file: backup.file, dataDir: restoreDir, key })).rejects.toThrow(/is not empty: restore only into an empty directory/);
  });

  describe('refuses a backup it must not trust, with one clear line, leaving the directory empty', () => {
    let good: string;
    beforeAll(async () => {
      good = (await createBackup({ dataDir: t.dataDir, backupDir: path.join(root, 'refusals'), key, now: t.clock.now() })).file;
    });

    async function refusal(file: string, withKey = key): Promise<BackupRefusedError> {
      const dataDir = path.join(root, `refused-${randomUUID()}`);
      const error = await restoreBackup({ file, dataDir, key: withKey }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BackupRefusedError);
      expect(fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : []).toEqual([]);
      expect((error as Error).message).not.toContain('\n');
      return error as BackupRefusedError;
    }

    function variant(name: string, change: (bytes: Buffer) => Buffer): string {
      const file = path.join(root, 'refusals', name);
      fs.writeFileSync(file, change(fs.readFileSync(good)));
      return file;
    }

    it('a wrong key', async () => {
      const error = await refusal(good, loadBackupKey(newKeyFile(), t.dataDir));
      expect(error).toBeInstanceOf(WrongBackupKeyError);
      expect(error.message).toMatch(/^Wrong key: the backup key file does not open /);
    });

    it('a flipped byte anywhere: in the data, in the manifest, in the header', async () => {
      const size = fs.statSync(good).size;
      for (const at of [100, Math.floor(size / 2), size - 40]) {
        const flipped = variant(`flipped-${at}.zbak`, (bytes) => {
          bytes[at] = bytes[at]! ^ 0x01;
          return bytes;
        });
        const error = await refusal(flipped);
        expect(error, `byte ${at}`).toBeInstanceOf(BackupTamperedError);
        expect(error.message).toMatch(/was changed or is damaged/);
      }
      // In the header's salt: the key no longer matches what the header says.
      const header = variant('flipped-header.zbak', (bytes) => {
        bytes[20] = bytes[20]! ^ 0x01;
        return bytes;
      });
      expect((await refusal(header)).message).toMatch(/or its header was changed/);
    });

    it('a truncated file, cut anywhere', async () => {
      const size = fs.statSync(good).size;
      for (const length of [40, 2000, Math.floor(size / 2), size - 1]) {
        const cut = variant(`cut-${length}.zbak`, (bytes) => bytes.subarray(0, length));
        const error = await refusal(cut);
        expect(error, `cut at ${length}`).toBeInstanceOf(BackupTamperedError);
        expect(error.message).toMatch(/truncated/);
      }
    });

    it('a manifest claiming a newer schema than this code knows', async () => {
      const plain = path.join(root, 'plain-copy.sqlite');
      fs.copyFileSync(path.join(t.dataDir, SQLITE_FILE_NAME), plain);
      const newer = path.join(root, 'refusals', 'newer-schema.zbak');
      await writeBackupFile(plain, newer, key, { kind: 'sqlite', createdAt: t.clock.now().toISOString(), schemaVersion: '2099_01_01_000000_from_the_future', rowCounts: {}, auditHead: null });
      const error = await refusal(newer);
      expect(error).toBeInstanceOf(BackupTooNewError);
      expect(error.message).toMatch(/^The backup has schema 2099_01_01_000000_from_the_future, newer than this version knows \(/);
    });

    it('a backup file of a newer format', async () => {
      const newer = variant('newer-format.zbak', (bytes) => {
        bytes.writeUInt16BE(2, 8);
        return bytes;
      });
      const error = await refusal(newer);
      expect(error).toBeInstanceOf(BackupTooNewError);
      expect(error.message).toMatch(/has format 2; this version reads format 1 only/);
    });

    it('a backup whose manifest counts other rows than its database holds', async () => {
      const copy = await createBackup({ dataDir: t.dataDir, backupDir: path.join(root, 'miscounted'), key, now: t.clock.now() });
      const head = copy.manifest.auditHead;
      // Same key (so it authenticates), but a manifest that does not describe the file: caught by the checks after decrypting.
      const liar = path.join(root, 'refusals', 'miscounted.zbak');
      const restoredCopy = path.join(root, 'copy-for-liar');
      await restoreBackup({ file: copy.file, dataDir: restoredCopy, key });
      await writeBackupFile(path.join(restoredCopy, SQLITE_FILE_NAME), liar, key, {
        kind: 'sqlite',
        createdAt: copy.manifest.createdAt,
        schemaVersion: copy.manifest.schemaVersion,
        rowCounts: { ...copy.manifest.rowCounts, declaration: (copy.manifest.rowCounts.declaration ?? 0) + 1 },
        auditHead: head,
      });
      expect((await refusal(liar)).message).toMatch(/^Table declaration holds \d+ rows in the restored database, the manifest counted \d+\.$/);
    });
  });

  it('a scheduled run keeps 7 daily and 4 weekly generations and deletes older ones (test clock)', async () => {
    const dir = path.join(root, 'generations');
    // Wednesday 2 December 2026, 03:30 local time; one backup a day for 40 days, two on the last day.
    let now = new Date(2026, 11, 2, 3, 30);
    const scheduler = startBackupSchedule({
      config: { schedule: { kind: 'daily', hour: 3, minute: 30 }, dir, keyFile, keepDaily: 7, keepWeekly: 4 },
      dataDir: t.dataDir,
      dialect: 'sqlite',
      clock: () => now,
      timer: false,
    })!;
    const taken: Date[] = [];
    for (let day = 0; day < 40; day += 1) {
      now = new Date(2026, 11, 2 + day, 3, 30);
      await scheduler.runOnce();
      taken.push(now);
    }
    now = new Date(2026, 11, 2 + 39, 15, 0);
    await scheduler.runOnce();
    await scheduler.stop();
    expect(scheduler.lastBackupAt()).toEqual(now);

    const kept = listBackups(dir).map((entry) => entry.at.getTime());
    // Days: the last day's newest (15:00) and the six days before it, at 03:30.
    const daily = [now, ...taken.slice(-7, -1).reverse()].map((d) => d.getTime());
    // Weeks (Monday to Sunday): the newest of each of the last four weeks that have one. The
    // last day (2027-01-10) is a Sunday: its week's newest is that day, already kept; the three
    // weeks before end on the Sundays 3 January, 27 December and 20 December.
    const weekly = [new Date(2027, 0, 3, 3, 30), new Date(2026, 11, 27, 3, 30), new Date(2026, 11, 20, 3, 30)].map((d) => d.getTime());
    expect(new Date(now).getDay()).toBe(0);
    expect(kept.sort()).toEqual([...new Set([...daily, ...weekly])].sort());
    expect(kept).toHaveLength(10);
    // Each kept backup has its manifest; nothing else is left.
    expect(fs.readdirSync(dir)).toHaveLength(20);
  });

  it('the timer itself takes the backup at the scheduled time, then waits for the next one', async () => {
    const dir = path.join(root, 'timer');
    // A clock that runs at the real pace from half a second before 03:30 local time: the timer's
    // shortest wait (1 s) ends just after the scheduled minute, as it would on a real night.
    const offset = new Date(2026, 11, 9, 3, 29, 59, 500).getTime() - Date.now();
    const scheduler = startBackupSchedule({
      config: { schedule: { kind: 'daily', hour: 3, minute: 30 }, dir, keyFile, keepDaily: 7, keepWeekly: 4 },
      dataDir: t.dataDir,
      dialect: 'sqlite',
      clock: () => new Date(Date.now() + offset),
    })!;
    try {
      expect(listBackups(dir)).toEqual([]);
      const deadline = Date.now() + 20_000;
      while (listBackups(dir).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      const taken = listBackups(dir);
      expect(taken).toHaveLength(1);
      expect(taken[0]!.at.getTime()).toBeGreaterThanOrEqual(new Date(2026, 11, 9, 3, 30).getTime());
      // The file's name holds the time to the second; the scheduler keeps the manifest's milliseconds.
      expect(Math.floor((scheduler.lastBackupAt()?.getTime() ?? 0) / 1000) * 1000).toBe(taken[0]!.at.getTime());
      // Armed again for the next day's 03:30, not at once.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(listBackups(dir)).toHaveLength(1);
    } finally {
      await scheduler.stop();
    }
  });
});

describe.skipIf(!process.env.DATABASE_URL)('issue 20 #1: PostgreSQL backups (pg_dump in an exported snapshot)', () => {
  it('backs up under write load with the snapshot\'s counts, restores with pg_restore, and --verify-postgres finds every acknowledged write and any difference', async () => {
    const t = await createTestApp();
    const key = loadBackupKey(newKeyFile(), t.dataDir);
    const target = `zaitaku_backup_restored_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      const acked: string[] = [];
      let running = true;
      const writer = (async () => {
        while (running) {
          const id = randomUUID();
          await t.db.transaction().execute((trx) => appendAudit(trx, { institutionId: t.demo.institution.id, actorType: 'system', action: 'declaration.purged', subjectId: id, outcome: 'ok' }, t.clock.now()));
          acked.push(id);
        }
      })();
      while (acked.length < 20) await new Promise((resolve) => setTimeout(resolve, 5));
      const before = [...acked];
      const backup = await createPostgresBackup({ db: t.db, databaseUrl: t.databaseUrl!, backupDir: path.join(root, 'pg-backups'), key, now: t.clock.now() });
      const afterBackup = acked.length;
      while (acked.length < afterBackup + 10) await new Promise((resolve) => setTimeout(resolve, 5));
      running = false;
      await writer;
      expect(backup.manifest).toMatchObject({ kind: 'postgres', schemaVersion: t.schemaVersion });
      expect(backup.manifest.auditHead!.seq).toBe(backup.manifest.rowCounts.audit_event);
      expect(fs.readFileSync(backup.file).includes(Buffer.from('PGDMP'))).toBe(false);

      // An embedded restore refuses it; decrypted, it goes into a new database with pg_restore.
      await expect(restoreBackup({ file: backup.file, dataDir: path.join(root, `pg-as-sqlite-${randomUUID()}`), key })).rejects.toThrow(/holds a PostgreSQL dump/);
      const dump = path.join(root, 'restored.pgc');
      await decryptFile({ input: backup.file, output: dump, key });
      await admin.query(`CREATE DATABASE ${target}`);
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${target}`;
      const restored = spawnSync('pg_restore', ['--no-owner', '--exit-on-error', '-d', url.toString(), dump], { encoding: 'utf8' });
      expect(restored.status, restored.stderr).toBe(0);
      const opened = openDatabase({ dataDir: path.join(root, 'unused'), databaseUrl: url.toString() });
      try {
        const checked = await verifyPostgresRestore({ db: opened.db, file: backup.file, key });
        expect(checked.auditEvents).toBe(backup.manifest.auditHead!.seq);
        const subjects = new Set((await opened.db.selectFrom('audit_event').select('subject_id').execute()).map((row) => row.subject_id));
        for (const id of before) expect(subjects.has(id), `audit event for ${id}`).toBe(true);
        // Written after the backup ended: not in it.
        expect(subjects.has(acked.at(-1)!)).toBe(false);
        // A row more than the manifest counted is found.
        await sql`INSERT INTO kysely_migration_lock (id, is_locked) VALUES ('extra', 0)`.execute(opened.db);
        await expect(verifyPostgresRestore({ db: opened.db, file: backup.file, key })).rejects.toThrow(/^Table kysely_migration_lock holds 2 rows in the database, the manifest counted 1\.$/);
      } finally {
        await opened.db.destroy();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${target} WITH (FORCE)`);
      await admin.end();
      await t.close();
    }
  });
});
