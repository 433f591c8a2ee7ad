/**
 * The Japanese message catalogue: every string the app shows, in one place. Japanese is the
 * default and the source of the keys; `en.ts` must provide every key (the type checks it).
 * `{name}` marks a value filled in at run time.
 */
export const ja = {
  'app.name': '在宅受付',
  'app.tagline': '訪問診療・往診・オンライン診療の資格確認と同意登録',
  'app.skipToContent': '本文へ移動',
  'lang.switchTo': 'English',
  'lang.switchLabel': 'Switch to English',
  'net.offline': 'オフラインです。通信が戻るまで、表示済みの画面をお使いいただけます。',

  'start.title': '在宅受付へようこそ',
  'start.lead':
    '訪問診療・往診・オンライン診療の前に、マイナンバーカードで健康保険の資格を確認し、診療に使う情報の提供に同意していただくためのサービスです。',
  'start.patient.title': '患者さん・ご家族の方',
  'start.patient.body':
    'かかっている医療機関から案内されたリンク、または二次元コード（QRコード）から開いてください。医療機関ごとに専用のページがあります。',
  'start.patient.card': 'マイナンバーカードと、4桁の暗証番号（利用者証明用）をご用意ください。',
  'start.staff.title': '訪問看護師・医療機関の職員の方',
  'start.staff.body':
    '医療機関のリンクをタブレットのホーム画面に追加しておくと、訪問先ですぐに開けます。リンクの発行や同意の管理は職員用ページで行います。',
  'start.staff.button': '職員用ページを開く',

  'staff.title': '職員用ページ',
  'staff.login.title': 'ログイン',
  'staff.login.loginId': 'ログインID',
  'staff.login.password': 'パスワード',
  'staff.login.submit': 'ログインする',
  'staff.login.submitting': 'ログインしています…',
  'staff.login.failed': 'ログインIDまたはパスワードが正しくありません。',
  'staff.login.required': '入力してください。',
  'staff.signedInAs': '{name}（{role}）でログイン中',
  'staff.logout': 'ログアウト',
  'staff.institution.title': '医療機関',
  'staff.institution.code': '医療機関コード',
  'staff.institution.link': '医療機関別リンク（患者さん・訪問用タブレット向け）',
  'staff.institution.copy': 'リンクをコピー',
  'staff.institution.copied': 'コピーしました',
  'staff.institution.copyFailed': 'コピーできませんでした。リンクを長押しして選択してください。',
  'staff.role.clerk': '受付',
  'staff.role.doctor': '医師・歯科医師',
  'staff.role.admin': '管理者',
  'staff.loading': '読み込んでいます…',

  'error.network': '通信できませんでした。電波の状態を確認して、もう一度お試しください。',
  'error.server': 'サーバーで問題が起きました。しばらくしてからもう一度お試しください。',

  'notFound.title': 'ページが見つかりません',
  'notFound.body': 'アドレスが正しいか確認してください。医療機関から案内されたリンクから開き直すこともできます。',
  'notFound.home': 'はじめのページへ',

  'update.message': '新しいバージョンがあります。',
  'update.apply': '更新する',
  'update.later': 'あとで',
} as const;

export type MessageKey = keyof typeof ja;
export type Messages = Record<MessageKey, string>;
