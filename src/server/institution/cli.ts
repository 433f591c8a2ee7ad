// Issue 12 #9: the operator's counter for institution onboarding.
//   npm run institution -- issue-activation <医療機関コード> [--hours 72]
//   npm run institution -- deactivate <医療機関コード>
//   npm run institution -- activate <医療機関コード>
// Uses the database the server is configured with (DATA_DIR or DATABASE_URL).
import { readConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { ACTIVATION_TTL_MS, ActivationCommandError, issueActivation, setInstitutionActive } from './institution-activation.service.ts';

const USAGE = [
  'Usage: npm run institution -- <command> <institution code>',
  '  issue-activation <code> [--hours N]  a one-time activation code for a clinic that is not yet registered',
  '                                       (default 72 hours; an unused earlier code for it stops working)',
  '  deactivate <code>                    suspend: the link answers "not valid", staff cannot sign in',
  '  activate <code>                      resume a suspended institution',
].join('\n');

function parse(argv: string[]): { command: string; institutionCode: string; hours: number } | undefined {
  const [command, institutionCode, ...rest] = argv;
  if (!command || !institutionCode || !['issue-activation', 'deactivate', 'activate'].includes(command)) return undefined;
  let hours = ACTIVATION_TTL_MS / 3_600_000;
  if (rest.length > 0) {
    if (command !== 'issue-activation' || rest.length !== 2 || rest[0] !== '--hours') return undefined;
    hours = Number(rest[1]);
    if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 30) return undefined;
  }
  return { command, institutionCode: institutionCode.trim(), hours };
}

const args = parse(process.argv.slice(2));
if (!args) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

const { db, location } = openDatabase(readConfig());
try {
  await migrateToLatest(db);
  const now = new Date();
  if (args.command === 'issue-activation') {
    const issued = await db.transaction().execute((trx) => issueActivation(trx, args.institutionCode, now, args.hours * 3_600_000));
    // The code is printed once and kept only as a hash: send it to the clinic out of band.
    process.stdout.write(
      `Activation code for ${args.institutionCode}: ${issued.code}\n` +
        `Valid once, until ${issued.expiresAt} (UTC). Send it to the clinic by a channel that proves it is them (e.g. post to its address on record).\n`,
    );
  } else {
    const active = args.command === 'activate';
    await db.transaction().execute((trx) => setInstitutionActive(trx, args.institutionCode, active, now));
    process.stdout.write(`Institution ${args.institutionCode} ${active ? 'activated' : 'deactivated'} in ${location}.\n`);
  }
} catch (err) {
  if (!(err instanceof ActivationCommandError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
