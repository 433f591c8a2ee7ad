import { describe, expect, it } from 'vitest';
import {
  conditionalQuestions,
  DECLARATION_FIELDS,
  DECLARATION_SECTIONS,
  emptyDeclaration,
  questionOf,
  withoutInapplicableAnswers,
} from '../../src/domain/declaration/declaration.ts';
import { declarationDraftSchema } from '../../src/domain/declaration/declaration-schema.ts';

const base = { id: '0f8fad5b-d9cb-469f-a165-70867728950e', createdAt: '2025-11-22T01:00:00.000Z', linkToken: 'demo-link-token-1234' };

/**
 * The list drives the screen, the draft, the print sheet and the staff view (D6), so its data must
 * hang together: these checks are what a new field has to pass.
 */
describe('DECLARATION_FIELDS as the one description of the form', () => {
  it('D3: the one blank form has the blank of each field kind, and the draft schema keeps it as it is', () => {
    const blank = emptyDeclaration(base);
    const blankOfKind = { checkbox: false, choice: null, text: '', address: '', kana: '', phone: '', date: null, signature: null } as const;
    for (const field of DECLARATION_FIELDS) {
      const expected = field.kind === 'eraDate' ? { era: null, year: null, month: null, day: null } : blankOfKind[field.kind];
      expect(blank[field.id], field.id).toEqual(expected);
    }
    expect(declarationDraftSchema.parse(blank)).toEqual(blank);
  });

  it('D6: every section has fields; a field printed in another row names a row of its own section that has its own row', () => {
    for (const section of DECLARATION_SECTIONS) expect(DECLARATION_FIELDS.some((f) => f.section === section.id), section.id).toBe(true);
    for (const field of DECLARATION_FIELDS) {
      if (!field.printedIn) continue;
      const host = DECLARATION_FIELDS.find((f) => f.id === field.printedIn?.within);
      expect(host?.section, field.id).toBe(field.section);
      expect(host?.printedIn, field.id).toBeUndefined();
    }
  });

  it('D1, D2: only the questions conditionalQuestions names can be left unasked, and their answers are cleared to blank', () => {
    const answers = { insuranceType: 'lateElderly' as const, insurerName: '', dateOfBirth: '2020-01-01' };
    const questions = conditionalQuestions(answers, '2025-11-22');
    const notAsked = DECLARATION_FIELDS.filter((f) => questionOf(questions, f.id) === 'notAsked').map((f) => f.id);
    expect(notAsked).toEqual(['employerName']);
    expect(questionOf(questions, 'copayRatio')).toBe('asked');
    const child = { ...emptyDeclaration(base), insuranceType: 'employee' as const, employerName: '株式会社テスト', copayRatio: 30 as const, dateOfBirth: { era: 'reiwa' as const, year: 2, month: 1, day: 1 } };
    const cleared = withoutInapplicableAnswers(child);
    expect(cleared.copayRatio).toBeNull();
    expect(cleared.employerName).toBe('株式会社テスト');
  });
});
