/**
 * Resource ids. Consents, eligibility results and audit events keep the product's own ids (UUIDs,
 * the audit sequence number). A person has no id of the product's: the eligibility source names
 * them by an opaque `person_ref` (never a My Number, never derived from one), which the staff API
 * already uses in its paths. As a Patient id it is kept as it is when it fits FHIR's id syntax,
 * else written as `x-` and its UTF-8 bytes in hex; the mapping is one-to-one both ways.
 */
const FHIR_ID = /^[A-Za-z0-9.-]{1,64}$/;
const HEX_PREFIX = 'x-';

export function isFhirId(value: string): boolean {
  return FHIR_ID.test(value);
}

/** The Patient id of a person, or null when even the hex form would be too long (over 31 bytes). */
export function patientIdOf(personRef: string): string | null {
  if (FHIR_ID.test(personRef) && !personRef.startsWith(HEX_PREFIX)) return personRef;
  const hex = `${HEX_PREFIX}${Buffer.from(personRef, 'utf8').toString('hex')}`;
  return hex.length <= 64 ? hex : null;
}

/** The person a Patient id names, or null for an id no person can have. */
export function personRefOf(patientId: string): string | null {
  if (!FHIR_ID.test(patientId)) return null;
  if (!patientId.startsWith(HEX_PREFIX)) return patientId;
  const hex = patientId.slice(HEX_PREFIX.length);
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-f]+$/.test(hex)) return null;
  const ref = Buffer.from(hex, 'hex').toString('utf8');
  // Only the canonical form: a ref that would be written directly has no second (hex) id.
  return patientIdOf(ref) === patientId ? ref : null;
}
