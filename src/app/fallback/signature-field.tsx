import { useEffect, useRef } from 'preact/hooks';
import SignaturePad from 'signature_pad';
import { SIGNATURE_MAX_CHARS } from '../../domain/declaration/declaration-schema.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** The drawing's pixels per CSS pixel: sharp on a tablet, small enough for SIGNATURE_MAX_CHARS. */
const MAX_RATIO = 2;

/**
 * A PNG of the drawing that fits SIGNATURE_MAX_CHARS: the canvas itself, or a copy at a lower
 * resolution when a long, dense signature would be too large.
 */
function pngWithinLimit(canvas: HTMLCanvasElement, pad: SignaturePad): string | null {
  let url = pad.toDataURL('image/png');
  for (let scale = 0.75; url.length > SIGNATURE_MAX_CHARS && scale >= 0.25; scale -= 0.25) {
    const copy = document.createElement('canvas');
    copy.width = Math.max(1, Math.round(canvas.width * scale));
    copy.height = Math.max(1, Math.round(canvas.height * scale));
    const ctx = copy.getContext('2d');
    if (!ctx) return null;
    ctx.drawImage(canvas, 0, 0, copy.width, copy.height);
    url = copy.toDataURL('image/png');
  }
  return url.length <= SIGNATURE_MAX_CHARS ? url : null;
}

/**
 * 署名: drawn with a finger or pen (signature_pad). The PNG is kept in the draft after every stroke
 * and drawn back when the form is restored or the canvas changes size. signature_pad sets the
 * canvas's touch-action through the CSSOM, which the CSP allows (no inline style attribute).
 */
export function SignatureField({
  value,
  onChange,
  labelId,
  describedBy,
  invalid,
}: {
  value: string | null;
  onChange: (value: string | null) => void;
  labelId: string;
  describedBy: string;
  invalid: boolean;
}) {
  const { t } = useI18n();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const padRef = useRef<SignaturePad | null>(null);
  const valueRef = useRef(value);
  valueRef.current = value;
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const pad = new SignaturePad(canvas, { penColor: '#111', minWidth: 1, maxWidth: 3, backgroundColor: 'rgba(0,0,0,0)' });
    padRef.current = pad;

    // Sizing the canvas clears it, so the saved drawing is put back afterwards.
    const fit = () => {
      const ratio = Math.min(window.devicePixelRatio || 1, MAX_RATIO);
      const width = canvas.offsetWidth;
      const height = canvas.offsetHeight;
      if (width === 0 || height === 0) return;
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.getContext('2d')?.scale(ratio, ratio);
      pad.clear();
      const saved = valueRef.current;
      if (saved) void pad.fromDataURL(saved, { ratio, width, height }).catch(() => undefined);
    };
    fit();
    let lastWidth = canvas.offsetWidth;
    const observer = new ResizeObserver(() => {
      if (canvas.offsetWidth === lastWidth) return;
      lastWidth = canvas.offsetWidth;
      fit();
    });
    observer.observe(canvas);

    const onEnd = () => {
      if (pad.isEmpty()) return;
      onChangeRef.current(pngWithinLimit(canvas, pad));
    };
    pad.addEventListener('endStroke', onEnd);
    return () => {
      observer.disconnect();
      pad.removeEventListener('endStroke', onEnd);
      pad.off();
      padRef.current = null;
    };
  }, []);

  // A value restored after the pad was set up (the draft loads asynchronously) is drawn in.
  useEffect(() => {
    const pad = padRef.current;
    const canvas = canvasRef.current;
    if (!pad || !canvas || !value || !pad.isEmpty()) return;
    const ratio = Math.min(window.devicePixelRatio || 1, MAX_RATIO);
    void pad.fromDataURL(value, { ratio, width: canvas.offsetWidth, height: canvas.offsetHeight }).catch(() => undefined);
  }, [value]);

  const clear = () => {
    padRef.current?.clear();
    onChange(null);
  };

  return (
    <div class="fb-signature">
      <canvas
        ref={canvasRef}
        class={`fb-signature-canvas${invalid ? ' invalid' : ''}`}
        role="img"
        aria-labelledby={labelId}
        aria-describedby={describedBy}
        data-testid="signature-canvas"
      />
      <div class="fb-signature-bar">
        <span class="fb-signature-state" aria-live="polite">
          {value ? t('fb.sig.signed') : t('fb.sig.empty')}
        </span>
        <button type="button" class="button" onClick={clear} disabled={!value}>
          {t('fb.sig.clear')}
        </button>
      </div>
    </div>
  );
}
