/**
 * Why a backup or restore was refused. The message is the one line the command prints: it names
 * the file or setting at fault, never anything read out of the database.
 */
export class BackupRefusedError extends Error {
  override readonly name = 'BackupRefusedError';
}

/** The key file: missing, wrong size, readable by others, or inside the data directory. */
export class BackupKeyError extends BackupRefusedError {}

/** The key does not open the backup (a wrong key file, or the header was changed). */
export class WrongBackupKeyError extends BackupRefusedError {}

/** The file is not whole: cut short, a byte changed, a part moved or replaced. */
export class BackupTamperedError extends BackupRefusedError {}

/** Made by a newer version of this program (a newer file format or database schema). */
export class BackupTooNewError extends BackupRefusedError {}

/** The restored copy failed a check (integrity, audit chain, row counts); nothing was kept. */
export class RestoreCheckFailedError extends BackupRefusedError {}
