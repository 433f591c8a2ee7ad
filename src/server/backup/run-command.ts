import { BackupRefusedError } from './backup-errors.ts';

/**
 * Runs `npm run backup` or `npm run restore`: the command's exit code, or one line on stderr
 * saying why it was refused. Our refusals (and refused settings) carry their own one-line message;
 * anything else is named by its class only, so no data reaches the terminal or a log.
 */
export function runBackupCommand(verb: 'backup' | 'restore', main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const known = error instanceof BackupRefusedError || (error instanceof Error && /^(BACKUP_|PORT|APP_MODE|DATA_DIR)/.test(error.message));
      process.stderr.write(`${verb} refused: ${known && error instanceof Error ? error.message : error instanceof Error ? error.name : 'error'}\n`);
      process.exitCode = 1;
    },
  );
}

/** The value after `--name` on the command line, or undefined when the option is absent. */
export function commandOption(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new BackupRefusedError(`${name} needs a value.`);
  return value;
}
