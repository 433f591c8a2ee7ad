import fs from 'node:fs';
import path from 'node:path';
import { createApp } from './app.ts';
import { readConfig, type ServerConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { ensureDemoInstitution, type DemoSeedResult } from './demo/demo-seed.ts';
import { institutionLink } from './institution/institution.service.ts';
import { log } from './http/logger.ts';
import { startCardSimulatorProcess, type CardSimulatorProcess } from './national/embedded/card-simulator/sim-process.ts';
import { createNationalServices } from './national/national-services.ts';
import { resolveCardTrustSources, StartupRefusedError } from './national/trust-config.ts';
import { loadKeyring } from './secrets/keyring.ts';
import { ensurePrivateDir } from './secrets/private-files.ts';
import { sealClearTotpSecrets } from './staff/totp-secret.ts';
import { purgeExpiredDeclarations } from './declaration/declaration.service.ts';
import { purgeExpiredGuideRecords } from './guide-record/guide-record.service.ts';
import { startRetentionPurge } from './retention/retention.service.ts';
import { purgeDeliveredWebhooks } from './webhook/webhook.service.ts';
import { startExpirySweep } from './change-feed/expiry-sweep.ts';
import { createWebhookDelivery } from './webhook/webhook-delivery.ts';
import { readBackupConfig, type BackupConfig } from './backup/backup-config.ts';
import { startBackupSchedule } from './backup/backup-schedule.ts';
import { createLifecycle } from './lifecycle/lifecycle.ts';

/** A configuration the server refuses: a clear message on stderr and exit code 1, before anything is opened. */
function refuse(message: string): never {
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}

// Every file the server creates (database, logs of SQLite, keys, demo login) is its own (issue 12 #6).
process.umask(0o077);
let config: ServerConfig;
let backupConfig: BackupConfig;
try {
  config = readConfig();
  backupConfig = readBackupConfig(process.env, config.dataDir);
  // Issue 12 #3: production refuses an unsafe trust set before it opens anything.
  if (config.appMode === 'production') resolveCardTrustSources(config, null);
} catch (err) {
  refuse(err instanceof Error ? err.message : String(err));
}

// Issue 21 #2: production always marks the staff session cookie Secure, so staff can sign in only
// over HTTPS; a PUBLIC_URL that is not https means no TLS in front, and logins will not stick.
if (config.appMode === 'production' && !config.publicUrl.startsWith('https://')) {
  log('warn', 'public_url_not_https', { publicUrl: config.publicUrl });
  process.stderr.write(
    `\n  WARNING: PUBLIC_URL (${config.publicUrl}) is not https. Production requires HTTPS: the staff session cookie is always Secure, so browsers will not keep it over plain http. Put a TLS reverse proxy in front (src/server/deploy/) and set PUBLIC_URL=https://…\n`,
  );
}
if (config.appMode === 'demo') {
  process.stdout.write(
    '\n  DEMO MODE (APP_MODE=demo): demo accounts, the card-app simulator and its test CA are trusted. Not for real patients.\n',
  );
}
// Issue 12 #3: the simulator (and its CA key) lives in its own process and directory; it starts
// while the reception opens its database.
const simulatorStarting = config.cardSimulator ? startCardSimulatorProcess({ simDataDir: config.simDataDir, port: config.simPort }) : null;
// Awaited below; a failure meanwhile must not count as an unhandled rejection.
simulatorStarting?.catch(() => undefined);
ensurePrivateDir(config.dataDir);
// Issue 20 #4: the port opens now; until the app is handed over (after migrations) readiness answers 503.
const lifecycle = createLifecycle({ deadlineMs: config.shutdownDeadlineMs });
lifecycle.handleSignals();
const port = await lifecycle.listen(config.port, config.host);
const secrets = loadKeyring(config);
const { db, dialect, location, commitStats, changes } = openDatabase(config);
const schemaVersion = await migrateToLatest(db);
// Secrets written before sealing existed, or sealed with an older key, are (re)sealed now (issue 12 #6).
await sealClearTotpSecrets(db, secrets);
// Demo data only in demo mode; a production installation starts empty.
const demo: DemoSeedResult | null =
  config.appMode === 'demo'
    ? await ensureDemoInstitution(db, secrets, {
        dataDir: config.dataDir,
        fixedPassword: config.demoPassword,
        fixedLinkToken: config.demoLinkToken,
        fixedTotpSecret: config.demoTotpSecret,
      })
    : null;

// The reception gets the demo CA certificate and the CRL's address from the simulator, nothing else.
let simulator: CardSimulatorProcess | null = null;
let national: Awaited<ReturnType<typeof createNationalServices>>;
try {
  simulator = simulatorStarting ? await simulatorStarting : null;
  const trust = resolveCardTrustSources(config, simulator && { caCertPem: simulator.caCertPem, crlUrl: simulator.crlUrl });
  national = await createNationalServices({
    publicUrl: config.publicUrl,
    cardAppUrl: config.cardAppUrl,
    trust,
    simulator: simulator?.link ?? null,
  });
} catch (err) {
  simulator?.stop();
  await db.destroy();
  if (err instanceof StartupRefusedError) refuse(err.message);
  throw err;
}
const app = createApp({ db, dialect, config, schemaVersion, national, secrets, commitStats, changes, phase: lifecycle.phase });
// D5: completed declarations and guide records are destroyed once their retention has passed, checked hourly.
const stopDeclarationPurge = startRetentionPurge(db, () => new Date(), 60 * 60 * 1000, [purgeExpiredDeclarations, purgeExpiredGuideRecords, purgeDeliveredWebhooks]);
// Issue 19 #3: consent expiries become feed events (each minute), and the webhook outbox is sent (every 2 s).
const stopExpirySweep = startExpirySweep(db, () => new Date(), 60 * 1000);
const webhookDelivery = createWebhookDelivery({
  db,
  secrets,
  appMode: config.appMode,
  allowLocalHttp: config.webhookAllowLocalHttp,
  clock: () => new Date(),
  intervalMs: 2000,
});
webhookDelivery.start();
// Issue 20 #1: encrypted backups on BACKUP_SCHEDULE (off unless configured); stopped with the loops below.
let backups: ReturnType<typeof startBackupSchedule>;
try {
  backups = startBackupSchedule({ config: backupConfig, dataDir: config.dataDir, dialect });
} catch (err) {
  simulator?.stop();
  await db.destroy();
  refuse(err instanceof Error ? err.message : String(err));
}

/** Issue 12 #14: the start message names where the demo credentials are, never the credentials. */
function demoLoginLine(seed: DemoSeedResult): string {
  const file = path.join(config.dataDir, 'demo-login.txt');
  const fromEnv = config.demoPassword !== undefined && config.demoTotpSecret !== undefined;
  if (!fromEnv && fs.existsSync(file)) return `  Demo staff login: ${seed.loginId}; password and second-factor (TOTP) secret in ${file} (readable by the owner only)`;
  return `  Demo staff login: ${seed.loginId}; password and TOTP secret as set in DEMO_PASSWORD / DEMO_TOTP_SECRET`;
}

// Issue 20 #4: SIGTERM/SIGINT drain the open requests (SHUTDOWN_DEADLINE_MS), stop the loops, commit
// and close the database, stop the simulator, then exit (lifecycle/lifecycle.ts).
lifecycle.serve(app.fetch, {
  loops: [
    { name: 'retention', stop: stopDeclarationPurge },
    { name: 'expiry-sweep', stop: stopExpirySweep },
    { name: 'webhook-delivery', stop: () => webhookDelivery.stop() },
    ...(backups ? [{ name: 'backup-schedule', stop: () => backups.stop() }] : []),
  ],
  closeDatabase: () => db.destroy(),
  finally: [() => simulator?.stop()],
});
{
  const info = { port };
  log('info', 'server_started', { port: info.port, database: dialect, schemaVersion, mode: config.appMode });
  const lines = [
    '',
    `  在宅受付 Zaitaku Uketsuke is running at ${config.publicUrl}  (port ${info.port}, ${config.appMode} mode)`,
    `  Database (${dialect}): ${location}`,
    ...(demo
      ? [
          `  Demo institution: ${demo.institution.name} (${demo.institution.code})`,
          `  Institution link for patients and nurses: ${institutionLink(config.publicUrl, demo.institution.link_token)}`,
        ]
      : []),
    `  Staff page: ${config.publicUrl}/staff`,
    ...(demo ? [demoLoginLine(demo)] : []),
    simulator
      ? `  Card-app simulator: ${config.publicUrl}/card-app (its own process, data in ${config.simDataDir}; demo cards, PIN 1234; reset a locked card: npm run card-sim -- reset <card>)`
      : `  Card app: ${national.cardAppUrl}`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
