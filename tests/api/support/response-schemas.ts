import { z } from 'zod';
import { HOME_COUNTS } from '../../../src/domain/staff/staff-home.ts';

/**
 * What each API route promises in a 2xx answer, for the malformed-input fuzz (issue 14 §3):
 * `'empty'` for 204 No Content, `'csv'` for a file, else a zod schema of the JSON body. These are
 * deliberately minimal — the top-level fields a client relies on, typed — and loose (more fields
 * pass), so that a fuzzed request answered 2xx is shown to have got a real answer, not an error
 * or an empty object. The full shapes are the DTO interfaces in src/domain/…; a route missing
 * here fails the fuzz the first time it answers 2xx.
 */
const obj = z.looseObject;
const list = (key: string) => obj({ [key]: z.array(z.unknown()) });
const iso = z.string().min(10);

const requeryResponse = obj({ client: z.string(), queriedAt: iso, rows: z.array(obj({ outcome: z.string() })) });
const batchResponse = obj({ ranAt: iso, rows: z.array(z.unknown()) });
const declarationState = obj({ declaration: obj({ id: z.string(), status: z.string() }) });
const staffAccount = obj({ account: obj({ id: z.string(), loginId: z.string(), role: z.string() }) }).or(obj({ id: z.string(), loginId: z.string() }));
const loginStep = obj({ next: z.enum(['second_factor', 'enrol']), methods: z.array(z.string()) });

