import { describe, expect, it } from 'vitest';
import { hashPassword, PASSWORD_HASH_PARAMS, verifyPassword } from '../../src/server/staff/password.ts';

describe('staff passwords (scrypt)', () => {
  it('a new hash carries the production cost, N=2^15, r=8, p=1 (OWASP minimum), and verifies', async () => {
    expect(PASSWORD_HASH_PARAMS).toEqual({ N: 32768, r: 8, p: 1 });
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct horsf', stored)).toBe(false);
  });

  it('verification reads the cost from the stored hash (the API tests seed with a small one)', async () => {
    const cheap = await hashPassword('test-password-1', { N: 1024, r: 8, p: 1 });
    expect(cheap.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('test-password-1', cheap)).toBe(true);
    expect(await verifyPassword('test-password-2', cheap)).toBe(false);
  });
});
