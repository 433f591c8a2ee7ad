import { randomBytes } from 'node:crypto';
import type { InstitutionDto } from '../../domain/shared/api.ts';
import type { InstitutionRow } from './institution.table.ts';

/** 128 random bits, URL-safe: the institution link cannot be guessed or enumerated. */
export function newLinkToken(): string {
  return randomBytes(16).toString('base64url');
}

export function institutionLink(publicUrl: string, token: string): string {
  return `${publicUrl}/i/${token}`;
}

/** What staff see of their institution. */
export function toInstitutionDto(row: InstitutionRow, publicUrl: string): InstitutionDto {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    link: institutionLink(publicUrl, row.link_token),
    linkIssuedAt: row.link_issued_at,
    settings: {
      usesClinicalInfo: row.uses_clinical_info === 1,
      usesElectronicPrescription: row.uses_electronic_prescription === 1,
      showsPrescriptionForm: row.shows_prescription_form === 1,
    },
  };
}
