import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSealed, keyringFromKeys, loadKeyring, SecretKeyError } from '../../src/server/secrets/keyring.ts';

const key = () => randomBytes(32);
const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-keyring-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('keyring: secrets sealed at rest (issue 12 #6)', () => {
  it('issue 12 #6: seals and opens a value; the sealed form shows neither the value nor the key', () => {
    const k = key();
    const ring = keyringFromKeys([{ id: 'k1', key: k }], 'test');
    const sealed = ring.seal('GEZDGNBVGY3TQOJQ', 'staff_account.totp_secret:a');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('GEZDGNBVGY3TQOJQ');
    expect(sealed).not.toContain(k.toString('base64'));
    expect(sealed.startsWith('sealed:v1:k1:')).toBe(true);
    expect(ring.open(sealed, 'staff_account.totp_secret:a')).toBe('GEZDGNBVGY3TQOJQ');
    // A fresh IV each time: the same secret never seals to the same text twice.
    expect(ring.seal('GEZDGNBVGY3TQOJQ', 'c')).not.toBe(ring.seal('GEZDGNBVGY3TQOJQ', 'c'));
  });

  it('issue 12 #6: a value moved to another row (another context) does not open', () => {
    const ring = keyringFromKeys([{ id: 'k1', key: key() }], 'test');
    const sealed = ring.seal('secret', 'staff_account.totp_secret:a');
    expect(() => ring.open(sealed, 'staff_account.totp_secret:b')).toThrow(SecretKeyError);
  });

  it('issue 12 #6: a changed byte is detected', () => {
    const ring = keyringFromKeys([{ id: 'k1', key: key() }], 'test');
    const sealed = ring.seal('secret', 'ctx');
    const last = sealed.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${sealed.slice(0, -2)}${last}${sealed.at(-1)}`;
    expect(tampered).not.toBe(sealed);
    expect(() => ring.open(tampered, 'ctx')).toThrow(SecretKeyError);
    expect(() => ring.open('GEZDGNBVGY3TQOJQ', 'ctx')).toThrow(SecretKeyError);
  });

  it('issue 12 #6: rotation: the new key seals, a value sealed with the old one still opens while it is listed second', () => {
    const oldKey = { id: 'old', key: key() };
    const newKey = { id: 'new', key: key() };
    const sealedOld = keyringFromKeys([oldKey], 'test').seal('secret', 'ctx');
    const rotated = keyringFromKeys([newKey, oldKey], 'test');
    expect(rotated.currentId).toBe('new');
    expect(rotated.open(sealedOld, 'ctx')).toBe('secret');
    expect(rotated.seal('secret', 'ctx').startsWith('sealed:v1:new:')).toBe(true);
    // Once the old key is dropped, its values are refused by name (not as a damaged value).
    expect(() => keyringFromKeys([newKey], 'test').open(sealedOld, 'ctx')).toThrow(/not configured/);
  });

  it('issue 12 #6: refuses bad key lists (wrong length, repeated id, none at all)', () => {
    expect(() => keyringFromKeys([], 'test')).toThrow(SecretKeyError);
    expect(() => keyringFromKeys([{ id: 'k', key: randomBytes(16) }], 'test')).toThrow(/32 bytes/);
    const k = key();
    expect(() => keyringFromKeys([{ id: 'k', key: k }, { id: 'k', key: k }], 'test')).toThrow(/twice/);
    expect(() => loadKeyring({ dataDir: tempDir(), secretKeys: 'no-colon' })).toThrow(SecretKeyError);
  });

  it('issue 12 #6: SECRET_KEYS takes the keys from the environment, first one sealing', () => {
    const a = key().toString('base64');
    const b = key().toString('base64');
    const dir = tempDir();
    const ring = loadKeyring({ dataDir: dir, secretKeys: `a:${a},b:${b}` });
    expect(ring.currentId).toBe('a');
    expect(ring.source).toBe('SECRET_KEYS');
    // Sealed with exactly the configured key a: a keyring with only that key opens it.
    expect(keyringFromKeys([{ id: 'a', key: Buffer.from(a, 'base64') }], 't').open(ring.seal('x', 'c'), 'c')).toBe('x');
    // No key file is written when the keys come from the environment.
    expect(fs.existsSync(path.join(dir, 'keys'))).toBe(false);
  });

  it('issue 12 #6: the key file is created 0600 in a 0700 folder, and loads the same keys again', () => {
    const dir = tempDir();
    const ring = loadKeyring({ dataDir: dir });
    const file = path.join(dir, 'keys', 'secret.keys');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const sealed = ring.seal('secret', 'ctx');
    expect(loadKeyring({ dataDir: dir }).open(sealed, 'ctx')).toBe('secret');
  });

  it('issue 12 #6: a key file others can read is refused', () => {
    const dir = tempDir();
    loadKeyring({ dataDir: dir });
    const file = path.join(dir, 'keys', 'secret.keys');
    fs.chmodSync(file, 0o644);
    expect(() => loadKeyring({ dataDir: dir })).toThrow(/chmod 600/);
    const other = path.join(tempDir(), 'my.keys');
    fs.writeFileSync(other, `k1:${key().toString('base64')}\n`, { mode: 0o640 });
    fs.chmodSync(other, 0o640);
    expect(() => loadKeyring({ dataDir: dir, secretKeyFile: other })).toThrow(/chmod 600/);
  });
});
