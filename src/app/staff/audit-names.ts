import { isAuditAction, isAuditOutcome } from '../../domain/staff/audit-events.ts';
import type { Translate } from '../i18n/i18n.tsx';

// X5: the audit trail's codes as staff read them, from the catalogue. `audit.action.<code>` and
// `audit.outcome.<code>` are built from the domain unions, so a code without a name fails the
// typecheck; a code an older trail holds and the catalogue no longer lists is shown as it is.

export function auditActionName(t: Translate, code: string): string {
  return isAuditAction(code) ? t(`audit.action.${code}`) : t('audit.unknownCode', { code });
}

export function auditOutcomeName(t: Translate, code: string): string {
  return isAuditOutcome(code) ? t(`audit.outcome.${code}`) : t('audit.unknownCode', { code });
}

/** Who acted, for the person page's history (the audit viewer names the staff member instead). */
export function auditActorName(t: Translate, actorType: string): string {
  return actorType === 'staff' || actorType === 'patient' ? t(`staffPerson.actor.${actorType}`) : t('staffPerson.actor.system');
}
