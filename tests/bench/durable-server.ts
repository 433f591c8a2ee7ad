import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { sql } from 'kysely';
import { openDatabase } from '../../src/server/db/database.ts';

/**
 * The write-path ceilings of the bench (issue 17 #6): Hono answering each `GET /` after one
 * durable insert, through Kysely on the embedded SQLite file (WAL, synchronous=FULL), in its own
 * transaction. argv: port, data directory, `plain` (one commit per request: ceiling c) or `group`
 * (the app's group commit: ceiling d).
 */
const [port, dataDir, mode] = process.argv.slice(2);
const { db } = openDatabase({ dataDir: dataDir!, groupCommit: mode === 'group' });
await sql`CREATE TABLE IF NOT EXISTS hit (id INTEGER PRIMARY KEY, at TEXT NOT NULL)`.execute(db);
const app = new Hono().get('/', async (c) => {
  await db.transaction().execute((trx) => sql`INSERT INTO hit (at) VALUES (${new Date().toISOString()})`.execute(trx));
  return c.text('stored');
});
serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' });
