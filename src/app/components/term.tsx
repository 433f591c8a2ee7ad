import { useI18n } from '../i18n/i18n.tsx';

/**
 * Issue 16 §6: furigana on the hardest terms for patients aged 70+. The readings are kept per
 * word (easier to check against a dictionary) and shown whole over the term. They are
 * hidden from screen readers: they read the kanji themselves, and a heading's or button's
 * accessible name stays the term alone.
 */
const READINGS = {
  利用者証明用電子証明書: [['利用者', 'りようしゃ'], ['証明用', 'しょうめいよう'], ['電子', 'でんし'], ['証明書', 'しょうめいしょ']],
  特定疾病療養受療証: [['特定', 'とくてい'], ['疾病', 'しっぺい'], ['療養', 'りょうよう'], ['受療証', 'じゅりょうしょう']],
  限度額適用認定証: [['限度額', 'げんどがく'], ['適用', 'てきよう'], ['認定証', 'にんていしょう']],
  被保険者資格申立書: [['被保険者', 'ひほけんしゃ'], ['資格', 'しかく'], ['申立書', 'もうしたてしょ']],
} as const satisfies Record<string, readonly (readonly [string, string])[]>;

export type HardTerm = keyof typeof READINGS;
const TERMS = Object.keys(READINGS) as HardTerm[];
const TERM_PATTERN = new RegExp(`(${TERMS.join('|')})`);

/**
 * One hard term with its whole reading above it (Japanese only; English text has no such terms).
 * One ruby per term, not one per word: Chromium puts a space into the accessible name at each
 * ruby boundary, so a heading split into words would be named 「被保険者 資格 申立書」.
 */
export function Term({ word }: { word: HardTerm }) {
  return (
    <ruby class="term">
      {word}
      <rt aria-hidden="true">{READINGS[word].map(([, kana]) => kana).join('')}</rt>
    </ruby>
  );
}

/** A catalogue sentence with every hard term in it given its reading; other text as it is. */
export function WithTerms({ text }: { text: string }) {
  const { lang } = useI18n();
  if (lang !== 'ja' || !TERM_PATTERN.test(text)) return <>{text}</>;
  return <>{text.split(TERM_PATTERN).map((part, i) => (TERMS.includes(part as HardTerm) ? <Term key={i} word={part as HardTerm} /> : part))}</>;
}
