/**
 * Kana helpers for the declaration form's （フリガナ） (003 別添3, rule D4) and for comparing kana
 * names with the eligibility record, whose kana is half-width and may show small kana as large
 * (ｷｮｳｺ → ｷﾖｳｺ: 001 1-① lines 54–56; DOMAIN §6, rule E3).
 *
 * Every function first applies NFKC, which turns half-width katakana into full-width (ｶﾞ → ガ,
 * ｰ → ー) and full-width spaces into ordinary ones.
 */

const HIRAGANA_TO_KATAKANA_OFFSET = 0x60;

/** A kana letter: hiragana ぁ–ゖ, ゝゞ; katakana ァ–ヺ, ヽヾ; long vowel mark ー. */
const KANA_LETTER = /[\u3041-\u3096\u309D\u309E\u30A1-\u30FA\u30FC\u30FD\u30FE]/u;
/** Also allowed between letters: the middle dot (foreign names) and spaces (family / given name). */
const KANA_TEXT = /^[\u3041-\u3096\u309D\u309E\u30A1-\u30FA\u30FC\u30FD\u30FE\u30FB ]+$/u;

/**
 * D4: true when the text is written in kana only — hiragana or katakana, ー, ・ and spaces
 * (half- or full-width); half-width katakana counts. Needs at least one kana letter, so '' and
 * a lone space are not kana.
 */
export function isKana(text: string): boolean {
  const normalised = text.normalize('NFKC');
  return KANA_TEXT.test(normalised) && KANA_LETTER.test(normalised);
}

/** Hiragana to full-width katakana (after NFKC); everything else is left as it is. */
export function toKatakana(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u3041-\u3096\u309D\u309E]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + HIRAGANA_TO_KATAKANA_OFFSET));
}

/** Small katakana and their large forms (ァ→ア … ヶ→ケ, and the Ainu small kana ㇰ–ㇿ). */
const SMALL_TO_LARGE: Readonly<Record<string, string>> = {
  ァ: 'ア', ィ: 'イ', ゥ: 'ウ', ェ: 'エ', ォ: 'オ',
  ッ: 'ツ', ャ: 'ヤ', ュ: 'ユ', ョ: 'ヨ', ヮ: 'ワ', ヵ: 'カ', ヶ: 'ケ',
  ㇰ: 'ク', ㇱ: 'シ', ㇲ: 'ス', ㇳ: 'ト', ㇴ: 'ヌ', ㇵ: 'ハ', ㇶ: 'ヒ', ㇷ: 'フ',
  ㇸ: 'ヘ', ㇹ: 'ホ', ㇺ: 'ム', ㇻ: 'ラ', ㇼ: 'リ', ㇽ: 'ル', ㇾ: 'レ', ㇿ: 'ロ',
};

/**
 * A comparison key for kana names (E3): NFKC, katakana, small kana made large, and the
 * separators (spaces, ・) removed. ｷｮｳｺ, ｷﾖｳｺ, きょうこ and キョウ コ all give キヨウコ.
 * For comparing only; never store or show the key.
 */
export function normaliseKana(text: string): string {
  return toKatakana(text)
    .replace(/[\u30A1-\u30FA\u31F0-\u31FF]/gu, (c) => SMALL_TO_LARGE[c] ?? c)
    .replace(/[\s\u30FB]/gu, '');
}
