import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/** The cheapest round trip through the database: the readiness check's `SELECT 1`. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
