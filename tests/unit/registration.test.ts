import { describe, expect, it } from 'vitest';
import { agreeToAll } from '../../src/domain/consent/consent.ts';
import { asksPrescriptionForm, checkConsultationDate } from '../../src/domain/registration/registration.ts';
import { registrationRequestSchema } from '../../src/domain/registration/registration-schema.ts';
import { isReturnUrlAllowed } from '../../src/server/registration/return-url.ts';

const jst = (wall: string) => new Date(`${wall}+09:00`);

describe('R3: consultation date for online consultations', () => {
  it('accepts today and later, Japan time', () => {
    expect(checkConsultationDate('2026-11-22', jst('2026-11-22T23:59:00'))).toBeNull();
    expect(checkConsultationDate('2026-12-01', jst('2026-11-22T10:00:00'))).toBeNull();
  });

  it('refuses yesterday, even when it is still that day in UTC', () => {
    // 00:30 JST on the 23rd is 15:30 UTC on the 22nd: the 22nd is already past in Japan.
    expect(checkConsultationDate('2026-11-22', jst('2026-11-23T00:30:00'))).toBe('past');
  });

  it('explains a missing or impossible date', () => {
    expect(checkConsultationDate(undefined, jst('2026-11-22T10:00:00'))).toBe('missing');
    expect(checkConsultationDate('', jst('2026-11-22T10:00:00'))).toBe('missing');
    expect(checkConsultationDate('2026-02-30', jst('2026-01-22T10:00:00'))).toBe('invalid');
    expect(checkConsultationDate('22/11/2026', jst('2026-01-22T10:00:00'))).toBe('invalid');
  });
});

describe('S5: prescription-form screen', () => {
  const on = { showsPrescriptionForm: true, usesElectronicPrescription: true };
  it('is shown for home visits and house calls when the institution enables it', () => {
    expect(asksPrescriptionForm('homeVisit', 'link', on, false)).toBe(true);
    expect(asksPrescriptionForm('houseCall', 'link', on, false)).toBe(true);
    expect(asksPrescriptionForm('homeVisit', 'link', { ...on, showsPrescriptionForm: false }, false)).toBe(false);
  });
  it('is never shown without electronic prescriptions', () => {
    expect(asksPrescriptionForm('homeVisit', 'link', { ...on, usesElectronicPrescription: false }, true)).toBe(false);
  });
  it('for online from an app, only when the app supports e-prescriptions', () => {
    expect(asksPrescriptionForm('online', 'app', on, false)).toBe(false);
    expect(asksPrescriptionForm('online', 'app', on, true)).toBe(true);
    expect(asksPrescriptionForm('online', 'link', on, false)).toBe(true);
  });
});

describe('R1: telemedicine-app return addresses', () => {
  const allowed = ['https://telemed.example/return', 'https://other.example/'];
  it('honours addresses under an allowed prefix', () => {
    expect(isReturnUrlAllowed('https://telemed.example/return', allowed)).toBe(true);
    expect(isReturnUrlAllowed('https://telemed.example/return/visit?id=3', allowed)).toBe(true);
    expect(isReturnUrlAllowed('https://other.example/anything', allowed)).toBe(true);
  });
  it('refuses look-alikes, other schemes and credentials', () => {
    expect(isReturnUrlAllowed('https://telemed.example/returned', allowed)).toBe(false);
    expect(isReturnUrlAllowed('https://telemed.example.evil/return', allowed)).toBe(false);
    expect(isReturnUrlAllowed('http://telemed.example/return', allowed)).toBe(false);
    expect(isReturnUrlAllowed('javascript:alert(1)', allowed)).toBe(false);
    expect(isReturnUrlAllowed('https://user:pw@telemed.example/return', allowed)).toBe(false);
    expect(isReturnUrlAllowed('not a url', allowed)).toBe(false);
    expect(isReturnUrlAllowed('https://telemed.example/return', [])).toBe(false);
  });
});

describe('registration request schema', () => {
  const valid = {
    linkToken: 'abcdefghijklmnopqrstuv',
    visitType: 'homeVisit',
    arrival: 'link',
    choices: agreeToAll(),
    handoffPath: 'crossDevice',
  };
  it('accepts a complete request and refuses unknown fields (nothing like a My Number can ride along, P1)', () => {
    expect(registrationRequestSchema.safeParse(valid).success).toBe(true);
    expect(registrationRequestSchema.safeParse({ ...valid, myNumber: '123456789012' }).success).toBe(false);
    expect(registrationRequestSchema.safeParse({ ...valid, pin: '1234' }).success).toBe(false);
  });
  it('refuses an unknown visit type and a partial set of choices', () => {
    expect(registrationRequestSchema.safeParse({ ...valid, visitType: 'outpatient' }).success).toBe(false);
    expect(registrationRequestSchema.safeParse({ ...valid, choices: { surgery: true } }).success).toBe(false);
  });
});
