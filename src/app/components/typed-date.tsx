import { useEffect, useState } from 'preact/hooks';
import type { parseDateText } from '../../domain/shared/date-text.ts';
import { formatEraDate } from '../../domain/shared/era.ts';
import { isJstDate } from '../../domain/shared/jst.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatDate } from '../reception/format.ts';

/*
 * The parser loads with the first date field on screen, not with the patient route: the route's
 * first load stays within its 40 KiB budget (tests/e2e/bundle-budget.spec.ts). Until it has loaded
 * (a few milliseconds, from the cache the service worker fills) a text is handed on as typed.
 */
let parse: typeof parseDateText | null = null;
let loading: Promise<void> | null = null;
function loadParser(): Promise<void> {
  loading ??= import('../../domain/shared/date-text.ts').then((module) => {
    parse = module.parseDateText;
  });
  return loading;
}

/** A stored value as the field shows it: a day in 和暦 (令和8年12月7日), anything else as it was typed. */
function shown(value: string | null): string {
  if (!value) return '';
  return isJstDate(value) ? (formatEraDate(value) ?? value) : value;
}

/** The day a text reads as (`YYYY-MM-DD`), or null. */
function dayOf(text: string): string | null {
  const parsed = parse?.(text);
  return parsed?.ok ? parsed.date : null;
}

/** What a typed text hands on: the day when it reads as one, else the text itself. */
function valueOf(text: string): string {
  return dayOf(text) ?? text.trim();
}

/**
 * A date typed as people write it (issue 16 #1): 令和8年12月7日, R8.12.7, S18/10/22, 2026-12-07 —
 * the one parser, `parseDateText`. The field keeps exactly what was typed. The value handed on is
 * the day when the text reads as one, else the text itself, so the form's own date check refuses
 * it with its message on submit and nothing typed is lost. `understood` is the day read, for the
 * line under the field that says how it was read.
 */
export function useTypedDate(value: string | null, onValue: (value: string) => void): { text: string; understood: string | null; onInput: (text: string) => void } {
  const [text, setText] = useState(() => shown(value));
  const [parserReady, setParserReady] = useState(parse !== null);
  useEffect(() => {
    if (!parserReady) void loadParser().then(() => setParserReady(true));
  }, []);
  // Once the parser is there, a text typed before it is read again.
  useEffect(() => {
    if (parserReady && text.trim() !== '' && valueOf(text) !== (value ?? '')) onValue(valueOf(text));
  }, [parserReady]);
  // A value set from outside (a restored draft, a reset form) replaces the text; our own does not.
  useEffect(() => {
    if ((value ?? '') !== valueOf(text)) setText(shown(value));
  }, [value]);
  return {
    text,
    understood: dayOf(text),
    onInput: (next: string) => {
      setText(next);
      onValue(valueOf(next));
    },
  };
}

/**
 * The line under a typed date saying how it was read, 「昭和18年10月22日（1943年） として受け付けます」,
 * so a slip (S18 for H18) is seen before it is sent; empty while the text is not a day yet.
 */
export function DateRead({ id, date }: { id: string; date: string | null }) {
  const { t, lang } = useI18n();
  return (
    <p class="date-understood" id={id} aria-live="polite" data-testid="date-understood">
      {date ? t('dateText.understood', { date: formatDate(date, lang) }) : ''}
    </p>
  );
}
