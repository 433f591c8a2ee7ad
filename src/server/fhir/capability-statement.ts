import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { API_CLIENT_SCOPES } from '../../domain/api-client/api-client-scopes.ts';
import { FHIR_RESOURCE_TYPES, SEARCH_PARAMETERS, type FhirResourceType } from './fhir-search.ts';

/**
 * `GET /fhir/r4/metadata` (issue 19 #2): exactly what this server does — read and search-type on
 * four resource types, the search parameters fhir-search.ts implements, JSON only. Built from the
 * same tables the parser checks against, so the two cannot drift apart.
 */

const SEARCH_PARAMETER_DEFINITIONS = {
  identifier: {
    type: 'token',
    definition: (type: string) => `http://hl7.org/fhir/SearchParameter/${type === 'Consent' ? 'clinical-identifier' : `${type}-identifier`}`,
    doc: (type: string) => `${type}.identifier as system|value or value.`,
  },
  patient: { type: 'reference', definition: (type: string) => `http://hl7.org/fhir/SearchParameter/${type === 'AuditEvent' ? 'AuditEvent-patient' : type === 'Coverage' ? 'Coverage-patient' : 'clinical-patient'}`, doc: () => 'Patient/<id>.' },
  beneficiary: { type: 'reference', definition: () => 'http://hl7.org/fhir/SearchParameter/Coverage-beneficiary', doc: () => 'Patient/<id> (the same as patient).' },
} as const;

const SCOPE_OF: Record<FhirResourceType, string> = {
  Consent: 'consent.read',
  Coverage: 'coverage.read',
  Patient: 'patient.read',
  AuditEvent: 'audit.read',
};

function resource(type: FhirResourceType): CapabilityStatementRestResource {
  return {
    type,
    documentation: `Needs the API client scope ${SCOPE_OF[type]}. Only the client's own institution's resources.`,
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    versioning: 'no-version',
    readHistory: false,
    updateCreate: false,
    searchParam: [
      {
        name: '_lastUpdated',
        definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated',
        type: 'date',
        documentation: 'Prefixes eq (default), ge, gt, le, lt; may be repeated (all apply). A date without a time is a Japan (UTC+9) calendar day; a time needs its zone.',
      },
      ...SEARCH_PARAMETERS[type].map((name) => {
        const p = SEARCH_PARAMETER_DEFINITIONS[name];
        return { name, definition: p.definition(type), type: p.type, documentation: p.doc(type) };
      }),
    ],
  };
}

export function capabilityStatement(base: string, now: Date): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: now.toISOString(),
    publisher: '在宅受付 Zaitaku Uketsuke',
    kind: 'instance',
    software: { name: 'Zaitaku Uketsuke' },
    implementation: { description: '在宅受付 FHIR R4 read API', url: base },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        documentation: `Read only. _count (default 20, at most 100) and _offset page a search; the Bundle's next link gives the next page. Scopes: ${API_CLIENT_SCOPES.join(', ')}.`,
        security: {
          cors: false,
          description: 'Authorization: Bearer <API client secret>, created per institution by an administrator of the staff console.',
        },
        resource: FHIR_RESOURCE_TYPES.map(resource),
      },
    ],
  };
}
