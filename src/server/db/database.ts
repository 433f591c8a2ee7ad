import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect, SqliteDialect, type KyselyConfig, type Transaction } from 'kysely';
import pg from 'pg';
import type { InstitutionTable } from '../institution/institution.table.ts';
import type { InstitutionActivationTable } from '../institution/institution-activation.table.ts';
import type { StaffAccountTable, StaffPasskeyTable, StaffRecoveryCodeTable, StaffSessionTable } from '../staff/staff.table.ts';
import type { AuditEventTable, AuditHeadTable } from '../audit/audit.table.ts';
import type { ConsentTable, EligibilityCheckTable } from '../consent/consent.table.ts';
import type { ConsentReceiptTable } from '../consent/consent-receipt.table.ts';
import type { SimCardStateTable } from '../national/embedded/card-simulator/card-sim.table.ts';
import type { RegistrationTable } from '../registration/registration.table.ts';
import type { HandoffChallengeTable } from '../handoff/challenge.table.ts';
import type { ReconfirmationTable } from '../reconfirmation/reconfirmation.table.ts';
import type { DeclarationTable } from '../declaration/declaration.table.ts';
import type { GuideRecordTable } from '../guide-record/guide-record.table.ts';
import type { BatchQueryRunTable, RequeryResultTable } from '../requery/requery.table.ts';
import type { DeviceEnrolmentCodeTable, DeviceRequestNonceTable, EnrolledDeviceTable, InstitutionDeviceTable } from '../device/device.table.ts';
import type { PersonProfileTable } from '../person/person.table.ts';
import type { RateLimitCounterTable } from '../http/rate-limit.table.ts';
import type { InstitutionDeclarationKeyTable } from '../institution/declaration-key.table.ts';
import type { ClinicalSnapshotTable } from '../clinical/clinical.table.ts';
import type { ApiClientTable } from '../api-client/api-client.table.ts';
import type { ChangeEventTable, ChangeFeedHeadTable } from '../change-feed/change-feed.table.ts';
import type { WebhookDeliveryTable, WebhookEndpointTable } from '../webhook/webhook.table.ts';
import { kyselySqliteDatabase } from './node-sqlite.ts';
import { groupCommitDialect, newGroupCommitStats, type GroupCommitStats } from './group-commit.ts';
import { sqliteChangeWatch, WriteEpochs, type ChangeWatch } from './change-watch.ts';
import { ensurePrivateDir, makeFilePrivate } from '../secrets/private-files.ts';

/** Every table, as Kysely sees it. Each feature folder owns its table types. */
export interface Tables {
  institution: InstitutionTable;
  institution_activation: InstitutionActivationTable;
  staff_account: StaffAccountTable;
  staff_session: StaffSessionTable;
  staff_passkey: StaffPasskeyTable;
  staff_recovery_code: StaffRecoveryCodeTable;
  registration: RegistrationTable;
  handoff_challenge: HandoffChallengeTable;
  consent: ConsentTable;
  eligibility_check: EligibilityCheckTable;
  consent_receipt: ConsentReceiptTable;
  audit_event: AuditEventTable;
  audit_head: AuditHeadTable;
  sim_card_state: SimCardStateTable;
  requery_result: RequeryResultTable;
  batch_query_run: BatchQueryRunTable;
  reconfirmation: ReconfirmationTable;
  declaration: DeclarationTable;
  institution_device: InstitutionDeviceTable;
  person_profile: PersonProfileTable;
  guide_record: GuideRecordTable;
  rate_limit_counter: RateLimitCounterTable;
  device_enrolment_code: DeviceEnrolmentCodeTable;
  enrolled_device: EnrolledDeviceTable;
  device_request_nonce: DeviceRequestNonceTable;
  institution_declaration_key: InstitutionDeclarationKeyTable;
  clinical_snapshot: ClinicalSnapshotTable;
  api_client: ApiClientTable;
  change_feed_head: ChangeFeedHeadTable;
  change_event: ChangeEventTable;
  webhook_endpoint: WebhookEndpointTable;
  webhook_delivery: WebhookDeliveryTable;
}

export type Db = Kysely<Tables>;
/** A repository takes either the database or an open transaction. */
export type DbOrTx = Kysely<Tables> | Transaction<Tables>;
export type Dialect = 'sqlite' | 'postgres';

export interface OpenedDatabase {
  db: Db;
  dialect: Dialect;
  /** Where the data lives, for the start-up message (never includes credentials). */
  location: string;
  /** The embedded database's commits and transactions so far (group commit only). */
  commitStats?: GroupCommitStats;
  /** Whether tables changed since a row was copied, for caches (change-watch.ts); group commit only. */
  changes?: ChangeWatch;
}

export const SQLITE_FILE_NAME = 'zaitaku.sqlite';

/**
 * PostgreSQL when a connection string is given, otherwise the embedded SQLite file under the
 * data directory. Both run the same migrations and the same queries.
 */
export function openDatabase(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
  groupCommit?: boolean;
  groupCommitWindowMs?: number | undefined;
  /** Sees every query (tests/api/query-plans.test.ts explains the hot paths' statements). */
  log?: KyselyConfig['log'];
}): OpenedDatabase {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection the server ends (a PostgreSQL restart or failover, an administrator's
    // pg_terminate_backend) is an 'error' on the pool: unheard, it would end the whole process.
    // The pool drops that connection and opens a new one when asked; the next query goes on.
    pool.on('error', () => undefined);
    const url = new URL(options.databaseUrl);
    return {
      db: new Kysely<Tables>({ dialect: new PostgresDialect({ pool }), ...(options.log ? { log: options.log } : {}) }),
      dialect: 'postgres',
      location: `postgres://${url.host}${url.pathname}`,
    };
  }
  ensurePrivateDir(options.dataDir);
  const file = path.join(options.dataDir, SQLITE_FILE_NAME);
  // 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode.
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const suffix of ['', '-wal', '-shm']) makeFilePrivate(`${file}${suffix}`);
  const sqlite = new DatabaseSync(file);
  // A second process on the same file (the institution CLI beside the running server, another
  // server process) waits for the writer instead of failing: 5 s was not enough when fsyncs queue
  // up on a busy disk. Set first: switching a new file to WAL takes a lock too.
  sqlite.exec('PRAGMA busy_timeout = 15000');
  // WAL lets readers proceed during a write; synchronous=FULL makes every acknowledged commit
  // survive a power cut, which a consent registry must guarantee.
  sqlite.exec('PRAGMA journal_mode = WAL');
  sqlite.exec('PRAGMA synchronous = FULL');
  sqlite.exec('PRAGMA foreign_keys = ON');
  // Whatever the process umask, the files SQLite has just created are the owner's only.
  for (const suffix of ['-wal', '-shm']) makeFilePrivate(`${file}${suffix}`);
  // Group commit (group-commit.ts) unless asked not to: the bench compares both.
  const log = options.log ? { log: options.log } : {};
  if (options.groupCommit === false) {
    return { db: new Kysely<Tables>({ dialect: new SqliteDialect({ database: kyselySqliteDatabase(sqlite) }), ...log }), dialect: 'sqlite', location: file };
  }
  const commitStats = newGroupCommitStats();
  const epochs = new WriteEpochs();
  return {
    db: new Kysely<Tables>({ dialect: groupCommitDialect(sqlite, commitStats, options.groupCommitWindowMs, epochs), ...log }),
    dialect: 'sqlite',
    commitStats,
    changes: sqliteChangeWatch(sqlite, epochs),
    location: file,
  };
}
