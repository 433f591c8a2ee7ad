import { DEMO_PIN, type DemoCardKind } from '../../../../domain/registration/card-simulator.ts';

export { DEMO_PIN };

/**
 * The demo My Number cards of the embedded card-app simulator (DOMAIN §10). Each card holds a
 * user certificate (利用者証明用電子証明書) issued by the test CA with `certSerial`; the card
 * itself knows no person — only the eligibility registry maps a certificate to a card holder.
 */
export interface DemoCard {
  id: string;
  label: { ja: string; en: string };
  /** The person in the embedded eligibility registry; null for a card not registered for insurance use. */
  personId: string | null;
  kind: DemoCardKind;
  /** The user certificate's serial: lowercase hex without leading zeros (see normalizeSerial). */
  certSerial: string;
}

// "JPKI" in hex plus a running number: deterministic, unique and positive as an ASN.1 INTEGER.
function serial(n: number): string {
  return `4a504b49${n.toString(16).padStart(4, '0')}`;
}

interface CardSpec {
  personId: string | null;
  kind: DemoCardKind;
  ja: string;
  en: string;
}

// Names as in the embedded registry (demo-persons.ts); the card itself carries none.
const NORMAL_CARDS: CardSpec[] = [
  { personId: 'p01', kind: 'normal', ja: '山田 花子（資格有効・社保）', en: 'Hanako Yamada (valid, employee insurance)' },
  { personId: 'p02', kind: 'normal', ja: '佐藤 健一（資格喪失）', en: 'Kenichi Sato (qualification lost)' },
  { personId: 'p03', kind: 'normal', ja: '鈴木 一郎（資格喪失・新しい資格あり）', en: 'Ichiro Suzuki (lost, a newer qualification exists)' },
  { personId: 'p04', kind: 'normal', ja: '該当資格なし', en: 'no qualification found' },
  { personId: 'p05', kind: 'normal', ja: '田中 昭二（医療扶助・有効（未登録））', en: 'Shoji Tanaka (medical aid, valid but unregistered)' },
  { personId: 'p06', kind: 'normal', ja: '木村 ハル（後期高齢者）', en: 'Haru Kimura (late-stage elderly insurance)' },
  { personId: 'p07', kind: 'normal', ja: '高橋 陽太（双子・枝番なし）', en: 'Yota Takahashi (twin, no branch number)' },
  { personId: 'p08', kind: 'normal', ja: '高橋 陽菜（双子・枝番なし）', en: 'Hina Takahashi (twin, no branch number)' },
  { personId: 'p09', kind: 'normal', ja: '伊藤 さくら（未就学児）', en: 'Sakura Ito (pre-school child)' },
  { personId: 'p10', kind: 'normal', ja: '中村 正男（負担割合と限度額区分が不整合）', en: 'Masao Nakamura (copay ratio and cost-limit category disagree)' },
  { personId: 'p11', kind: 'normal', ja: '林 雅人（交付日が同じ資格が複数）', en: 'Masato Hayashi (several qualifications with the same issue date)' },
  { personId: 'p12', kind: 'normal', ja: '●田 和夫（氏名・住所に●）', en: 'Kazuo ●ta (● in name and address)' },
  { personId: 'p13', kind: 'normal', ja: '小林 美和（カナ氏名が空欄）', en: 'Miwa Kobayashi (blank kana name)' },
  { personId: 'p14', kind: 'normal', ja: '加藤 恭子（小さいカナが大きく表示）', en: 'Kyoko Kato (small kana shown large)' },
  { personId: 'p16', kind: 'normal', ja: '斎藤 トシ子（3割なのに限度額区分が一般）', en: 'Toshiko Saito (30 % copay, yet a general cost-limit category)' },
  { personId: 'p17', kind: 'normal', ja: '森 清（医療扶助・社会保険状況の不整合）', en: 'Kiyoshi Mori (medical aid, social-insurance inconsistency)' },
];

function demoCards(): DemoCard[] {
  const cards: DemoCard[] = NORMAL_CARDS.map((spec, i) => {
    const nn = String(i + 1).padStart(2, '0');
    return {
      id: `card-${nn}`,
      label: { ja: `カード${nn} ${spec.ja}`, en: `Card ${nn} ${spec.en}` },
      personId: spec.personId,
      kind: spec.kind,
      certSerial: serial(i + 1),
    };
  });
  const special: Array<Omit<DemoCard, 'certSerial'>> = [
    {
      id: 'card-expired',
      label: { ja: '松本 直樹（電子証明書の有効期限切れ）', en: 'Naoki Matsumoto (user certificate expired)' },
      personId: 'p15',
      kind: 'expiredCertificate',
    },
    {
      id: 'card-face',
      label: { ja: '松本 直樹（顔認証マイナンバーカード・暗証番号なし）', en: 'Naoki Matsumoto (face-authentication-only card, no PIN)' },
      personId: 'p15',
      kind: 'faceAuthOnly',
    },
    {
      id: 'card-unregistered',
      label: { ja: '健康保険証として利用登録していないカード', en: 'Card not registered for health-insurance use' },
      personId: null,
      kind: 'notRegistered',
    },
    {
      id: 'card-revoked',
      label: { ja: '松本 直樹（電子証明書失効）', en: 'Naoki Matsumoto (user certificate revoked)' },
      personId: 'p15',
      kind: 'revoked',
    },
    {
      id: 'card-lock',
      label: { ja: '松本 直樹（暗証番号ロックの確認用）', en: 'Naoki Matsumoto (for trying the PIN lock)' },
      personId: 'p15',
      kind: 'normal',
    },
  ];
  special.forEach((card, i) => cards.push({ ...card, certSerial: serial(NORMAL_CARDS.length + i + 1) }));
  return cards;
}

export const DEMO_CARDS: readonly DemoCard[] = Object.freeze(demoCards());

export function findDemoCard(id: string): DemoCard | undefined {
  return DEMO_CARDS.find((card) => card.id === id);
}

/**
 * Certificate serial → person, for the embedded eligibility registry. A card not registered for
 * insurance use resolves to nobody (R2), so it is left out.
 */
export function cardHolderMap(): Map<string, string> {
  const map = new Map<string, string>();
  for (const card of DEMO_CARDS) {
    if (card.personId !== null && card.kind !== 'notRegistered') map.set(card.certSerial, card.personId);
  }
  return map;
}
