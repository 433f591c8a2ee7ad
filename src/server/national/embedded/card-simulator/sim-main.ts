// The card-app simulator's own process (issue 12 #3), started by the reception in demo mode:
//   SIM_DATA_DIR=<dir> SIM_PORT=<port> node src/server/national/embedded/card-simulator/sim-main.ts
// It listens on 127.0.0.1 only, tells its parent the port over the IPC channel and exits when the
// parent goes away (the channel closes even when the parent is killed).
import { serve } from '@hono/node-server';
import path from 'node:path';
import { log } from '../../../http/logger.ts';
import { ensureTestCa } from '../test-ca.ts';
import { openCardSimDatabase } from './card-sim.database.ts';
import { createCardSimulatorApp } from './sim-app.ts';

const simDataDir = process.env.SIM_DATA_DIR;
if (!simDataDir) {
  process.stderr.write('SIM_DATA_DIR must name the card simulator\'s own directory.\n');
  process.exit(2);
}
const dir = path.resolve(simDataDir);
const port = Number(process.env.SIM_PORT || 0);
const { db } = await openCardSimDatabase(dir);
const material = await ensureTestCa(dir, new Date());
const app = createCardSimulatorApp({ db, material });

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  log('info', 'card_simulator_started', { port: info.port });
  if (process.send) process.send({ type: 'ready', port: info.port });
  else process.stdout.write(`Card-app simulator listening on http://127.0.0.1:${info.port}\n`);
});

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  server.close(() => {
    void db.destroy().then(() => process.exit(0));
  });
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('disconnect', shutdown);
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
