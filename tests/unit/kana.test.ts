import { describe, expect, it } from 'vitest';
import { isKana, normaliseKana, toKatakana } from '../../src/domain/shared/kana.ts';

describe('furigana must be kana (the form\'s name-and-furigana field, DOMAIN §8; not a numbered rule)', () => {
  it('hiragana, katakana, ー, ・ and spaces (full- and half-width) are kana', () => {
    expect(isKana('やまだ たろう')).toBe(true);
    expect(isKana('ヤマダ　タロウ')).toBe(true);
    expect(isKana('スミス・ジョーン')).toBe(true);
    expect(isKana('ゔぁいおりん')).toBe(true);
    expect(isKana('ヴァイオリン')).toBe(true);
    expect(isKana('いすゞ')).toBe(true);
  });

  it('half-width katakana counts, after NFKC (ｶﾞ is one letter)', () => {
    expect(isKana('ﾔﾏﾀﾞ ﾀﾛｰ')).toBe(true);
    expect(isKana('ｷｮｳｺ')).toBe(true);
  });

  it('kanji, Latin letters, digits and blanks are not kana', () => {
    expect(isKana('山田')).toBe(false);
    expect(isKana('やまだ太郎')).toBe(false);
    expect(isKana('Yamada')).toBe(false);
    expect(isKana('ヤマダ1')).toBe(false);
    expect(isKana('')).toBe(false);
    expect(isKana('　')).toBe(false);
    expect(isKana('・')).toBe(false);
  });
});

describe('kana conversions', () => {
  it('toKatakana turns hiragana and half-width katakana into full-width katakana', () => {
    expect(toKatakana('やまだ たろう')).toBe('ヤマダ タロウ');
    expect(toKatakana('ﾔﾏﾀﾞ')).toBe('ヤマダ');
    expect(toKatakana('ゝゞ')).toBe('ヽヾ');
    expect(toKatakana('ゔ')).toBe('ヴ');
    expect(toKatakana('山田')).toBe('山田');
  });

  it('E3: normaliseKana makes ｷｮｳｺ and ｷﾖｳｺ (small kana shown large) compare equal', () => {
    expect(normaliseKana('ｷｮｳｺ')).toBe(normaliseKana('ｷﾖｳｺ'));
    expect(normaliseKana('きょうこ')).toBe('キヨウコ');
    expect(normaliseKana('キョウ　コ')).toBe('キヨウコ');
  });

  it('E3: normaliseKana folds every small kana and drops separators', () => {
    expect(normaliseKana('ァィゥェォッャュョヮヵヶ')).toBe('アイウエオツヤユヨワカケ');
    expect(normaliseKana('ぁぃぅぇぉっゃゅょゎ')).toBe('アイウエオツヤユヨワ');
    expect(normaliseKana('ｧｨｩｪｫｯｬｭｮ')).toBe('アイウエオツヤユヨ');
    expect(normaliseKana('ㇰㇱㇲ')).toBe('クシス');
    expect(normaliseKana('ジョン・スミス')).toBe(normaliseKana('ｼﾞﾖﾝ ｽﾐｽ'));
  });

  it('E3: different names stay different (voiced marks and long vowels are kept)', () => {
    expect(normaliseKana('サトウ')).not.toBe(normaliseKana('サドウ'));
    expect(normaliseKana('ユウコ')).not.toBe(normaliseKana('ユーコ'));
  });
});
