import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base64url, formatEnrolmentCode, fromBase64url, normaliseEnrolmentCode, signedText } from '../../src/domain/staff/device-signature.ts';

/** Issue 12 #15: the pieces the tablet and the server must agree on byte for byte. */
describe('device signatures (issue 12 #15)', () => {
  it('issue 12 #15: base64url matches Node’s encoding and round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const text = base64url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(Array.from(fromBase64url(text) ?? [])).toEqual(Array.from(bytes));
      }),
    );
    expect(fromBase64url('a+b/')).toBeNull();
    expect(fromBase64url('abcde')).toBeNull();
  });

  it('issue 12 #15: a typed code is read as the issued one; the signed text names every part', () => {
    expect(normaliseEnrolmentCode(' ab1o2-il3cd ')).toBe('AB102113CD');
    expect(formatEnrolmentCode('ABCDE12345')).toBe('ABCDE-12345');
    expect(signedText({ method: 'post', path: '/api/public/declarations', timestamp: '1', nonce: 'n', bodySha256: 'h' })).toBe(
      'zaitaku-device-v1\nPOST\n/api/public/declarations\n1\nn\nh',
    );
  });
});
