import { expect, it } from 'vitest';
import {
  asksConsultationDate,
  canBeUpdated,
  CONTINUING_VISIT_TYPES,
  isContinuingCare,
  isRemoteConsultation,
  isVisitType,
  VISIT_TYPE_FROM_APP,
  VISIT_TYPES,
} from '../../src/domain/shared/visit-type.ts';

it('knows exactly the three visit types of a consent', () => {
  expect(VISIT_TYPES).toEqual(['homeVisit', 'houseCall', 'online']);
  expect(isVisitType('houseCall')).toBe(true);
  expect(isVisitType('outpatient')).toBe(false);
  expect(isVisitType(1)).toBe(false);
});

it('Q1/V5/X4: only home visits (訪問診療等) are continuing care', () => {
  expect(VISIT_TYPES.filter(isContinuingCare)).toEqual(['homeVisit']);
  expect(CONTINUING_VISIT_TYPES).toEqual(['homeVisit']);
});

it('R3/V3: a consultation date is asked for online consultations only', () => {
  expect(VISIT_TYPES.filter(asksConsultationDate)).toEqual(['online']);
});

it('R1/R7: online consultations are the remote kind, and the one a telemedicine app starts', () => {
  expect(VISIT_TYPES.filter(isRemoteConsultation)).toEqual(['online']);
  expect(isRemoteConsultation(VISIT_TYPE_FROM_APP)).toBe(true);
});

it('U3: query/update (同意照会・更新) is for home visits and online consultations, not house calls', () => {
  expect(VISIT_TYPES.filter(canBeUpdated)).toEqual(['homeVisit', 'online']);
});
