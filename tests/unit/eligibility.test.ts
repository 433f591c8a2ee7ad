import { describe, expect, it } from 'vitest';
import {
  ELIGIBILITY_STATUSES,
  nextSteps,
  selectQualification,
  type QualificationCandidate,
} from '../../src/domain/registration/eligibility.ts';

describe('E2 next steps per eligibility status', () => {
  // 003: after 資格（無効）/資格情報なし the Mynaportal shows no valid qualification either.
  const proofs = ['askCertificate', 'askCardWithNotice', 'askHealthInsuranceCard', 'declarationForm'];

  it('E2: every status has at least one step', () => {
    for (const status of ELIGIBILITY_STATUSES) expect(nextSteps(status).length).toBeGreaterThan(0);
  });

  it('E2: valid proceeds', () => {
    expect(nextSteps('valid')).toEqual(['proceed']);
  });

  it('E2: lost asks for 資格確認書, card + お知らせ, a still-valid 健康保険証, else the declaration form — not the Mynaportal screen (003) — and no input check', () => {
    expect(nextSteps('lost')).toEqual(proofs);
    expect(nextSteps('lost')).not.toContain('askMynaportalScreen');
    expect(nextSteps('lost')).not.toContain('checkInputErrors');
  });

  it('E2: lostWithNew asks for the newer qualification first', () => {
    const steps = nextSteps('lostWithNew');
    expect(steps[0]).toBe('askNewerQualification');
    expect(steps).toContain('askMynaportalScreen');
    expect(steps).toEqual(expect.arrayContaining(proofs));
  });

  it('E2: notFound is the lost steps plus checking input errors ("C" vs "0")', () => {
    const steps = nextSteps('notFound');
    expect(steps).toContain('checkInputErrors');
    expect(steps.filter((s) => s !== 'checkInputErrors')).toEqual(proofs);
  });

  it('E2: validUnregistered (医療扶助 without a ticket) points to the medical ticket and the welfare office', () => {
    expect(nextSteps('validUnregistered')).toEqual(['askMedicalTicket', 'contactWelfareOffice']);
  });

  it('E2: callers get their own array', () => {
    nextSteps('lost').push('proceed');
    expect(nextSteps('lost')).toEqual(proofs);
  });
});

type Candidate = QualificationCandidate & { id: string };

/** A health-insurance qualification issued on 2025-03-25 unless told otherwise. */
const insurance = (id: string, fields: Partial<Candidate> = {}): Candidate => ({
  id,
  medicalAid: false,
  municipalNhi: false,
  cardIssuedOn: '2025-03-25',
  cardValidFrom: '2025-04-01',
  cardValidTo: null,
  qualificationAcquiredOn: '2025-04-01',
  qualificationLostOn: null,
  ...fields,
});

const medicalAid = (id: string, acquiredOn: string | null, lostOn: string | null): Candidate => ({
  id,
  medicalAid: true,
  municipalNhi: false,
  cardIssuedOn: null,
  cardValidFrom: null,
  cardValidTo: null,
  qualificationAcquiredOn: acquiredOn,
  qualificationLostOn: lostOn,
});

const pick = (candidates: Candidate[]) => {
  const { chosen, reason } = selectQualification(candidates);
  return { id: chosen.id, reason };
};

describe('E5 choosing among qualifications that share an issue date', () => {
  it('E5: a single candidate is chosen as the only one', () => {
    expect(pick([insurance('a')])).toEqual({ id: 'a', reason: 'only' });
  });

  it('E5: the latest start date wins, whatever the other criteria say', () => {
    const older = insurance('older', { cardValidFrom: '2024-10-01', cardValidTo: null });
    const newer = insurance('newer', { cardValidFrom: '2025-04-01', cardValidTo: '2026-03-31', municipalNhi: true });
    expect(pick([older, newer])).toEqual({ id: 'newer', reason: 'latestStart' });
    expect(pick([newer, older])).toEqual({ id: 'newer', reason: 'latestStart' });
  });

  it('E5: with equal start dates, not 市町村国保 wins', () => {
    const municipal = insurance('municipal', { municipalNhi: true, cardValidTo: null });
    const union = insurance('union', { municipalNhi: false, cardValidTo: '2026-03-31' });
    expect(pick([municipal, union])).toEqual({ id: 'union', reason: 'notMunicipalNhi' });
  });

  it('E5: then the farthest end date wins', () => {
    const sooner = insurance('sooner', { cardValidTo: '2027-03-31' });
    const later = insurance('later', { cardValidTo: '2030-03-31' });
    expect(pick([sooner, later])).toEqual({ id: 'later', reason: 'farthestEnd' });
  });

  it('E5: a blank end date counts as the farthest', () => {
    const ending = insurance('ending', { cardValidTo: '2099-12-31' });
    const open = insurance('open', { cardValidTo: null });
    expect(pick([ending, open])).toEqual({ id: 'open', reason: 'farthestEnd' });
  });

  it('E5: the criteria apply in order (start, then not 市町村国保, then end)', () => {
    const candidates = [
      insurance('olderStart', { cardValidFrom: '2024-10-01' }),
      insurance('municipal', { municipalNhi: true }),
      insurance('unionEnding', { cardValidTo: '2030-03-31' }),
      insurance('openEnded'),
    ];
    expect(pick(candidates)).toEqual({ id: 'openEnded', reason: 'farthestEnd' });
  });

  it('E5: among different issue dates the newest issue decides first', () => {
    const old = insurance('old', { cardIssuedOn: '2020-01-10', cardValidFrom: '2025-06-01' });
    const recent = insurance('recent', { cardIssuedOn: '2025-03-25' });
    expect(pick([old, recent])).toEqual({ id: 'recent', reason: 'latestIssue' });
  });

  it('E5: a complete tie keeps input order', () => {
    expect(pick([insurance('first'), insurance('second')])).toEqual({ id: 'first', reason: 'farthestEnd' });
  });

  it('E5: 医療扶助 — the latest acquisition date wins', () => {
    const earlier = medicalAid('earlier', '2019-04-01', null);
    const later = medicalAid('later', '2023-09-12', '2026-01-31');
    expect(pick([earlier, later])).toEqual({ id: 'later', reason: 'latestAcquisition' });
  });

  it('E5: 医療扶助 — with equal acquisition, the farthest loss date wins (blank = never lost)', () => {
    const ending = medicalAid('ending', '2023-09-12', '2026-01-31');
    const farther = medicalAid('farther', '2023-09-12', '2027-01-31');
    const open = medicalAid('open', '2023-09-12', null);
    expect(pick([ending, farther])).toEqual({ id: 'farther', reason: 'farthestLoss' });
    expect(pick([ending, farther, open])).toEqual({ id: 'open', reason: 'farthestLoss' });
  });

  it('E5: refuses an empty list and a mix of 医療扶助 and health insurance', () => {
    expect(() => selectQualification([])).toThrow(RangeError);
    expect(() => selectQualification([insurance('a'), medicalAid('b', '2023-09-12', null)])).toThrow(RangeError);
  });
});
