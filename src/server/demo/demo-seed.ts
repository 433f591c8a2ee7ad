import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { StaffRole } from '../../domain/shared/api.ts';
import { institutionCheckDigit } from '../../domain/institution/institution-code.ts';
import type { Db } from '../db/database.ts';
import { findFirstInstitution, insertInstitution } from '../institution/institution.repository.ts';
import { newLinkToken } from '../institution/institution.service.ts';
import { hashPassword, type PasswordHashParams } from '../staff/password.ts';
import { findStaffByLoginId, insertStaff, updateStaff, updateStaffPassword } from '../staff/staff.repository.ts';
import { newTotpSecret, otpauthUri } from '../staff/totp.ts';
import { openAccountTotp, sealAccountTotp } from '../staff/totp-secret.ts';
import type { Keyring } from '../secrets/keyring.ts';
import type { InstitutionRow } from '../institution/institution.table.ts';

export const DEMO_LOGIN_ID = 'demo-admin';
/**
 * One demo account per role (P3), all with the demo password, so each role's console can be
 * tried: the administrator sets the clinic up, the clerk works the desk, the doctor sees
 * consented medical information.
 */
export const DEMO_ACCOUNTS = [
  { loginId: DEMO_LOGIN_ID, displayName: 'デモ管理者', role: 'admin' },
  { loginId: 'demo-clerk', displayName: 'デモ受付', role: 'clerk' },
  { loginId: 'demo-doctor', displayName: 'デモ医師', role: 'doctor' },
] as const satisfies ReadonlyArray<{ loginId: string; displayName: string; role: StaffRole }>;
export const DEMO_TELEMEDICINE_RETURN_URL = 'https://telemed.example/return';
const DEMO_LOGIN_FILE = 'demo-login.txt';

/** 東京都 (13), 医科 (1), number 234567, and its check digit. */
export const DEMO_INSTITUTION_CODE = `131234567${institutionCheckDigit('131234567')}`;

export interface DemoSeedResult {
  institution: InstitutionRow;
  loginId: string;
  /** The demo password when it is known (first start, a fixed one, or the saved file). */
  password: string | undefined;
  /** The demo accounts' TOTP secret (base32) when known, for an authenticator app. */
  totpSecret: string | undefined;
  created: boolean;
}

/**
 * On an empty database, creates the demo institution and an administrator for it. The generated
 * password is written once to `<dataDir>/demo-login.txt` (readable by the owner only) so the demo
 * can be reopened later; only its hash is in the database.
 */
export async function ensureDemoInstitution(
  db: Db,
  /** Seals the demo accounts' TOTP secret (issue 12 #6). */
  secrets: Keyring,
  options: {
    dataDir: string;
    fixedPassword?: string | undefined;
    fixedLinkToken?: string | undefined;
    /** A fixed base32 TOTP secret for every demo account (tests sign in with codes computed from it). */
    fixedTotpSecret?: string | undefined;
    /**
     * The demo password's scrypt cost. The API tests seed with a small one: their suites log in
     * hundreds of times, and each login verifies with the cost stored in the hash. Left out, the
     * production cost.
     */
    passwordHashParams?: PasswordHashParams;
    now?: Date;
  },
): Promise<DemoSeedResult> {
  const now = (options.now ?? new Date()).toISOString();
  const loginFile = path.join(options.dataDir, DEMO_LOGIN_FILE);
  const existing = await findFirstInstitution(db);
  if (existing) {
    if (options.fixedPassword) {
      const passwordHash = await hashPassword(options.fixedPassword, options.passwordHashParams);
      for (const account of DEMO_ACCOUNTS) {
        const staff = await findStaffByLoginId(db, account.loginId);
        if (staff) await updateStaffPassword(db, staff.id, passwordHash);
      }
    }
    if (options.fixedTotpSecret) {
      for (const account of DEMO_ACCOUNTS) {
        const staff = await findStaffByLoginId(db, account.loginId);
        if (staff && (await openAccountTotp(db, secrets, staff)) !== options.fixedTotpSecret) {
          await updateStaff(db, staff.id, { totp_secret: sealAccountTotp(secrets, staff.id, options.fixedTotpSecret), totp_last_step: null });
        }
      }
    }
    return {
      institution: existing,
      loginId: DEMO_LOGIN_ID,
      password: options.fixedPassword ?? readSaved(loginFile, 1),
      totpSecret: options.fixedTotpSecret ?? readSaved(loginFile, 2),
      created: false,
    };
  }

  const password = options.fixedPassword ?? randomBytes(9).toString('base64url');
  const passwordHash = await hashPassword(password, options.passwordHashParams);
  // Every demo account starts with a TOTP second factor, so the demo works without enrolment.
  const totpSecret = options.fixedTotpSecret ?? newTotpSecret();
  const institution: InstitutionRow = {
    id: randomUUID(),
    code: DEMO_INSTITUTION_CODE,
    name: '在宅受付デモクリニック',
    link_token: options.fixedLinkToken ?? newLinkToken(),
    link_issued_at: now,
    uses_clinical_info: 1,
    uses_electronic_prescription: 1,
    shows_prescription_form: 1,
    // A fictional telemedicine app, so the app-arrival path (R1, R7) can be tried.
    allowed_return_urls: DEMO_TELEMEDICINE_RETURN_URL,
    declaration_retention_days: 30,
    created_at: now,
    // The demo clinic is active from the start (no activation code).
    activated_at: now,
  };
  try {
    await insertDemoInstitution(db, secrets, institution, passwordHash, totpSecret, now);
  } catch (error) {
    // Another server process started on the same database at the same moment and seeded it
    // first (issue 17 #5): use its institution, as a later start would.
    if (await findFirstInstitution(db)) return ensureDemoInstitution(db, secrets, options);
    throw error;
  }
  if (!options.fixedPassword || !options.fixedTotpSecret) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    const lines = [
      DEMO_LOGIN_ID,
      password,
      totpSecret,
      '# line 2: the password, line 3: the TOTP secret (second factor) for an authenticator app;',
      '# demo-clerk and demo-doctor use the same password and TOTP secret. To add it by URI:',
      `# ${otpauthUri(totpSecret, 'demo', '在宅受付')}`,
    ];
    fs.writeFileSync(loginFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  }
  return { institution, loginId: DEMO_LOGIN_ID, password, totpSecret, created: true };
}

/** The demo institution and its accounts, in one transaction. */
async function insertDemoInstitution(db: Db, secrets: Keyring, institution: InstitutionRow, passwordHash: string, totpSecret: string, now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await insertInstitution(trx, institution);
    for (const account of DEMO_ACCOUNTS) {
      const id = randomUUID();
      await insertStaff(trx, {
        id,
        institution_id: institution.id,
        login_id: account.loginId,
        display_name: account.displayName,
        role: account.role,
        password_hash: passwordHash,
        created_at: now,
        totp_secret: sealAccountTotp(secrets, id, totpSecret),
      });
    }
  });
}

function readSaved(file: string, line: number): string | undefined {
  try {
    const value = fs.readFileSync(file, 'utf8').split('\n')[line]?.trim();
    return value && !value.startsWith('#') ? value : undefined;
  } catch {
    return undefined;
  }
}
