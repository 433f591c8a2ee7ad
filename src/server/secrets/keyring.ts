import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Secrets at rest (TOTP secrets, the institution's declaration key, …) are sealed with AES-256-GCM
 * under a key that is never stored in the database: a stolen database file or dump alone reveals
 * nothing. Each sealed value names its key id, so keys can be rotated: put the new key first and
 * keep the old ones until every value has been rewritten.
 *
 * Where the keys come from, first match wins:
 * - `SECRET_KEYS` = `id:base64key[,id:base64key…]` (32-byte keys; the first one seals);
 * - the key file `SECRET_KEY_FILE`, default `<DATA_DIR>/keys/secret.keys`, one `id:base64key`
 *   per line, created with a random key at first start (file 0600, folder 0700).
 */
export interface Keyring {
  /** The id of the key that seals new values. */
  readonly currentId: string;
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
  /** Where the keys came from, for the start-up message (never the keys). */
  readonly source: string;
}

const PREFIX = 'sealed:v1:';
const KEY_BYTES = 32;
const ID = /^[A-Za-z0-9_-]{1,32}$/;

export class SecretKeyError extends Error {}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

export function keyringFromKeys(keys: ReadonlyArray<{ id: string; key: Buffer }>, source: string): Keyring {
  if (keys.length === 0) throw new SecretKeyError('No secret key is configured.');
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (!ID.test(id)) throw new SecretKeyError('A secret key id may hold only letters, digits, _ and - (at most 32).');
    if (key.length !== KEY_BYTES) throw new SecretKeyError(`Secret key "${id}" must be ${KEY_BYTES} bytes (base64).`);
    if (byId.has(id)) throw new SecretKeyError(`Secret key id "${id}" appears twice.`);
    byId.set(id, key);
  }
  const current = keys[0]!;
  return {
    currentId: current.id,
    source,
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      // The context (e.g. the table and row) is authenticated: a sealed value copied onto
      // another row does not open there.
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${PREFIX}${current.id}:${iv.toString('base64url')}:${body.toString('base64url')}`;
    },
    open(sealed, context) {
      if (!isSealed(sealed)) throw new SecretKeyError('The value is not sealed.');
      const [id, ivText, bodyText] = sealed.slice(PREFIX.length).split(':');
      const key = id === undefined ? undefined : byId.get(id);
      if (!key || ivText === undefined || bodyText === undefined) throw new SecretKeyError('The key that sealed this value is not configured.');
      const body = Buffer.from(bodyText, 'base64url');
      if (body.length < 16) throw new SecretKeyError('The sealed value is damaged.');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - 16));
      try {
        return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretKeyError('The sealed value does not open with its key (wrong key or changed value).');
      }
    },
  };
}

function parseKeyList(text: string, source: string): Array<{ id: string; key: Buffer }> {
  // Comments first, then commas: a comment may itself contain a comma.
  return text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new SecretKeyError(`${source}: each key is written id:base64key.`);
      return { id: line.slice(0, colon), key: Buffer.from(line.slice(colon + 1), 'base64') };
    });
}

export const SECRET_KEY_FILE_NAME = path.join('keys', 'secret.keys');

/** The keyring of a server: from `SECRET_KEYS`, else the key file (created when missing). */
export function loadKeyring(options: { dataDir: string; secretKeys?: string | undefined; secretKeyFile?: string | undefined }): Keyring {
  if (options.secretKeys) return keyringFromKeys(parseKeyList(options.secretKeys, 'SECRET_KEYS'), 'SECRET_KEYS');
  const file = options.secretKeyFile ?? path.join(options.dataDir, SECRET_KEY_FILE_NAME);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
    // 'wx': never overwrite a key file another process has just written.
    try {
      fs.writeFileSync(file, `# secret keys: id:base64, the first seals new values\n${id}:${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new SecretKeyError(`${file} must be readable by its owner only (chmod 600).`);
  return keyringFromKeys(parseKeyList(fs.readFileSync(file, 'utf8'), file), file);
}
