/**
 * The identifier systems and code systems the FHIR resources use (issue 19 #1). The JP Core ones
 * are JP Core v1.2's (jpfhir.jp): checked against its published profiles, JP_Coverage's
 * 「被保険者個人識別子」 and JP_Patient's facility patient id. The product's own code systems name
 * what no standard code covers (visit types, the 閲覧同意 scopes, the audit trail's actions).
 */

/** 医療機関コード (10 digits): JP_Organization identifier[medicalInstitutionCode]. */
export const MEDICAL_INSTITUTION_CODE_SYSTEM = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';

/** 保険者番号: JP_Organization identifier[insurerNumber]. */
export const INSURER_NUMBER_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsurerNumber';

/**
 * JP_Coverage identifier[insuranceIdentifier], the 被保険者個人識別子: 保険者番号 (8 digits):記号:番号:枝番.
 * (JP Core ≥ 1.2; the older CSV form `http://jpfhir.jp/fhir/core/IdSystem/JP_Coverage_id` is not emitted.)
 */
export const INSURED_PERSON_IDENTIFIER_SYSTEM = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';

/**
 * JP_Patient: the facility's own patient id lives under `urn:oid:1.2.392.100495.20.3.51.` + '1' +
 * the 10-digit 医療機関コード. Here its value is the clinic's 照会番号 (R9, the chart number).
 */
export function facilityPatientIdSystem(institutionCode: string): string {
  return `urn:oid:1.2.392.100495.20.3.51.1${institutionCode}`;
}

/** JP_Coverage extensions for 記号, 番号 and 枝番. */
export const JP_COVERAGE_EXTENSIONS = {
  symbol: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol',
  number: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber',
  branch: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber',
} as const;

/** 被保険者区分 (1 被保険者, 2 被扶養者), as JP Core suggests for Coverage.relationship. */
export const INSURED_PERSON_CATEGORY_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuredPersonCategory';

/** The ISO 21090 name representation JP Core uses to tell the kanji name (IDE) from the kana (SYL). */
export const NAME_REPRESENTATION_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

// HL7 code systems.
export const CONSENT_SCOPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/consentscope';
export const LOINC_SYSTEM = 'http://loinc.org';
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const CONSENT_ACTION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/consentaction';
export const SUBSCRIBER_RELATIONSHIP_SYSTEM = 'http://terminology.hl7.org/CodeSystem/subscriber-relationship';
export const COPAY_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/coverage-copay-type';
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';
export const DICOM_DCM_SYSTEM = 'http://dicom.nema.org/resources/ontology/DCM';
export const SECURITY_SOURCE_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/security-source-type';
export const OBJECT_ROLE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/object-role';
export const URI_IDENTIFIER_SYSTEM = 'urn:ietf:rfc:3986';

/**
 * The product's own names. They are names, not addresses (`.example` resolves nowhere); a
 * receiving system matches them as strings.
 */
const PRODUCT_BASE = 'https://zaitaku-uketsuke.example/fhir';
export const VISIT_TYPE_SYSTEM = `${PRODUCT_BASE}/CodeSystem/visit-type`;
export const VIEWING_SCOPE_SYSTEM = `${PRODUCT_BASE}/CodeSystem/viewing-consent-scope`;
export const AUDIT_ACTION_SYSTEM = `${PRODUCT_BASE}/CodeSystem/audit-action`;
export const AUDIT_ACTOR_SYSTEM = `${PRODUCT_BASE}/CodeSystem/audit-actor`;
export const REVOCATION_EXTENSION = `${PRODUCT_BASE}/StructureDefinition/consent-revocation`;
export const STAFF_ID_SYSTEM = `${PRODUCT_BASE}/NamingSystem/staff-account`;
export const API_CLIENT_ID_SYSTEM = `${PRODUCT_BASE}/NamingSystem/api-client`;
