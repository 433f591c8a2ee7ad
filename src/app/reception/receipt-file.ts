import type { ConsentReceipt } from '../../domain/consent/consent-receipt.ts';
import type { Lang } from '../i18n/i18n.tsx';
import type { ReceiptText } from './receipt-text.ts';

/**
 * The receipt the patient saves (issue 19 #4): one self-contained HTML file. A patient opens it
 * later on any phone or PC with the browser they already have — no app, no network, no script —
 * reads it in the language they used, and can print it on one A4 page. The receipt's data is in
 * it too, as JSON in a `<script type="application/json">` block (not run), for a program that
 * reads consent receipts. A bare JSON file would be unreadable to most patients; a PDF would
 * need a PDF library in the patient's bundle.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (text: string) => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

const STYLE = `
@page { size: A4; margin: 14mm; }
body { font-family: "Hiragino Sans", "Noto Sans JP", "Yu Gothic", sans-serif; color: #111; max-width: 44rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.05rem; margin: 1rem 0 .25rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
dt { font-weight: 600; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .25rem 0; }
th, td { border: 1px solid #999; padding: .2rem .5rem; text-align: left; }
.id { font-family: ui-monospace, monospace; font-size: 1.1em; letter-spacing: .05em; }
.refused { color: #555; }
p { margin: .4rem 0; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  .consents { display: grid; grid-template-columns: repeat(auto-fit, minmax(80mm, 1fr)); gap: 0 6mm; }
  .consent { break-inside: avoid; }
  h2 { margin-top: .5rem; }
  th, td { padding: .1rem .4rem; }
  p { margin: .25rem 0; }
}
`;

export function receiptHtml(receipt: ConsentReceipt, text: ReceiptText, lang: Lang): string {
  const fields = text.fields.map(([k, v], i) => `<dt>${esc(k)}</dt><dd${i === 0 ? ' class="id"' : ''}>${esc(v)}</dd>`).join('');
  const consents = text.consents
    .map(
      (c) => `<div class="consent"><h2>${esc(c.heading)}</h2>
<table><thead><tr><th>${esc(c.choiceHeader[0])}</th><th>${esc(c.choiceHeader[1])}</th></tr></thead><tbody>${c.choices
        .map((ch) => `<tr><td>${esc(ch.label)}</td><td${ch.granted ? '' : ' class="refused"'}>${esc(ch.answer)}</td></tr>`)
        .join('')}</tbody></table>
<dl>${c.terms.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></div>`,
    )
    .join('\n');
  // `<` is escaped inside the JSON so that no value can close the script element.
  const json = JSON.stringify(receipt, null, 2).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(text.title)} ${esc(receipt.receiptId)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(text.title)}</h1>
<p>${esc(text.lead)}</p>
<dl>${fields}</dl>
<p>${esc(text.purpose)}</p>
<div class="consents">
${consents}
</div>
${text.none ? `<p>${esc(text.none)}</p>` : ''}
${text.sensitive ? `<p>${esc(text.sensitive)}</p>` : ''}
<h2>${esc(text.withdrawalTitle)}</h2>
${text.withdrawal.map((w) => `<p>${esc(w)}</p>`).join('')}
<p>${esc(text.keep)}</p>
<script type="application/json" id="consent-receipt">${json}</script>
</body>
</html>
`;
}

export function receiptFileName(receipt: ConsentReceipt): string {
  return `consent-receipt-${receipt.receiptId}.html`;
}

/** Saves the file through a temporary link (no inline script: CSP-safe). */
export function saveReceiptFile(receipt: ConsentReceipt, text: ReceiptText, lang: Lang): void {
  const url = URL.createObjectURL(new Blob([receiptHtml(receipt, text, lang)], { type: 'text/html;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = receiptFileName(receipt);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
