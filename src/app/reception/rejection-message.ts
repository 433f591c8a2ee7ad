import { HANDOFF_REJECTIONS, type HandoffRejection } from '../../domain/registration/handoff.ts';
import type { Translate } from '../i18n/i18n.tsx';

/** The patient-facing sentence for a handoff refusal; any other code gets the generic one. */
export function rejectionMessage(t: Translate, code: string | null): string {
  return code !== null && (HANDOFF_REJECTIONS as readonly string[]).includes(code)
    ? t(`rejection.${code as HandoffRejection}`)
    : t('error.server');
}
