import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NUL_MESSAGE, containsNulCharacter } from '../../src/server/http/validate.ts';
import { createTestApp, jsonRequest, TEST_PASSWORD, type TestApp } from './support/test-app.ts';

/**
 * A NUL character (U+0000) in a JSON body is refused as a field error before any route reads
 * it. (In a path it is "not found", app.ts; the routes that take query strings check them with
 * their own schemas, change-feed.test.ts has one.) PostgreSQL cannot store one in text: the fuzz in the PostgreSQL lane found
 * `POST /api/staff/login` answering such a login id with a 500, where SQLite said "wrong password".
 * Runs in both lanes (npm test on SQLite, npm run test:pg on PostgreSQL).
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

describe('a NUL character in what a client sends', () => {
  it('in a login id: 422 naming the field, never a 500, and the value is not echoed', async () => {
    const res = await t.app.request('/api/staff/login', jsonRequest('POST', { loginId: 'demo-admin\u0000Zq9Marker', password: TEST_PASSWORD }));
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(text).not.toContain('Zq9Marker');
    expect((JSON.parse(text) as ErrorBody).error).toEqual({ code: 'validation_failed', message: 'Some fields are not valid.', fields: { '(body)': NUL_MESSAGE } });
    // The same login without it is an ordinary answer (the character is what was refused).
    const plain = await t.app.request('/api/staff/login', jsonRequest('POST', { loginId: 'demo-admin', password: TEST_PASSWORD }));
    expect(plain.status).toBe(200);
  });

  it('deep in a body: refused the same way, the field not named (a key may be the client’s own)', async () => {
    const res = await t.app.request(
      '/api/public/declarations',
      jsonRequest('POST', { linkToken: 'x', name: 'ok', dateOfBirth: { era: 'showa', year: 55 }, guideOutcome: { notes: ['fine', 'bad\u0000'] } }, { 'x-device-id': '6a1f0c3e-9b2d-4e7a-8c5f-3d1e0b9a7c42' }),
    );
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorBody).error.fields).toEqual({ '(body)': NUL_MESSAGE });
  });

  it('finds it in keys, array items and nested values, and nowhere else', () => {
    expect(containsNulCharacter({ a: 'x', b: [1, 'y', { c: 'z' }] })).toBe(false);
    expect(containsNulCharacter('a\u0000')).toBe(true);
    expect(containsNulCharacter({ a: [{ b: 'ok' }, { c: '\u0000' }] })).toBe(true);
    expect(containsNulCharacter({ outer: { 'k\u0000': 1 } })).toBe(true);
    // A backslash and "u0000" typed as text is not the character.
    expect(containsNulCharacter({ a: '\\u0000' })).toBe(false);
  });

  it('walks a body nested 100,000 deep without running out of stack', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(containsNulCharacter(deep)).toBe(true);
    let clean: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) clean = { a: clean };
    expect(containsNulCharacter(clean)).toBe(false);
  });
});
