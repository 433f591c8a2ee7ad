/**
 * The two English strings of the invalid-link page, apart from en.ts: that page shows both
 * languages at once, and the patient route should not fetch the whole English catalogue for it.
 */
export const linkInvalidEn = {
  'link.invalid.title': 'This link cannot be used',
  'link.invalid.body':
    'The clinic link is not correct, or the clinic has issued a new link and this one no longer works. Please get the new link or QR code from your clinic.',
} as const;
