import path from 'node:path';
import { scaledRateLimits, type RateLimitConfig } from './http/rate-limit.ts';

export interface ServerConfig {
  port: number;
  /** Where the embedded database and generated keys live. */
  dataDir: string;
  /** PostgreSQL connection string; when set it replaces the embedded SQLite database. */
  databaseUrl: string | undefined;
  /** The built app (Vite output) served at `/`. */
  staticDir: string;
  /** The address patients and staff reach, used in printed links. */
  publicUrl: string;
  /** Fixes the demo staff password (tests); otherwise one is generated at first start. */
  demoPassword: string | undefined;
  /** Fixes the demo accounts' TOTP secret (base32; tests); otherwise one is generated at first start. */
  demoTotpSecret: string | undefined;
  /** Fixes the demo institution's link token at its creation (tests). */
  demoLinkToken: string | undefined;
  /** The card app patients are handed to; the embedded simulator's page by default. */
  cardAppUrl: string | undefined;
  /** Serve the card-app simulator (the embedded default); `CARD_SIMULATOR=off` turns it off. */
  cardSimulator: boolean;
  /** A reverse proxy sets X-Forwarded-For (TRUST_PROXY=1); only then is it used as the client address. */
  trustProxy: boolean;
  /** Login and handoff rate limits; RATE_LIMIT_FACTOR scales them all (the browser suite signs in often). */
  rateLimits: RateLimitConfig;
  /** `SECRET_KEYS` (id:base64,…), the keys that seal secrets at rest; else the key file. */
  secretKeys: string | undefined;
  /** `SECRET_KEY_FILE`, default `<dataDir>/keys/secret.keys` (0600). */
  secretKeyFile: string | undefined;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error('PORT must be a whole number between 0 and 65535');
  }
  const factor = env.RATE_LIMIT_FACTOR === undefined || env.RATE_LIMIT_FACTOR === '' ? 1 : Number(env.RATE_LIMIT_FACTOR);
  if (!Number.isFinite(factor) || factor <= 0) throw new Error('RATE_LIMIT_FACTOR must be a positive number');
  return {
    port,
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    databaseUrl: env.DATABASE_URL || undefined,
    staticDir: path.resolve(env.STATIC_DIR || 'dist'),
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    demoPassword: env.DEMO_PASSWORD || undefined,
    demoLinkToken: env.DEMO_LINK_TOKEN || undefined,
    demoTotpSecret: env.DEMO_TOTP_SECRET || undefined,
    cardAppUrl: env.CARD_APP_URL || undefined,
    cardSimulator: env.CARD_SIMULATOR !== 'off',
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    rateLimits: scaledRateLimits(factor),
    secretKeys: env.SECRET_KEYS || undefined,
    secretKeyFile: env.SECRET_KEY_FILE ? path.resolve(env.SECRET_KEY_FILE) : undefined,
  };
}
