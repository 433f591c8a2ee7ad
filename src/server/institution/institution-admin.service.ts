import { randomUUID } from 'node:crypto';
import type { InstitutionSettings, RegisterInstitutionRequest } from '../../domain/institution/institution-api.ts';
import { returnUrlLines } from '../../domain/institution/institution-api.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { DbOrTx } from '../db/database.ts';
import { findStaffByLoginId, insertStaff } from '../staff/staff.repository.ts';
import { setActivationInstitution } from './institution-activation.repository.ts';
import { useActivationCode } from './institution-activation.service.ts';
import { findInstitutionByCode, insertInstitution, updateInstitution } from './institution.repository.ts';
import { newLinkToken } from './institution.service.ts';
import type { InstitutionRow } from './institution.table.ts';
import { InstitutionCodeTakenError, LoginIdTakenError } from './institution-errors.ts';

/**
 * A new clinic with its first administrator (issue 6 §1), active at once because the caller
 * presented the operator's one-time activation code for its 医療機関コード (issue 12 #9). The link
 * is issued at once; the settings start conservative (no e-prescription screens) until the
 * administrator sets them.
 */
export async function registerInstitution(
  trx: DbOrTx,
  request: RegisterInstitutionRequest,
  passwordHash: string,
  now: Date,
): Promise<{ institutionId: string; staffId: string }> {
  const code = request.code.trim();
  if (await findInstitutionByCode(trx, code)) throw new InstitutionCodeTakenError();
  // Issue 12 #9: proof that the caller is this clinic. Used up in this transaction, so a refusal
  // below (login id taken) leaves the code usable.
  const activationId = await useActivationCode(trx, code, request.activationCode, now);
  if (await findStaffByLoginId(trx, request.loginId)) throw new LoginIdTakenError();
  const at = now.toISOString();
  const institution: InstitutionRow = {
    id: randomUUID(),
    code,
    name: request.name,
    link_token: newLinkToken(),
    link_issued_at: at,
    uses_clinical_info: 1,
    uses_electronic_prescription: 0,
    shows_prescription_form: 0,
    allowed_return_urls: '',
    declaration_retention_days: 30,
    created_at: at,
    activated_at: at,
  };
  const staffId = randomUUID();
  await insertInstitution(trx, institution);
  await insertStaff(trx, {
    id: staffId,
    institution_id: institution.id,
    login_id: request.loginId,
    display_name: request.displayName,
    role: 'admin',
    password_hash: passwordHash,
    created_at: at,
  });
  await setActivationInstitution(trx, activationId, institution.id);
  await appendAudit(trx, { institutionId: institution.id, actorType: 'staff', actorId: staffId, action: 'institution.registered', subjectId: institution.id, outcome: 'ok' }, now);
  await appendAudit(trx, { institutionId: institution.id, actorType: 'staff', actorId: staffId, action: 'institution.activated', subjectId: institution.id, outcome: 'ok', detail: 'activation_code' }, now);
  return { institutionId: institution.id, staffId };
}

export function settingsOf(row: InstitutionRow): InstitutionSettings {
  return {
    usesClinicalInfo: row.uses_clinical_info === 1,
    usesElectronicPrescription: row.uses_electronic_prescription === 1,
    showsPrescriptionForm: row.shows_prescription_form === 1,
    allowedReturnUrls: returnUrlLines(row.allowed_return_urls).join('\n'),
    declarationRetentionDays: Number(row.declaration_retention_days),
  };
}

/** Which settings changed, as short names for the audit detail (never the values). */
export function changedSettings(before: InstitutionSettings, after: InstitutionSettings): string[] {
  return (Object.keys(after) as (keyof InstitutionSettings)[]).filter((key) => before[key] !== after[key]);
}

export async function saveSettings(trx: DbOrTx, institutionId: string, settings: InstitutionSettings): Promise<void> {
  await updateInstitution(trx, institutionId, {
    uses_clinical_info: settings.usesClinicalInfo ? 1 : 0,
    uses_electronic_prescription: settings.usesElectronicPrescription ? 1 : 0,
    shows_prescription_form: settings.showsPrescriptionForm ? 1 : 0,
    allowed_return_urls: returnUrlLines(settings.allowedReturnUrls).join('\n'),
    declaration_retention_days: settings.declarationRetentionDays,
  });
}

/** M1: a new token replaces the old one in the same statement, so the old link stops at once. */
export async function reissueLink(trx: DbOrTx, institutionId: string, now: Date): Promise<void> {
  await updateInstitution(trx, institutionId, { link_token: newLinkToken(), link_issued_at: now.toISOString() });
}
