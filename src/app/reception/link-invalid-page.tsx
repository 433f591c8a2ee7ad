import { ja } from '../i18n/ja.ts';
import { linkInvalidEn as en } from '../i18n/link-invalid-en.ts';

/**
 * An unknown or reissued institution link. Shown in Japanese and English at once: whoever
 * scanned an old poster may not find a language switch helpful at this point.
 */
export function LinkInvalidPage() {
  return (
    <section class="link-invalid" aria-labelledby="link-invalid-ja">
      <div lang="ja">
        <h1 id="link-invalid-ja">{ja['link.invalid.title']}</h1>
        <p>{ja['link.invalid.body']}</p>
      </div>
      <div lang="en">
        <h2>{en['link.invalid.title']}</h2>
        <p>{en['link.invalid.body']}</p>
      </div>
    </section>
  );
}
