import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { kyselySqliteDatabase } from '../../src/server/db/node-sqlite.ts';

/** Another connection on the same file, in a thread of its own: it says when it starts, then writes once. */
const OTHER_WRITER = `
const { workerData, parentPort } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.file);
db.exec('PRAGMA busy_timeout = 10000');
parentPort.postMessage('writing');
try {
  db.prepare("INSERT INTO note (text) VALUES ('other connection')").run();
  parentPort.postMessage('ok');
} catch (err) {
  parentPort.postMessage('failed: ' + err.message);
}
db.close();
`;

describe('SQLite transactions beside another process', () => {
  it('a transaction that reads and then writes waits for another connection\'s write instead of failing with "database is locked"', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-sqlite-tx-'));
    const file = path.join(dir, 'test.sqlite');
    const raw = new DatabaseSync(file);
    raw.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; CREATE TABLE note (text TEXT NOT NULL)');
    const db = new Kysely<{ note: { text: string } }>({ dialect: new SqliteDialect({ database: kyselySqliteDatabase(raw) }) });
    let other: Promise<string> | undefined;
    try {
      await db.transaction().execute(async (trx) => {
        await trx.selectFrom('note').selectAll().execute();
        // While this transaction is open (as the server's was when the institution CLI ran), the
        // other connection writes. With a deferred BEGIN it commits at once and this transaction's
        // write below fails; with BEGIN IMMEDIATE it waits until this one has committed.
        const worker = new Worker(OTHER_WRITER, { eval: true, workerData: { file } });
        other = new Promise((resolve) => worker.on('message', (m: string) => m !== 'writing' && resolve(m)));
        await new Promise<void>((resolve) => worker.once('message', () => resolve()));
        await sleep(200);
        await trx.insertInto('note').values({ text: 'this connection' }).execute();
      });
      expect(await other).toBe('ok');
      const rows = await db.selectFrom('note').select('text').execute();
      expect(rows.map((r) => r.text)).toEqual(['this connection', 'other connection']);
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
