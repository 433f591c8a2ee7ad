import { expect, it } from 'vitest';
import { isVisitType, VISIT_TYPES } from '../../src/domain/shared/visit-type.ts';

it('knows exactly the three visit types of a consent', () => {
  expect(VISIT_TYPES).toEqual(['homeVisit', 'houseCall', 'online']);
  expect(isVisitType('houseCall')).toBe(true);
  expect(isVisitType('outpatient')).toBe(false);
  expect(isVisitType(1)).toBe(false);
});
