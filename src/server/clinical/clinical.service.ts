import {
  clinicalViewDecision,
  type ClinicalPersonsResponse,
  type ClinicalViewResponse,
  type ConsentForClinicalView,
  type MedicalSection,
} from '../../domain/consent/clinical.ts';
import { parseScopes } from '../../domain/consent/consent.ts';
import { consentState } from '../../domain/consent/validity.ts';
import { consentsOfPersonAt, eligibilityRecordsOfPersons, latestConsentsAt } from '../consent/consent.repository.ts';
import type { ConsentRow } from '../consent/consent.table.ts';
import type { StaffAuditor } from '../consent/staff-action.ts';
import type { DbOrTx } from '../db/database.ts';
import { findInstitutionById } from '../institution/institution.repository.ts';
import type { EligibilitySource } from '../national/eligibility-source.ts';
import { clinicalSnapshotOf, saveClinicalSnapshot } from './clinical.repository.ts';

interface Ctx {
  institutionId: string;
  now: Date;
  audit: StaffAuditor;
  eligibility: EligibilitySource;
}

const LIST_LIMIT = 200;

function forViewing(row: ConsentRow): ConsentForClinicalView {
  return { status: row.status, scopes: parseScopes(row.scopes), validUntil: row.valid_until, visitType: row.visit_type };
}

/** The name from the person's latest eligibility check at this institution ('' when none). */
async function latestNames(db: DbOrTx, institutionId: string, personRefs: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (personRefs.length === 0) return names;
  for (const row of await eligibilityRecordsOfPersons(db, institutionId, personRefs)) {
    if (names.has(row.person_ref)) continue;
    try {
      const name = (JSON.parse(row.record_json) as { name?: unknown }).name;
      names.set(row.person_ref, typeof name === 'string' ? name : '');
    } catch {
      names.set(row.person_ref, '');
    }
  }
  return names;
}

/**
 * P3, X5, V6: the doctor's view of one person. Only this institution's consents count; the national
 * source is asked for the visible scopes only, and only within the window (V6: what it answers is
 * kept as this institution's snapshot, shown after the window with its retrieval time); every view
 * (shown or not) is recorded with the scopes shown. Null when the person has no consent here at all (the route answers 404).
 */
export async function viewClinical(trx: DbOrTx, ctx: Ctx, personRef: string): Promise<ClinicalViewResponse | null> {
  const rows = await consentsOfPersonAt(trx, ctx.institutionId, personRef);
  if (rows.length === 0) return null;
  const institution = await findInstitutionById(trx, ctx.institutionId);
  const decision = clinicalViewDecision(rows.map(forViewing), institution?.uses_clinical_info === 1, ctx.now);
  let sections: MedicalSection[] = [];
  let retrievedAt: string | null = null;
  let fromSnapshot = false;
  if (decision.kind === 'visible') {
    const info = await ctx.eligibility.medicalInformation(personRef, decision.scopes, ctx.now);
    sections = decision.scopes.map((scope) => ({ scope, entries: info[scope] }) as MedicalSection);
    retrievedAt = ctx.now.toISOString();
    // V6: what was retrieved within the window is kept, marked with when.
    await saveClinicalSnapshot(trx, { institution_id: ctx.institutionId, person_ref: personRef, retrieved_at: retrievedAt, sections_json: JSON.stringify(sections) });
  } else if (decision.reason === 'expired' || decision.reason === 'revoked') {
    // V6: past the window the national side is not asked again; what was retrieved while it was
    // open stays viewable (as it would in the clinic's own records), marked with its retrieval time.
    const snapshot = await clinicalSnapshotOf(trx, ctx.institutionId, personRef);
    if (snapshot) {
      sections = JSON.parse(snapshot.sections_json) as MedicalSection[];
      retrievedAt = snapshot.retrieved_at;
      fromSnapshot = true;
    }
  }
  await ctx.audit(
    trx,
    {
      action: 'clinical.viewed',
      personRef,
      outcome: decision.kind === 'visible' ? 'ok' : 'nothing_shown',
      // Scope codes or the reason code (and whether a snapshot was shown): never the content.
      detail: decision.kind === 'visible' ? decision.scopes.join(',') : fromSnapshot ? `${decision.reason}:snapshot` : decision.reason,
    },
    ctx.now,
  );
  const names = await latestNames(trx, ctx.institutionId, [personRef]);
  return {
    personRef,
    name: names.get(personRef) ?? '',
    viewedAt: ctx.now.toISOString(),
    decision,
    consents:
      decision.kind === 'visible'
        ? rows
            .filter((r) => consentState(forViewing(r), ctx.now) === 'active')
            .map((r) => ({ visitType: r.visit_type, validUntil: r.valid_until }))
        : [],
    latestConsent:
      decision.kind === 'hidden'
        ? { visitType: rows[0]!.visit_type, registeredAt: rows[0]!.registered_at, validUntil: rows[0]!.valid_until, revokedAt: rows[0]!.revoked_at }
        : null,
    sections,
    retrievedAt,
    fromSnapshot,
  };
}

/** Persons with consents here, newest first: status only, so the list itself is not audited as a view. */
export async function clinicalPersons(db: DbOrTx, institutionId: string, now: Date): Promise<ClinicalPersonsResponse> {
  const rows = await latestConsentsAt(db, institutionId, LIST_LIMIT * 5);
  const byPerson = new Map<string, ConsentRow[]>();
  for (const row of rows) {
    const list = byPerson.get(row.person_ref) ?? [];
    list.push(row);
    byPerson.set(row.person_ref, list);
  }
  const refs = [...byPerson.keys()].slice(0, LIST_LIMIT);
  const names = await latestNames(db, institutionId, refs);
  const rank = { active: 0, expired: 1, revoked: 2 } as const;
  return {
    persons: refs.map((personRef) => {
      const consents = byPerson.get(personRef)!;
      const states = consents.map((c) => consentState(forViewing(c), now));
      const state = states.reduce((best, s) => (rank[s] < rank[best] ? s : best), 'revoked' as 'active' | 'expired' | 'revoked');
      return { personRef, name: names.get(personRef) ?? '', state, latestVisitType: consents[0]!.visit_type };
    }),
  };
}
