import { selectQualification, type EligibilityRecord } from '../../../domain/registration/eligibility.ts';
import { explainQualificationChoice } from '../../../domain/registration/insurance-checks.ts';
import { jstDate } from '../../../domain/shared/jst.ts';
import type { EligibilitySource } from '../eligibility-source.ts';
import { demoMedicalInformation } from './demo-medical.ts';
import { DEMO_PERSON_IDS, demoPersons, type DemoPerson, type PersonField } from './demo-persons.ts';

/** Certificate serials arrive as hex in any case, sometimes with colons; compare them bare. */
function normaliseSerial(serial: string): string {
  return serial.replace(/[\s:]/g, '').toLowerCase();
}

/** Query fields may be typed with full-width digits or letters (ＮＦＫＣ folds them). */
function normaliseQueryField(value: string | undefined): string {
  return (value ?? '').normalize('NFKC').trim();
}

/** What a 該当資格なし answer carries besides the person fields: nothing. */
const BLANK_QUALIFICATION = {
  cardType: null,
  insurerNumber: '',
  insurerName: '',
  symbol: '',
  number: '',
  branch: '',
  relationship: null,
  insuredPersonName: '',
  cardValidFrom: null,
  cardValidTo: null,
  cardIssuedOn: null,
  copayRatio: null,
  qualificationAcquiredOn: null,
  qualificationLostOn: null,
  lossReason: null,
  referenceNumber: null,
  elderlyRecipient: null,
  costLimit: null,
  specificDisease: null,
  medicalAidTicket: null,
  medicalAidSocialInsuranceInconsistent: false,
} as const satisfies Omit<EligibilityRecord, 'status' | PersonField>;

/** E5 chooses among the qualifications in force; when none is (lost), among all of them. */
function candidatesOf(person: DemoPerson, today: string) {
  const inForce = person.qualifications.filter(
    (q) => (q.qualificationAcquiredOn ?? '') <= today && (q.qualificationLostOn === null || q.qualificationLostOn > today),
  );
  return inForce.length > 0 ? inForce : person.qualifications;
}

function recordFor(person: DemoPerson, today: string): EligibilityRecord {
  const { personId: _id, qualifications: _q, status, ...personFields } = person;
  const candidates = candidatesOf(person, today);
  if (candidates.length === 0) return { status, ...personFields, ...BLANK_QUALIFICATION };
  const { medicalAid: _medicalAid, municipalNhi: _municipalNhi, ...chosen } = selectQualification(candidates).chosen;
  return { status, ...personFields, ...chosen, referenceNumber: null };
}

/**
 * The embedded EligibilitySource: answers from the demo persons in `demo-persons.ts`.
 * `cardHolders` maps user-certificate serials (hex) to demo person ids; start-up fills it from
 * the card simulator's demo cards, and a card missing from it counts as not registered (R2).
 */
export function createLocalRegistry(cardHolders: Map<string, string>): EligibilitySource {
  const known = new Set<string>(DEMO_PERSON_IDS);
  const holders = new Map<string, string>();
  for (const [serial, personId] of cardHolders) {
    // A wiring mistake at start-up, not a runtime condition: fail before serving anyone.
    if (!known.has(personId)) throw new Error('A demo card is mapped to an unknown demo person.');
    holders.set(normaliseSerial(serial), personId);
  }

  // The demo persons depend only on the Japan date: built once a day, not at every lookup (they
  // were about a tenth of a re-query's CPU). Frozen, so no caller can change the shared copy.
  let cached: { day: string; persons: readonly DemoPerson[] } | null = null;
  function personsOn(asOf: Date): readonly DemoPerson[] {
    const day = jstDate(asOf);
    if (cached?.day !== day) cached = { day, persons: deepFreeze(demoPersons(asOf)) };
    return cached.persons;
  }

  function personById(personId: string, asOf: Date): DemoPerson {
    const person = personsOn(asOf).find((p) => p.personId === personId);
    if (!person) throw new Error('Unknown person id.');
    return person;
  }

  return {
    async resolveCardHolder(certificateSerial) {
      const personId = holders.get(normaliseSerial(certificateSerial));
      return personId === undefined ? null : { personId };
    },

    async currentEligibility(personId, asOf) {
      return recordFor(personById(personId, asOf), jstDate(asOf));
    },

    async qualificationChoice(personId, asOf) {
      return explainQualificationChoice(candidatesOf(personById(personId, asOf), jstDate(asOf)));
    },

    async findByInsurance(query, asOf) {
      const insurerNumber = normaliseQueryField(query.insurerNumber);
      const number = normaliseQueryField(query.number);
      const dateOfBirth = normaliseQueryField(query.dateOfBirth);
      const symbol = normaliseQueryField(query.symbol);
      const branch = normaliseQueryField(query.branch);
      const today = jstDate(asOf);
      return personsOn(asOf)
        .filter(
          (person) =>
            person.dateOfBirth === dateOfBirth &&
            person.qualifications.some(
              (q) =>
                q.insurerNumber === insurerNumber &&
                q.number === number &&
                (symbol === '' || q.symbol === symbol) &&
                (branch === '' || q.branch === branch),
            ),
        )
        .map((person) => ({ personId: person.personId, record: recordFor(person, today) }));
    },

    async medicalInformation(personId, scopes, asOf) {
      personById(personId, asOf);
      const all = demoMedicalInformation(personId, asOf);
      return {
        medication: scopes.includes('medication') ? all.medication : [],
        dispensing: scopes.includes('dispensing') ? all.dispensing : [],
        clinical: scopes.includes('clinical') ? all.clinical : [],
        surgery: scopes.includes('surgery') ? all.surgery : [],
        checkup: scopes.includes('checkup') ? all.checkup : [],
      };
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
