import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, SQLITE_FILE_NAME, type OpenedDatabase } from '../../../db/database.ts';
import { migrateToLatest } from '../../../db/migrate.ts';

/**
 * The simulator's own SQLite database under its own directory (issue 12 #3): the PIN counters
 * live with the simulated cards, apart from the reception's data. The migrations create the
 * `sim_card_state` table (the shared migration set keeps its types in one place).
 */
export async function openCardSimDatabase(simDataDir: string): Promise<OpenedDatabase> {
  fs.mkdirSync(simDataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(simDataDir, 0o700);
  const opened = openDatabase({ dataDir: simDataDir });
  await migrateToLatest(opened.db);
  fs.chmodSync(path.join(simDataDir, SQLITE_FILE_NAME), 0o600);
  return opened;
}
