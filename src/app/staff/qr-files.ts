import { encode } from 'uqr';

/** The QR modules with a four-module quiet zone, as the on-screen QrCode draws them. */
function modules(value: string): boolean[][] {
  return encode(value, { ecc: 'M', border: 4 }).data;
}

/** A standalone SVG file of the QR code (black on white, one path), for print shops and documents. */
export function qrSvgFile(value: string): string {
  const data = modules(value);
  const size = data.length;
  let d = '';
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    }),
  );
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${size * 10}" height="${size * 10}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path d="${d}" fill="#000"/></svg>\n`
  );
}

/** A PNG of the QR code, `scale` pixels per module (sharp edges, no smoothing). */
export function qrPngBlob(value: string, scale = 16): Promise<Blob> {
  const data = modules(value);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = data.length * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('no 2d canvas'));
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#000';
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) ctx.fillRect(x * scale, y * scale, scale, scale);
    }),
  );
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no png'))), 'image/png'));
}

/** Saves a blob under a file name through a temporary link (no inline script, CSP-safe). */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
