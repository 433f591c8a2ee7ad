import { createHash, randomBytes } from 'node:crypto';

/** The token the starting device holds to read its card request's outcome; only its hash is stored. */
export function newAccessToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: accessTokenHash(token) };
}

export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
