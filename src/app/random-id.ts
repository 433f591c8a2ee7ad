/**
 * A random UUID (version 4). `crypto.randomUUID` exists only in secure contexts (https or
 * localhost), but a demo reached at a LAN address over plain http is not one (issue 21 #2), and
 * the staff pages must still work there: `crypto.getRandomValues` is available everywhere.
 */
export function randomId(): string {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // The version (4) and variant (10xx) bits, as RFC 9562 sets them.
  bytes[6] = (bytes[6]! & 15) | 64;
  bytes[8] = (bytes[8]! & 63) | 128;
  const hex = Array.from(bytes, (byte) => (byte + 256).toString(16).slice(1)).join('');
  return hex.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}
