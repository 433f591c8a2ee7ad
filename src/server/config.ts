import path from 'node:path';
import { backupDirFrom } from './backup/backup-config.ts';
import { scaledRateLimits, type RateLimitConfig } from './http/rate-limit-config.ts';
import { parseMetricsAllowList } from './metrics/metrics-access.ts';

/**
 * `demo` (the default of `npm start`): the embedded card-app simulator runs as its own process and
 * its test CA is trusted. `production`: only configured card trust; refuses to start otherwise.
 */
export type AppMode = 'demo' | 'production';

/** Card trust as configured (issue 12 §1): files and URLs, read at start-up. */
export interface CardTrustConfig {
  /** `CARD_TRUST_ANCHORS`: PEM files of the root CAs that issue card user certificates. */
  anchorFiles: string[];
  /** `CARD_INTERMEDIATES`: PEM files of intermediate CAs. */
  intermediateFiles: string[];
  /** `CARD_CRL_SOURCES`: revocation lists, file paths or http(s) URLs. */
  crlSources: string[];
  /** `CARD_CRL_GRACE_HOURS` (default 24): how long past its nextUpdate a list is still used. */
  crlGraceHours: number;
  /** `CARD_CRL_REFRESH_MINUTES` (default 60): how often the lists are fetched again. */
  crlRefreshMinutes: number;
  /** `CARD_POLICY_OID`: when set, card certificates must carry this certificate policy. */
  policyOid: string | undefined;
}

