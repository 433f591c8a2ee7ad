import { describe, expect, it } from 'vitest';
import { guideOutcome } from '../../src/domain/fallback/fallback-walk.ts';
import { containsTwelveDigitRun, GUIDE_RECORD_MESSAGES, guideRecordSchema, type GuideRecordInput } from '../../src/domain/fallback/guide-record.ts';

const ID = '0f8b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';

function record(overrides: Partial<GuideRecordInput> = {}): GuideRecordInput {
  return {
    id: ID,
    linkToken: 'link-token',
    visitDate: '2026-11-22',
    steps: ['explainCardUnusable', 'proofMynaportalScreen'],
    outcome: guideOutcome({ cause: 'cardUnusable', resolution: 'proofMynaportalScreen', copayPercent: 30, recordedAt: '2026-11-22T01:00:00.000Z' }),
    ...overrides,
  };
}

function messages(input: unknown): Record<string, string> {
  const parsed = guideRecordSchema.safeParse(input);
  if (parsed.success) return {};
  return Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? '(body)'), i.message]));
}

describe('guide outcome record without a form (issue 5 §2)', () => {
  it('F1: a walk settled by the Mynaportal screen is a record; kana and note default to empty; the id is lower-cased', () => {
    const parsed = guideRecordSchema.parse(record({ id: ID.toUpperCase() }));
    expect(parsed).toMatchObject({ id: ID, patientKana: '', note: '', steps: ['explainCardUnusable', 'proofMynaportalScreen'] });
    expect(parsed.outcome.copayPercent).toBe(30);
  });

  it('F4, F5 and E8: the known-patient shortcut, the 10割 case and a paper prescription are recorded as walked', () => {
    const known = guideOutcome({ cause: 'serviceOutage', resolution: 'knownRepeatPatient', copayPercent: 30, recordedAt: '2026-11-22T01:00:00.000Z' });
    expect(guideRecordSchema.safeParse(record({ steps: ['knownRepeatPatient'], outcome: known })).success).toBe(true);
    const uninsured = guideOutcome({
      cause: 'resultLost',
      resolution: 'noInsurance',
      copayPercent: 100,
      copayBasis: 'uninsured',
      paperPrescription: true,
      recordedAt: '2026-11-22T01:00:00.000Z',
    });
    expect(uninsured.paperPrescription).toBe(true);
    const parsed = guideRecordSchema.parse(record({ steps: ['noInsurance'], outcome: uninsured }));
    expect(parsed.outcome).toMatchObject({ copayPercent: 100, paperPrescription: true });
  });

  it('F3: a walk that ended with the declaration form is not a guide record (the outcome travels with the form)', () => {
    const withForm = guideOutcome({ cause: 'cardUnusable', resolution: 'declarationForm', declarationId: ID, recordedAt: '2026-11-22T01:00:00.000Z' });
    expect(messages(record({ outcome: withForm }))).toEqual({ outcome: GUIDE_RECORD_MESSAGES.form });
  });

  it('refuses an outcome the cause’s guide does not offer, and steps from another cause', () => {
    // resultLost's guide has no patient-device step.
    const wrong = guideOutcome({ cause: 'resultLost', resolution: 'patientDevice', recordedAt: '2026-11-22T01:00:00.000Z' });
    expect(messages(record({ outcome: wrong })).outcome).toBe(GUIDE_RECORD_MESSAGES.record);
    expect(messages(record({ steps: ['explainPinLocked', 'proofMynaportalScreen'] }))).toEqual({ steps: GUIDE_RECORD_MESSAGES.steps });
    expect(messages(record({ steps: [] })).steps).toBe(GUIDE_RECORD_MESSAGES.steps);
  });

  it('the kana is kana only and stored in full-width katakana; the visit date must be a real calendar date', () => {
    expect(guideRecordSchema.parse(record({ patientKana: ' やまだ ﾀﾛｳ ' })).patientKana).toBe('ヤマダ タロウ');
    expect(messages(record({ patientKana: '山田' }))).toEqual({ patientKana: GUIDE_RECORD_MESSAGES.kana });
    expect(messages(record({ visitDate: '2026-02-30' }))).toEqual({ visitDate: GUIDE_RECORD_MESSAGES.visitDate });
  });

  it('P1: a note holding a 12-digit run (a My Number, half- or full-width, spaced) is refused; other numbers pass', () => {
    expect(containsTwelveDigitRun('1234 5678 9012')).toBe(true);
    expect(containsTwelveDigitRun('１２３４５６７８９０１２')).toBe(true);
    expect(containsTwelveDigitRun('1234-5678-901')).toBe(false);
    expect(messages(record({ note: '番号 123456789012' }))).toEqual({ note: GUIDE_RECORD_MESSAGES.myNumber });
    expect(guideRecordSchema.parse(record({ note: ' 次回 12/5 再確認 ' })).note).toBe('次回 12/5 再確認');
  });

  it('P1: nothing else rides along (no My Number field, no name in kanji)', () => {
    expect(messages({ ...record(), myNumber: '123456789012' })['(body)']).toBe(GUIDE_RECORD_MESSAGES.record);
    expect(messages({ ...record(), name: '山田太郎' })['(body)']).toBe(GUIDE_RECORD_MESSAGES.record);
  });
});
