/**
 * Furigana on the hardest terms a patient meets (issue 16 §6): wherever one of them appears in a
 * text, it is drawn as <ruby> with its reading. The reading is hidden from screen readers (they
 * read the kanji themselves, and the accessible name stays the term alone).
 */
const READINGS: Readonly<Record<string, string>> = {
  利用者証明用電子証明書: 'りようしゃしょうめいようでんししょうめいしょ',
  特定疾病療養受療証: 'とくていしっぺいりょうようじゅりょうしょう',
  限度額適用認定証: 'げんどがくてきようにんていしょう',
  被保険者資格申立書: 'ひほけんしゃしかくもうしたてしょ',
};

const TERMS = new RegExp(`(${Object.keys(READINGS).join('|')})`, 'u');

/** The text, with furigana over each hard term in it. */
export function RubyText({ text }: { text: string }) {
  const parts = text.split(TERMS);
  if (parts.length === 1) return <>{text}</>;
  return (
    <>
      {parts.map((part, i) => {
        const reading = READINGS[part];
        return reading ? (
          <ruby key={i} class="term-ruby">
            {part}
            <rt aria-hidden="true">{reading}</rt>
          </ruby>
        ) : (
          part
        );
      })}
    </>
  );
}
