import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { readConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { ensureDemoInstitution } from './demo/demo-seed.ts';
import { institutionLink } from './institution/institution.service.ts';
import { log } from './http/logger.ts';
import { embeddedNationalServices } from './national/national-services.ts';
import { loadKeyring } from './secrets/keyring.ts';
import { ensurePrivateDir } from './secrets/private-files.ts';
import { sealClearTotpSecrets } from './staff/totp-secret.ts';
import { startDeclarationPurge } from './declaration/declaration.service.ts';
import { purgeExpiredGuideRecords } from './guide-record/guide-record.service.ts';

// Every file the server creates (database, logs of SQLite, keys, demo login) is its own (issue 12 #6).
process.umask(0o077);
const config = readConfig();
ensurePrivateDir(config.dataDir);
const secrets = loadKeyring(config);
const { db, dialect, location } = openDatabase(config);
const schemaVersion = await migrateToLatest(db);
// Secrets written before sealing existed, or sealed with an older key, are (re)sealed now (issue 12 #6).
await sealClearTotpSecrets(db, secrets);
const demo = await ensureDemoInstitution(db, secrets, {
  dataDir: config.dataDir,
  fixedPassword: config.demoPassword,
  fixedLinkToken: config.demoLinkToken,
  fixedTotpSecret: config.demoTotpSecret,
});
const national = await embeddedNationalServices({
  dataDir: config.dataDir,
  publicUrl: config.publicUrl,
  cardAppUrl: config.cardAppUrl,
  simulatorEnabled: config.cardSimulator,
});
const app = createApp({ db, dialect, config, schemaVersion, national, secrets });
// D5: completed declarations are destroyed once their retention has passed, checked hourly.
const stopDeclarationPurge = startDeclarationPurge(db, () => new Date(), 60 * 60 * 1000, [purgeExpiredGuideRecords]);

const server = serve({ fetch: app.fetch, port: config.port }, (info) => {
  log('info', 'server_started', { port: info.port, database: dialect, schemaVersion });
  const lines = [
    '',
    `  在宅受付 Zaitaku Uketsuke is running at ${config.publicUrl}  (port ${info.port})`,
    `  Database (${dialect}): ${location}`,
    `  Demo institution: ${demo.institution.name} (${demo.institution.code})`,
    `  Institution link for patients and nurses: ${institutionLink(config.publicUrl, demo.institution.link_token)}`,
    `  Staff page: ${config.publicUrl}/staff`,
    `  Demo staff login: ${demo.loginId} / ${demo.password ?? '(see demo-login.txt in the data directory)'}`,
    `  Demo second factor (TOTP, add to an authenticator app): ${demo.totpSecret ?? '(see demo-login.txt in the data directory)'}`,
    national.cardSimulator
      ? `  Card-app simulator: ${config.publicUrl}/card-app (demo cards, PIN 1234; reset a locked card: npm run card-sim -- reset <card>)`
      : `  Card app: ${national.cardAppUrl}`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  stopDeclarationPurge();
  server.close(() => {
    void db.destroy().then(() => process.exit(0));
  });
  // Open keep-alive connections must not hold the process forever.
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