export const RESPONSE_SCHEMAS: Record<string, z.ZodType | 'empty' | 'csv'> = {
  'GET /api/health': obj({ status: z.literal('ok'), schemaVersion: z.string(), database: z.enum(['sqlite', 'postgres']), time: iso }),
  'GET /api/health/live': obj({ status: z.literal('ok') }),
  'GET /api/health/ready': obj({ status: z.literal('ready') }),
  'POST /api/staff/login': loginStep,
  'POST /api/staff/logout': 'empty',
  'GET /api/staff/me': obj({ staff: obj({ id: z.string(), loginId: z.string(), role: z.string() }), permissions: z.array(z.string()), institution: obj({}), appMode: z.enum(['demo', 'production']) }),
  'GET /api/staff/home': obj({ counts: z.partialRecord(z.enum(HOME_COUNTS), z.number().int().nonnegative()) }),
  'POST /api/staff/activity': 'empty',
  'GET /api/staff/auth/pending': obj({}),
  'POST /api/staff/auth/totp': 'empty',
  'POST /api/staff/auth/recovery': 'empty',
  'POST /api/staff/auth/passkey/options': obj({ challenge: z.string() }),
  'POST /api/staff/auth/passkey/verify': 'empty',
  'POST /api/staff/auth/enrol/totp/start': obj({}),
  'POST /api/staff/auth/enrol/totp/finish': obj({}),
  'POST /api/staff/auth/enrol/passkey/options': obj({ challenge: z.string() }),
  'POST /api/staff/auth/enrol/passkey/verify': obj({}),
  'GET /api/staff/auth/factors': obj({ totp: z.boolean(), passkeys: z.array(z.unknown()), recoveryCodesLeft: z.number().int().nonnegative() }),
  'POST /api/staff/auth/recovery-codes': obj({ recoveryCodes: z.array(z.string()).min(1) }),
  'POST /api/staff/auth/unlock': 'empty',
  'POST /api/staff/auth/lock': 'empty',
  'GET /api/staff/accounts': list('accounts'),
  'POST /api/staff/accounts': staffAccount,
  'PATCH /api/staff/accounts/:id/role': staffAccount,
  'POST /api/staff/accounts/:id/reset-factors': staffAccount,
  'POST /api/staff/accounts/:id/unlock': staffAccount,
  'POST /api/staff/accounts/:id/disable': staffAccount,
  'POST /api/staff/consents/search': list('matches'),
  'GET /api/staff/consents/lists': obj({ houseCallActive: z.array(z.unknown()), expiringSoon: z.array(z.unknown()), reconfirmationDue: z.array(z.unknown()) }),
  'POST /api/staff/consents/:id/revoke': obj({ consent: obj({ id: z.string() }) }),
  'GET /api/staff/consent-receipts/:receiptId': obj({ receipt: obj({ receiptId: z.string(), event: z.string(), consents: z.array(z.unknown()) }) }),
  'GET /api/staff/consents/:id/eligibility': obj({ consent: obj({}), record: obj({}), checkedAt: iso }),
  'GET /api/staff/consent-dashboard': obj({ rows: z.array(z.unknown()), page: z.number(), pageSize: z.number(), hasMore: z.boolean(), invalidSearch: z.boolean() }),
  'GET /api/staff/persons/:personRef': obj({ person: obj({}), consents: z.array(z.unknown()), personAudit: z.array(z.unknown()) }),
  'PUT /api/staff/persons/:personRef/reference-number': obj({}),
  'PUT /api/staff/persons/:personRef/clinic-record': obj({}),
  'POST /api/staff/persons/:personRef/other-person': obj({}),
  'POST /api/staff/requery': requeryResponse,
  'POST /api/staff/requery/csv': requeryResponse,
  'POST /api/staff/requery/batch': batchResponse,
  'POST /api/staff/requery/batch/csv': batchResponse,
  'GET /api/staff/requery/template.csv': 'csv',
  'GET /api/staff/requery/batch/results': list('results'),
  'GET /api/staff/requery/persons/:personRef': obj({ personRef: z.string(), gate: z.enum(['allowed', 'revoked', 'noActiveConsent']), results: z.array(z.unknown()) }),
  'POST /api/staff/reconfirmations': obj({ consent: obj({}), reconfirmation: obj({ id: z.string(), confirmedAt: iso }) }),
  'GET /api/staff/declarations': list('declarations'),
  'GET /api/staff/declarations/:id': obj({ declaration: obj({ id: z.string(), status: z.string(), form: obj({}) }) }),
  'POST /api/staff/declarations/:id/verify': declarationState,
  'POST /api/staff/declarations/:id/claim': declarationState,
  'POST /api/staff/declarations/:id/complete': declarationState,
  'GET /api/staff/clinical/persons': list('persons'),
  'GET /api/staff/clinical/persons/:personRef': obj({ personRef: z.string(), viewedAt: iso, sections: z.array(z.unknown()) }),
  'GET /api/staff/audit/events': obj({ events: z.array(z.unknown()), next: z.unknown() }),
  'GET /api/staff/audit/events.csv': 'csv',
  'GET /api/staff/audit/staff': list('staff'),
  'POST /api/staff/audit/verify': obj({ ok: z.boolean() }),
  'GET /api/staff/api-clients': list('clients'),
  'POST /api/staff/api-clients': obj({ client: obj({ id: z.string(), scopes: z.array(z.string()) }), secret: z.string().startsWith('zuk_') }),
  'POST /api/staff/api-clients/:clientId/revoke': obj({ client: obj({ id: z.string(), revokedAt: iso }) }),
  // The change feed and its webhooks (issue 19 #3).
  'GET /api/feed/changes': obj({ events: z.array(obj({ id: z.string(), cursor: z.string(), type: z.string(), subjectId: z.string(), occurredAt: iso })), nextCursor: z.string(), hasMore: z.boolean() }),
  // The FHIR R4 read API (issue 19 #2): a searchset Bundle, or the resource read.
  'GET /fhir/r4/metadata': obj({ resourceType: z.literal('CapabilityStatement'), fhirVersion: z.literal('4.0.1') }),
  ...Object.fromEntries(
    (['Consent', 'Coverage', 'Patient', 'AuditEvent'] as const).flatMap((type) => [
      [`GET /fhir/r4/${type}`, obj({ resourceType: z.literal('Bundle'), type: z.literal('searchset'), total: z.number().int().nonnegative(), entry: z.array(obj({ fullUrl: z.string(), resource: obj({ resourceType: z.literal(type), id: z.string() }) })).optional() })],
      [`GET /fhir/r4/${type}/:id`, obj({ resourceType: z.literal(type), id: z.string() })],
    ]),
  ),
  'GET /api/staff/webhooks': obj({ endpoint: obj({ url: z.string() }).nullable(), pending: z.number().int(), dead: z.number().int() }),
  'PUT /api/staff/webhooks': obj({ endpoint: obj({ url: z.string().startsWith('https://') }), secret: z.string().startsWith('whsec_').nullable() }),
  'POST /api/staff/webhooks/secret': obj({ endpoint: obj({ url: z.string() }), secret: z.string().startsWith('whsec_') }),
  'GET /api/staff/webhooks/dead-letters': list('deadLetters'),
  'POST /api/staff/webhooks/dead-letters/:id/retry': obj({ id: z.string(), status: z.literal('pending') }),
  'POST /api/public/declarations': obj({ id: z.string(), receivedAt: iso }),
  'POST /api/staff/institution/register': obj({}),
  'GET /api/staff/institution/settings': obj({ settings: obj({}) }),
  'PUT /api/staff/institution/settings': obj({ settings: obj({}) }),
  'GET /api/staff/institution/link': obj({ name: z.string(), code: z.string(), link: z.string(), linkIssuedAt: iso }),
  'POST /api/staff/institution/link/reissue': obj({ link: z.string(), linkIssuedAt: iso }),
  'GET /api/staff/devices': obj({ devices: z.array(z.unknown()), enrolled: z.array(z.unknown()) }),
  'POST /api/staff/devices/enrolment-codes': obj({ code: z.string(), expiresAt: iso, link: z.string() }),
  'POST /api/staff/devices/enrolled/:keyId/revoke': obj({}),
  'POST /api/staff/devices/:deviceId/revoke': obj({}),
  'POST /api/staff/devices/:deviceId/restore': obj({}),
  'POST /api/public/device-enrolments': obj({ keyId: z.string(), institutionName: z.string(), enrolledAt: iso }),
  'GET /api/staff/guide-records': list('guideRecords'),
  'POST /api/public/guide-records': obj({ id: z.string(), receivedAt: iso }),
  'GET /api/public/institutions/:token': obj({ name: z.string(), settings: obj({}) }),
  'POST /api/public/registrations': obj({ registrationId: z.string(), accessToken: z.string(), challenge: obj({ challengeId: z.string(), nonce: z.string() }), cardAppUrl: z.string() }),
  'POST /api/public/card-requests': obj({ registrationId: z.string(), accessToken: z.string(), challenge: obj({ challengeId: z.string() }) }),
  'GET /api/public/registrations/:id': obj({ status: z.string() }),
  'POST /api/public/registrations/:id/challenge': obj({ challenge: obj({ challengeId: z.string(), nonce: z.string() }), cardAppUrl: z.string() }),
  'POST /api/handoff': obj({ status: z.literal('completed') }),
  'GET /sim/api/cards': list('cards'),
  'GET /sim/api/cards/:id': obj({ id: z.string(), kind: z.string(), locked: z.boolean() }),
  'POST /sim/api/cards/:id/sign': obj({ signature: z.string(), certificate: z.string() }),
};
