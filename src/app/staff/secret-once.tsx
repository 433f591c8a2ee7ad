import { useEffect, useRef, useState } from 'preact/hooks';

/** The words of a secret shown once, in the page's language. */
export interface SecretOnceTexts {
  title: string;
  warning: string;
  label: string;
  copy: string;
  copied: string;
  copyFallback: string;
  done: string;
  /** How the secret is used, under the copy button (optional). */
  hint?: string;
}

/**
 * A secret shown this once (an API client's, a webhook's signing secret): a warning, the secret in
 * a read-only field, and a copy button. The heading takes the focus when a new secret appears.
 * `id` names the field and the section's class (`<id>` and `<id>-title`).
 */
export function SecretOnce({ id, secret, texts, onDone }: { id: string; secret: string; texts: SecretOnceTexts; onDone: () => void }) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'fallback'>('idle');
  const input = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, [secret]);

  async function copySecret() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      // Clipboard refused (permissions, http): select the text for a manual copy.
      input.current?.focus();
      input.current?.select();
      setCopy('fallback');
    }
  }

  return (
    <section class={`card ${id}`} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} tabIndex={-1} ref={heading}>
        {texts.title}
      </h2>
      <p class="message warning">
        <strong>{texts.warning}</strong>
      </p>
      <label for={id}>{texts.label}</label>
      <input id={id} class="link-input" ref={input} type="text" readOnly value={secret} spellcheck={false} autocomplete="off" onFocus={(e) => e.currentTarget.select()} />
      <div class="button-row">
        <button type="button" class="button primary" onClick={() => void copySecret()}>
          {texts.copy}
        </button>
      </div>
      {copy === 'copied' && (
        <p class="message success" role="status">
          {texts.copied}
        </p>
      )}
      {copy === 'fallback' && (
        <p class="message" role="status">
          {texts.copyFallback}
        </p>
      )}
      {texts.hint && <p class="hint">{texts.hint}</p>}
      <div class="button-row">
        <button type="button" class="button" onClick={onDone}>
          {texts.done}
        </button>
      </div>
    </section>
  );
}
