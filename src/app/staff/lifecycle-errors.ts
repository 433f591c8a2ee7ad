import type { ApiFailure } from '../api-client.ts';
import type { Translate } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/ja.ts';

const BY_CODE: Partial<Record<string, MessageKey>> = {
  unauthenticated: 'staffLc.error.signedOut',
  consent_not_found: 'staffLc.error.consentNotFound',
  consent_already_revoked: 'staffLc.error.alreadyRevoked',
  consent_revoked: 'staffLc.error.revoked',
  consent_expired: 'staffLc.error.expired',
  consent_not_home_visit: 'staffLc.error.notHomeVisit',
  revoke_reason_not_for_visit_type: 'staffLc.error.reasonNotForVisit',
  rows_out_of_range: 'staffLc.error.rowsOutOfRange',
  csv_not_utf8: 'staffLc.error.csvNotUtf8',
  csv_columns_invalid: 'staffLc.error.csvColumns',
  csv_malformed: 'staffLc.error.csvMalformed',
  validation_failed: 'staffLc.error.validation',
  payload_too_large: 'staffLc.error.tooLarge',
};

/** What a refused staff action means for the person at the screen. */
export function lifecycleFailure(t: Translate, failure: ApiFailure): string {
  if (failure.kind === 'network') return t('error.network');
  const key = BY_CODE[failure.code];
  return key ? t(key) : t('error.server');
}
