import { describe, expect, it } from 'vitest';
import {
  buildConsentReceipt,
  maskInsuranceNumber,
  normaliseReceiptId,
  receiptChoices,
  receiptIdFromBytes,
  receiptValidity,
  RECEIPT_ID_BYTES,
  type ReceiptInput,
} from '../../src/domain/consent/consent-receipt.ts';
import { consentValidUntil } from '../../src/domain/consent/validity.ts';

const jst = (wall: string) => new Date(`${wall}+09:00`);

describe('consent receipt: validity per visit type (V1–V3)', () => {
  it('V1: a home-visit consent lasts until revoked', () => {
    expect(receiptValidity({ visitType: 'homeVisit', validUntil: null, consultationDate: null })).toEqual({ kind: 'untilRevoked' });
  });

  it('V2: a house call states the instant 24 hours after registration', () => {
    const until = consentValidUntil('houseCall', jst('2026-12-07T23:30:00'), null)!.toISOString();
    expect(receiptValidity({ visitType: 'houseCall', validUntil: until, consultationDate: null })).toEqual({ kind: 'hours24', until });
    expect(until).toBe(jst('2026-12-08T23:30:00').toISOString());
  });

  it('V3: an online consultation states its consultation date (through the end of that day, JST)', () => {
    const until = consentValidUntil('online', jst('2026-12-07T10:00:00'), '2026-12-10')!.toISOString();
    expect(receiptValidity({ visitType: 'online', validUntil: until, consultationDate: '2026-12-10' })).toEqual({
      kind: 'throughConsultationDate',
      date: '2026-12-10',
      until: jst('2026-12-11T00:00:00').toISOString(),
    });
  });

  it('refuses a house call or online consent without its end (a broken row is not printed as "until revoked")', () => {
    expect(() => receiptValidity({ visitType: 'houseCall', validUntil: null, consultationDate: null })).toThrow(RangeError);
    expect(() => receiptValidity({ visitType: 'online', validUntil: null, consultationDate: '2026-12-10' })).toThrow(RangeError);
  });
});

describe('consent receipt: insurance numbers show only their last digits', () => {
  it('an 8-digit number shows its last 4 behind a fixed mask', () => {
    expect(maskInsuranceNumber('12345678')).toBe('****5678');
    expect(maskInsuranceNumber('１２３４５６７８')).toBe('****5678');
  });

  it('never more than half of a short number, nor its length', () => {
    expect(maskInsuranceNumber('1234')).toBe('****34');
    expect(maskInsuranceNumber('123')).toBe('****3');
    expect(maskInsuranceNumber('1')).toBe('****');
    expect(maskInsuranceNumber('123456789012')).toBe('****9012');
  });

  it('nothing to mask gives null', () => {
    expect(maskInsuranceNumber('')).toBeNull();
    expect(maskInsuranceNumber(null)).toBeNull();
  });
});

describe('consent receipt: content', () => {
  const input: ReceiptInput = {
    receiptId: 'CR-00000-00000-00000-00000',
    event: 'registered',
    issuedAt: jst('2026-12-07T10:00:00'),
    institution: { name: 'デモ在宅クリニック', code: '1312345678' },
    insuredNumber: '20231234',
    withStaff: true,
    consents: [
      {
        visitType: 'homeVisit',
        scopes: ['surgery', 'clinical', 'medication', 'specificDisease'],
        prescriptionForm: 'paper',
        consultationDate: null,
        registeredAt: jst('2026-12-07T10:00:00').toISOString(),
        validUntil: null,
      },
    ],
  };

  it('lists every choice of the consent screen, granted or refused (S1: one medication choice)', () => {
    expect(receiptChoices(['surgery', 'clinical', 'medication', 'dispensing'])).toEqual([
      { choice: 'surgery', granted: true },
      { choice: 'medication', granted: true },
      { choice: 'checkup', granted: false },
      { choice: 'costLimit', granted: false },
      { choice: 'specificDisease', granted: false },
    ]);
  });

  it('a registration: controller, masked principal, validity, how to withdraw, S4 sensitivity', () => {
    const receipt = buildConsentReceipt(input);
    expect(receipt).toMatchObject({
      event: 'registered',
      jurisdiction: 'JP',
      collectionMethod: 'cardAuthenticationWithStaff',
      controller: { name: 'デモ在宅クリニック', institutionCode: '1312345678' },
      principal: { insuredNumber: '****1234' },
      sensitive: true,
      withdrawal: { byLinkMenu: true, byClinic: true },
    });
    expect(receipt.consents[0]!.validity).toEqual({ kind: 'untilRevoked' });
    expect(JSON.stringify(receipt)).not.toContain('20231234');
  });

  it('a revocation states when viewing ended, and offers no withdrawal', () => {
    const receipt = buildConsentReceipt({ ...input, event: 'revoked', withStaff: false });
    expect(receipt.consents[0]!.validity).toEqual({ kind: 'ended', at: input.issuedAt.toISOString() });
    expect(receipt.withdrawal).toBeNull();
    expect(receipt.sensitive).toBe(false);
    expect(receipt.collectionMethod).toBe('cardAuthentication');
  });
});

describe('consent receipt ids', () => {
  it('100 random bits in grouped Crockford base32', () => {
    const id = receiptIdFromBytes(new Uint8Array(RECEIPT_ID_BYTES).fill(0xff));
    expect(id).toBe('CR-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ');
    expect(receiptIdFromBytes(new Uint8Array(RECEIPT_ID_BYTES))).toBe('CR-00000-00000-00000-00000');
    const bytes = new Uint8Array(RECEIPT_ID_BYTES);
    // 00001 010|01 000000: the second character's 5 bits span the byte boundary.
    bytes[0] = 0b00001_010;
    bytes[1] = 0b01_000000;
    expect(receiptIdFromBytes(bytes)).toBe('CR-19000-00000-00000-00000');
    expect(() => receiptIdFromBytes(new Uint8Array(12))).toThrow(RangeError);
  });

  it('reads an id as staff type it: case, hyphens, spaces, O/I/L, with or without the prefix', () => {
    expect(normaliseReceiptId('cr-ab0cd-efghj-kmnpq-rstvw')).toBe('CR-AB0CD-EFGHJ-KMNPQ-RSTVW');
    expect(normaliseReceiptId('ABOCD EFGHJ KMNPQ RSTVW')).toBe('CR-AB0CD-EFGHJ-KMNPQ-RSTVW');
    expect(normaliseReceiptId('CRABCDEFGHJKMNPQRSTV')).toBe('CR-CRABC-DEFGH-JKMNP-QRSTV');
    expect(normaliseReceiptId('il000-00000-00000-00000')).toBe('CR-11000-00000-00000-00000');
  });

  it('anything else is not an id', () => {
    expect(normaliseReceiptId('')).toBeNull();
    expect(normaliseReceiptId('CR-ABCDE-FGHJK-MNPQR-STVW')).toBeNull();
    expect(normaliseReceiptId('CR-ABCDE-FGHJK-MNPQR-STVWU')).toBeNull();
    expect(normaliseReceiptId('x'.repeat(100))).toBeNull();
    expect(normaliseReceiptId("CR-ABCDE-FGHJK-MNPQR-STV'W")).toBeNull();
  });
});
