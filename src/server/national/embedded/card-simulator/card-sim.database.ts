import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, SQLITE_FILE_NAME, type OpenedDatabase } from '../../../db/database.ts';

/**
 * The simulator's own SQLite database under its own directory (issue 12 #3): the PIN counters
 * live with the simulated cards, apart from the reception's data. It holds one table, the same
 * as the reception migration `create_card_simulator` (kept there for the in-process API tests).
 */
export async function openCardSimDatabase(simDataDir: string): Promise<OpenedDatabase> {
  fs.mkdirSync(simDataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(simDataDir, 0o700);
  const opened = openDatabase({ dataDir: simDataDir });
  await opened.db.schema
    .createTable('sim_card_state')
    .ifNotExists()
    .addColumn('card_id', 'text', (c) => c.primaryKey())
    .addColumn('failed_pin_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  fs.chmodSync(path.join(simDataDir, SQLITE_FILE_NAME), 0o600);
  return opened;
}
