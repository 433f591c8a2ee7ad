import { describe, expect, it } from 'vitest';
import { createApiClientSchema } from '../../src/domain/api-client/api-client-api.ts';
import { API_CLIENT_SCOPES, isApiClientScope } from '../../src/domain/api-client/api-client-scopes.ts';
import { hashApiClientToken, outcomeOfStatus, parseBearerToken } from '../../src/server/api-client/api-client.service.ts';

/** Issue 19 #2: the create request, the bearer token's form, and the audit outcome of a status. */

const ID = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const SECRET = 'A'.repeat(21) + '_-' + 'z'.repeat(20);

describe('createApiClientSchema', () => {
  it('takes a trimmed name and known scopes, each once', () => {
    expect(createApiClientSchema.parse({ name: '  電子カルテ ', scopes: ['consent.read', 'feed.read'] })).toEqual({ name: '電子カルテ', scopes: ['consent.read', 'feed.read'] });
    expect(createApiClientSchema.safeParse({ name: 'x', scopes: [...API_CLIENT_SCOPES] }).success).toBe(true);
  });

  it.each([
    ['an empty name', { name: '  ', scopes: ['consent.read'] }],
    ['a name over 100 characters', { name: 'あ'.repeat(101), scopes: ['consent.read'] }],
    ['no scope', { name: 'x', scopes: [] }],
    ['an unknown scope', { name: 'x', scopes: ['consent.write'] }],
    ['a scope twice', { name: 'x', scopes: ['feed.read', 'feed.read'] }],
    ['a field of its own', { name: 'x', scopes: ['feed.read'], secret: 'chosen' }],
  ])('refuses %s', (_, body) => {
    expect(createApiClientSchema.safeParse(body).success).toBe(false);
  });

  it('knows exactly the scopes of the shared list', () => {
    expect(API_CLIENT_SCOPES.every(isApiClientScope)).toBe(true);
    expect(isApiClientScope('consent.write')).toBe(false);
  });
});

describe('parseBearerToken', () => {
  it('finds the client id in a well-formed token', () => {
    const token = `zuk_${ID}_${SECRET}`;
    expect(parseBearerToken(`Bearer ${token}`)).toEqual({ clientId: ID, token });
    expect(parseBearerToken(`bearer ${token}`)).toEqual({ clientId: ID, token });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', `Basic zuk_${ID}_${SECRET}`],
    ['no scheme', `zuk_${ID}_${SECRET}`],
    ['another prefix', `Bearer zzz_${ID}_${SECRET}`],
    ['an id that is no UUID', `Bearer zuk_${ID.slice(1)}_${SECRET}`],
    ['an upper-case id', `Bearer zuk_${ID.toUpperCase()}_${SECRET}`],
    ['a short secret', `Bearer zuk_${ID}_${SECRET.slice(1)}`],
    ['a long secret', `Bearer zuk_${ID}_${SECRET}A`],
    ['a character outside base64url', `Bearer zuk_${ID}_${SECRET.slice(1)}+`],
    ['two tokens', `Bearer zuk_${ID}_${SECRET} zuk_${ID}_${SECRET}`],
    ['a huge header', `Bearer ${'a'.repeat(10_000)}`],
  ])('is null for %s', (_, header) => {
    expect(parseBearerToken(header)).toBeNull();
  });

  it('hashes the whole token, so the same secret under another id has another hash', () => {
    expect(hashApiClientToken(`zuk_${ID}_${SECRET}`)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiClientToken(`zuk_${ID}_${SECRET}`)).not.toBe(hashApiClientToken(`zuk_${ID.replace('3f', '4f')}_${SECRET}`));
  });
});

describe('outcomeOfStatus', () => {
  it.each([
    [200, 'ok'],
    [304, 'ok'],
    [400, 'invalid'],
    [401, 'refused'],
    [403, 'refused'],
    [404, 'notFound'],
    [422, 'invalid'],
    [429, 'rate_limited'],
    [500, 'error'],
    [503, 'error'],
  ] as const)('%i → %s', (status, outcome) => {
    expect(outcomeOfStatus(status)).toBe(outcome);
  });
});
