import { encode } from 'uqr';

/**
 * A QR code drawn as one SVG path (no inline styles, so the strict CSP holds). A quiet zone of
 * four modules keeps phone cameras happy.
 */
export function QrCode({ value, label, size = 280 }: { value: string; label: string; size?: number }) {
  const { data } = encode(value, { ecc: 'M', border: 4 });
  const modules = data.length;
  let d = '';
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    }),
  );
  return (
    <svg class="qr-code" role="img" aria-label={label} viewBox={`0 0 ${modules} ${modules}`} width={size} height={size} shape-rendering="crispEdges">
      <rect width={modules} height={modules} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