export interface ServerConfig {
  /** `APP_MODE`, `demo` unless set to `production`. */
  appMode: AppMode;
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
  /**
   * Run the card-app simulator (its own process, reached through `/sim/api`). `CARD_SIMULATOR`
   * `on`/`off`; on by default in demo mode, off in production (where `on` refuses to start).
   */
  cardSimulator: boolean;
  /**
   * `SIM_DATA_DIR`: the simulator's own directory (its CA key, card keys, PIN counters), default
   * `<DATA_DIR>-card-sim` beside the data directory, never inside it.
   */
  simDataDir: string;
  /** `SIM_PORT`: the simulator's port on 127.0.0.1; 0 (default) picks a free one. */
  simPort: number;
  cardTrust: CardTrustConfig;
  /** A reverse proxy sets X-Forwarded-For (TRUST_PROXY=1); only then is it used as the client address. */
  trustProxy: boolean;
  /** Login and handoff rate limits; RATE_LIMIT_FACTOR scales them all (the browser suite signs in often). */
  rateLimits: RateLimitConfig;
  /** `SECRET_KEYS` (id:base64,…), the keys that seal secrets at rest; else the key file. */
  secretKeys: string | undefined;
  /** `METRICS_TOKEN`: `/metrics` answers only requests bearing it; unset, there is no `/metrics`. */
  metricsToken: string | undefined;
  /** `METRICS_ALLOW_FROM` (IPs and CIDRs, comma-separated): `/metrics` answers these client addresses without the token. */
  metricsAllowFrom: string[];
  /** `BACKUP_DIR` (backup/backup-config.ts reads it, for both), for `/metrics` (the newest backup manifest's age). */
  backupDir: string | undefined;
  /** `SQLITE_GROUP_COMMIT=off`: one commit per transaction on the embedded database (the bench's comparison). */
  groupCommit: boolean;
  /** `SQLITE_GROUP_COMMIT_WINDOW_MS` (default 1): how long a shared commit waits for more requests. */
  groupCommitWindowMs: number | undefined;
  /** `AUDIT_VERIFY_PART_EVENTS` (default 100,000): events one tamper-check request recomputes. */
  auditVerifyPartEvents: number;
  /** `SECRET_KEY_FILE`, default `<dataDir>/keys/secret.keys` (0600). */
  secretKeyFile: string | undefined;
  /**
   * `WEBHOOK_ALLOW_LOCAL_HTTP=on` (tests and demos only; off by default): webhook endpoints may be
   * `http://localhost`, `http://127.0.0.1` or `http://[::1]`, and in production mode may resolve
   * to loopback or private addresses. Off, only `https://` is accepted, and production refuses
   * private, loopback and link-local addresses (SSRF).
   */
  webhookAllowLocalHttp: boolean;
  /** `SHUTDOWN_DEADLINE_MS` (default 30,000): how long SIGTERM waits for open requests before it cuts them (issue 20 #4). */
  shutdownDeadlineMs: number;
  /** `HOST`: the address to listen on (e.g. 127.0.0.1 behind a reverse proxy); every address when unset. */
  host: string | undefined;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error('PORT must be a whole number between 0 and 65535');
  }
  const appMode = env.APP_MODE === undefined || env.APP_MODE === '' ? 'demo' : env.APP_MODE;
  if (appMode !== 'demo' && appMode !== 'production') throw new Error('APP_MODE must be demo or production');
  const simulator = env.CARD_SIMULATOR === undefined || env.CARD_SIMULATOR === '' ? appMode === 'demo' : onOff('CARD_SIMULATOR', env.CARD_SIMULATOR);
  const dataDir = path.resolve(env.DATA_DIR || 'data');
  const simPort = env.SIM_PORT === undefined || env.SIM_PORT === '' ? 0 : Number(env.SIM_PORT);
  if (!Number.isInteger(simPort) || simPort < 0 || simPort > 65535) throw new Error('SIM_PORT must be a whole number between 0 and 65535');
  const factor = env.RATE_LIMIT_FACTOR === undefined || env.RATE_LIMIT_FACTOR === '' ? 1 : Number(env.RATE_LIMIT_FACTOR);
  if (!Number.isFinite(factor) || factor <= 0) throw new Error('RATE_LIMIT_FACTOR must be a positive number');
  return {
    appMode,
    port,
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    staticDir: path.resolve(env.STATIC_DIR || 'dist'),
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    demoPassword: env.DEMO_PASSWORD || undefined,
    demoLinkToken: env.DEMO_LINK_TOKEN || undefined,
    demoTotpSecret: env.DEMO_TOTP_SECRET || undefined,
    cardAppUrl: env.CARD_APP_URL || undefined,
    cardSimulator: simulator,
    simDataDir: env.SIM_DATA_DIR ? path.resolve(env.SIM_DATA_DIR) : `${dataDir}-card-sim`,
    simPort,
    cardTrust: {
      anchorFiles: list(env.CARD_TRUST_ANCHORS).map((file) => path.resolve(file)),
      intermediateFiles: list(env.CARD_INTERMEDIATES).map((file) => path.resolve(file)),
      crlSources: list(env.CARD_CRL_SOURCES).map((source) => (/^https?:\/\//i.test(source) ? source : path.resolve(source))),
      crlGraceHours: positive('CARD_CRL_GRACE_HOURS', env.CARD_CRL_GRACE_HOURS, 24),
      crlRefreshMinutes: positive('CARD_CRL_REFRESH_MINUTES', env.CARD_CRL_REFRESH_MINUTES, 60),
      policyOid: env.CARD_POLICY_OID?.trim() || undefined,
    },
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    rateLimits: scaledRateLimits(factor),
    secretKeys: env.SECRET_KEYS || undefined,
    secretKeyFile: env.SECRET_KEY_FILE ? path.resolve(env.SECRET_KEY_FILE) : undefined,
    metricsToken: metricsToken(env.METRICS_TOKEN),
    // Parsed here too, so that a wrong entry stops the start instead of the first scrape.
    metricsAllowFrom: parseMetricsAllowList(list(env.METRICS_ALLOW_FROM)).entries.slice(),
    backupDir: backupDirFrom(env),
    groupCommit: env.SQLITE_GROUP_COMMIT !== 'off',
    groupCommitWindowMs: windowMs(env.SQLITE_GROUP_COMMIT_WINDOW_MS),
    auditVerifyPartEvents: wholeNumberFrom1('AUDIT_VERIFY_PART_EVENTS', env.AUDIT_VERIFY_PART_EVENTS, 100_000),
    webhookAllowLocalHttp: env.WEBHOOK_ALLOW_LOCAL_HTTP === undefined || env.WEBHOOK_ALLOW_LOCAL_HTTP === '' ? false : onOff('WEBHOOK_ALLOW_LOCAL_HTTP', env.WEBHOOK_ALLOW_LOCAL_HTTP),
    shutdownDeadlineMs: wholeNumberFrom1('SHUTDOWN_DEADLINE_MS', env.SHUTDOWN_DEADLINE_MS, 30_000),
    host: env.HOST?.trim() || undefined,
  };
}

function windowMs(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0 || ms > 50) throw new Error('SQLITE_GROUP_COMMIT_WINDOW_MS must be a number of milliseconds from 0 to 50');
  return ms;
}

/** A guessable token would open the metrics to anyone: at least 16 characters. */
function metricsToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 16) throw new Error('METRICS_TOKEN must be at least 16 characters long');
  return value;
}

/** A comma-separated list; blanks are dropped. */
function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function onOff(name: string, value: string): boolean {
  if (['on', '1', 'true'].includes(value)) return true;
  if (['off', '0', 'false'].includes(value)) return false;
  throw new Error(`${name} must be on or off`);
}

function wholeNumberFrom1(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number of 1 or more`);
  return n;
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of zero or more`);
  return n;
}
