/** A phone hands off on the same device; a tablet or PC shows a QR code for the patient's phone (R6). */
export function prefersSameDevice(): boolean {
  return window.matchMedia('(max-width: 47.99rem) and (pointer: coarse)').matches;
}
