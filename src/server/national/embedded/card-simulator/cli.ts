// The municipal office's counter for the demo cards (F7): unlocks a PIN-locked simulated card.
//   node src/server/national/embedded/card-simulator/cli.ts reset <cardId|--all>
// It works on the simulator's own database (SIM_DATA_DIR, default `<DATA_DIR>-card-sim`).
import { readConfig } from '../../../config.ts';
import { AppError } from '../../../http/errors.ts';
import { openCardSimDatabase } from './card-sim.database.ts';
import { resetCard } from './card-sim.service.ts';
import { DEMO_CARDS } from './demo-cards.ts';

const USAGE = 'Usage: node src/server/national/embedded/card-simulator/cli.ts reset <cardId|--all>';

const [command, target, ...rest] = process.argv.slice(2);
if (command !== 'reset' || target === undefined || rest.length > 0) {
  process.stderr.write(`${USAGE}\nCards: ${DEMO_CARDS.map((card) => card.id).join(', ')}\n`);
  process.exit(2);
}

const config = readConfig();
const { db, location } = await openCardSimDatabase(config.simDataDir);
try {
  const cardId = target === '--all' ? 'all' : target;
  const changed = await resetCard(db, cardId);
  const which = cardId === 'all' ? 'every demo card' : `card ${cardId}`;
  process.stdout.write(
    changed > 0
      ? `Reset ${which}: PIN counter cleared and unlocked (${changed} card(s) changed) in ${location}.\n`
      : `Nothing to reset for ${which}: no wrong PINs recorded in ${location}.\n`,
  );
} catch (err) {
  if (!(err instanceof AppError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
