import type { Db, Dialect } from '../db/database.ts';
import type { ServerConfig } from '../config.ts';
import type { NationalServices } from '../national/national-services.ts';
import type { Keyring } from '../secrets/keyring.ts';
import type { SignedInStaff } from '../staff/signed-in-staff.ts';
import type { SessionCache } from '../staff/session-cache.ts';
import type { SignedInApiClient } from '../api-client/signed-in-api-client.ts';
import type { MetricsSink } from '../metrics/metrics-sink.ts';

/** What every request handler can reach through `c.var`. */
export interface AppVariables {
  db: Db;
  dialect: Dialect;
  config: ServerConfig;
  /** Adapters to the national systems (eligibility, card PKI, card app). */
  national: NationalServices;
  /** Seals and opens secrets kept in the database; the key lives outside it. */
  secrets: Keyring;
  /** The clock; tests replace it to cross day boundaries and session limits. */
  now: () => Date;
  staff: SignedInStaff;
  /** The clinic system's API client, on the FHIR and change-feed routes (issue 19). */
  apiClient: SignedInApiClient;
  /** Staff session rows kept between requests; null where the database cannot say they are current. */
  sessionCache: SessionCache | null;
  /** Counts for `/metrics` (issue 20 #3); absent when there is no `/metrics`. */
  metrics?: MetricsSink;
}

export interface AppEnv {
  Variables: AppVariables;
}
