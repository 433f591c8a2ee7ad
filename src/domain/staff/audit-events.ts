/**
 * X5: every event code the audit trail records, and every result. The server's `AuditEntry`
 * takes only these, and the staff console names each one from its catalogue
 * (`audit.action.<code>`, `audit.outcome.<code>`): a new code without a Japanese name fails the
 * typecheck. Older rows may hold a code no longer listed; the viewer then shows the code itself.
 */
export const AUDIT_ACTIONS = [
  // Registration and the patient's own card requests (R, U, X3).
  'registration.started',
  'cardRequest.query.started',
  'cardRequest.update.started',
  'cardRequest.revokeAll.started',
  'consent.registered',
  'consent.queried',
  'consent.updated',
  'consent.superseded',
  'consent.revoked',
  'consents.revokedAll',
  'consent.reconfirmed',
  'handoff.refused',
  'handoff.answers_limited',
  'handoff.challenge_renewed',
  // Staff reading status and records.
  'consent.lists_viewed',
  // Issue 19 #4: staff checked a receipt id a patient showed them.
  'consent.receipt_checked',
  'consent.dashboard_viewed',
  'person.searched',
  'person.viewed',
  'eligibility.viewed',
  'clinical.viewed',
  'requery.request',
  'requery',
  'requery.history_viewed',
  'batch_query.run',
  'batch_query',
  'batch_query.results_viewed',
  // The person page's records (R9, E3, E9).
  'person.reference_number_set',
  'person.clinic_record_saved',
  'person.photo_id_checked',
  'person.other_person_reported',
  'person.provided_information_deleted',
  // Outage declarations and guide records (F, D).
  'declaration.received',
  'declaration.inbox_viewed',
  'declaration.viewed',
  'declaration.verified',
  'declaration.claimed',
  'declaration.completed',
  'declaration.purged',
  'guide_record.received',
  'guide_record.list_viewed',
  'guide_record.purged',
  // The institution, its link and devices.
  'institution.registered',
  'institution.registration_refused',
  'institution.activation_issued',
  'institution.activated',
  'institution.deactivated',
  'institution.settings_changed',
  'institution.link_reissued',
  'device.revoked',
  'device.restored',
  'device.enrolment_code_created',
  'device.enrolled',
  'device.enrolled_revoked',
  // Staff accounts and sign-in.
  'staff.login.password',
  'staff.login.second_factor',
  'staff.unlock',
  'staff.factor.enrol',
  'staff.factor.recovery_codes',
  'staff.account.create',
  'staff.account.role',
  'staff.account.reset_factors',
  'staff.account.disable',
  'staff.account.unlock',
  'staff.account.lock',
  // API clients of the clinic's systems (issue 19 #2): created, revoked, and each of their requests.
  'apiClient.created',
  'apiClient.revoked',
  'apiClient.request',
  // Webhooks of the change feed (issue 19 #3): endpoint set, secret rotated, dead letter sent again.
  'webhook.configured',
  'webhook.secret_rotated',
  'webhook.retried',
  // The trail itself.
  'audit.exported',
  'audit.verified',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = [
  'ok',
  'refused',
  'notFound',
  'matched',
  'invalid',
  'duplicate',
  'locked',
  'revoked',
  'broken',
  'nothing_shown',
  'alreadyQueriedToday',
  'noActiveConsent',
  'notConfirmable',
  'rate_limited',
  'error',
] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export function isAuditAction(code: string): code is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(code);
}

export function isAuditOutcome(code: string): code is AuditOutcome {
  return (AUDIT_OUTCOMES as readonly string[]).includes(code);
}
