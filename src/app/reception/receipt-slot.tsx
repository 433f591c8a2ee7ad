import { useEffect, useState } from 'preact/hooks';
import type { ConsentReceipt } from '../../domain/consent/consent-receipt.ts';
import { loadSections } from '../i18n/i18n.tsx';
import type { ConsentReceiptView } from './consent-receipt.tsx';

/**
 * Issue 19 #4: the consent receipt, whose code (view, texts, the saved file) and strings (the
 * 'receipt' catalogue) load only at the end of a flow, not with the patient's first screen
 * (issue 7, 18: first-load budget).
 */
export function ReceiptSlot(props: { receipt: ConsentReceipt; token: string }) {
  const [View, setView] = useState<typeof ConsentReceiptView | null>(null);
  useEffect(() => {
    let live = true;
    void Promise.all([import('./consent-receipt.tsx'), loadSections('receipt')]).then(([m]) => live && setView(() => m.ConsentReceiptView));
    return () => {
      live = false;
    };
  }, []);
  return View ? <View {...props} /> : null;
}
