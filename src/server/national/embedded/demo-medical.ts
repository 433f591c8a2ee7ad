import type {
  CheckupEntry,
  ClinicalEntry,
  DispensingEntry,
  MedicalInformation,
  MedicationEntry,
  SurgeryEntry,
} from '../../../domain/consent/clinical.ts';
import { jstDate } from '../../../domain/shared/jst.ts';

/**
 * The embedded registry's medical records (薬剤情報, 処方・調剤情報, 診療情報, 手術情報,
 * 特定健診情報) for the demo persons: fictional, but shaped like what the national service
 * returns for a person with that history. Dates are days before `asOf` (Japan date), so recent
 * prescriptions stay recent; each list is newest first.
 */

type Ago<T> = Omit<T, 'dispensedOn' | 'prescribedOn' | 'date'> & { daysAgo: number };

interface Profile {
  medication: Array<Ago<MedicationEntry>>;
  dispensing: Array<Ago<DispensingEntry> & { dispensedDaysLater: number | null }>;
  clinical: Array<Ago<ClinicalEntry>>;
  surgery: Array<Ago<SurgeryEntry>>;
  checkup: Array<Ago<CheckupEntry>>;
}

const EMPTY: Profile = { medication: [], dispensing: [], clinical: [], surgery: [], checkup: [] };

const PHARMACY_SHINJUKU = 'みどり薬局 北新宿店';
const PHARMACY_NERIMA = 'さくら調剤薬局 練馬店';
const PHARMACY_SETAGAYA = 'あおば薬局 経堂店';
const CLINIC_HOME = 'デモ在宅クリニック';
const HOSPITAL = '東京中央総合病院';
const KIDNEY_CLINIC = '新宿腎クリニック';

/** A person with type 2 diabetes, hypertension and dyslipidaemia (p10, p12). */
function diabetesProfile(pharmacy: string, hba1c: number): Profile {
  return {
    medication: [
      { daysAgo: 12, drugName: 'メトホルミン塩酸塩錠250mg', dose: '1回2錠 1日2回 朝夕食後', days: 28, dispensedBy: pharmacy },
      { daysAgo: 12, drugName: 'シタグリプチン錠50mg', dose: '1回1錠 1日1回 朝食後', days: 28, dispensedBy: pharmacy },
      { daysAgo: 12, drugName: 'アムロジピン錠5mg', dose: '1回1錠 1日1回 朝食後', days: 28, dispensedBy: pharmacy },
      { daysAgo: 12, drugName: 'ロスバスタチン錠2.5mg', dose: '1回1錠 1日1回 夕食後', days: 28, dispensedBy: pharmacy },
      { daysAgo: 40, drugName: 'メトホルミン塩酸塩錠250mg', dose: '1回2錠 1日2回 朝夕食後', days: 28, dispensedBy: pharmacy },
      { daysAgo: 40, drugName: 'シタグリプチン錠50mg', dose: '1回1錠 1日1回 朝食後', days: 28, dispensedBy: pharmacy },
    ],
    dispensing: [
      { daysAgo: 12, prescribedBy: CLINIC_HOME, drugName: 'メトホルミン塩酸塩錠250mg', dose: '1回2錠 1日2回 朝夕食後', days: 28, dispensedDaysLater: 0, pharmacy },
    ],
    clinical: [
      { daysAgo: 12, institution: CLINIC_HOME, kind: 'diagnosis', name: '2型糖尿病' },
      { daysAgo: 12, institution: CLINIC_HOME, kind: 'diagnosis', name: '本態性高血圧症' },
      { daysAgo: 12, institution: CLINIC_HOME, kind: 'diagnosis', name: '脂質異常症' },
      { daysAgo: 12, institution: CLINIC_HOME, kind: 'procedure', name: 'HbA1c測定' },
      { daysAgo: 95, institution: HOSPITAL, kind: 'procedure', name: '眼底検査' },
    ],
    surgery: [],
    checkup: [
      { daysAgo: 160, institution: HOSPITAL, heightCm: 165.2, weightKg: 71.8, bmi: 26.3, waistCm: 92, systolic: 142, diastolic: 86, hba1c, ldl: 128, hdl: 44, triglycerides: 176, judgment: '要医療' },
      { daysAgo: 525, institution: HOSPITAL, heightCm: 165.4, weightKg: 73.0, bmi: 26.7, waistCm: 94, systolic: 148, diastolic: 90, hba1c: hba1c + 0.4, ldl: 141, hdl: 42, triglycerides: 190, judgment: '要医療' },
    ],
  };
}

/** Per demo person id; a person missing here (no qualification, p04) has no records. */
const PROFILES: Record<string, Profile> = {
  // 40s, haemodialysis for chronic kidney failure (matches p01's 特定疾病).
  p01: {
    medication: [
      { daysAgo: 6, drugName: '炭酸ランタンOD錠250mg', dose: '1回1錠 1日3回 毎食直後', days: 14, dispensedBy: PHARMACY_SHINJUKU },
      { daysAgo: 6, drugName: 'シナカルセト錠25mg', dose: '1回1錠 1日1回 夕食後', days: 14, dispensedBy: PHARMACY_SHINJUKU },
      { daysAgo: 6, drugName: 'アムロジピン錠5mg', dose: '1回1錠 1日1回 朝食後', days: 14, dispensedBy: PHARMACY_SHINJUKU },
      { daysAgo: 3, drugName: 'ダルベポエチン アルファ注20μgシリンジ', dose: '週1回 透析時 静注', days: 1, dispensedBy: KIDNEY_CLINIC },
      { daysAgo: 20, drugName: '炭酸ランタンOD錠250mg', dose: '1回1錠 1日3回 毎食直後', days: 14, dispensedBy: PHARMACY_SHINJUKU },
      { daysAgo: 20, drugName: 'シナカルセト錠25mg', dose: '1回1錠 1日1回 夕食後', days: 14, dispensedBy: PHARMACY_SHINJUKU },
    ],
    dispensing: [
      { daysAgo: 6, prescribedBy: KIDNEY_CLINIC, drugName: '炭酸ランタンOD錠250mg', dose: '1回1錠 1日3回 毎食直後', days: 14, dispensedDaysLater: 0, pharmacy: PHARMACY_SHINJUKU },
      { daysAgo: 1, prescribedBy: KIDNEY_CLINIC, drugName: 'シナカルセト錠25mg', dose: '1回1錠 1日1回 夕食後', days: 14, dispensedDaysLater: null, pharmacy: null },
    ],
    clinical: [
      { daysAgo: 3, institution: KIDNEY_CLINIC, kind: 'diagnosis', name: '慢性腎不全' },
      { daysAgo: 3, institution: KIDNEY_CLINIC, kind: 'diagnosis', name: '腎性貧血' },
      { daysAgo: 3, institution: KIDNEY_CLINIC, kind: 'diagnosis', name: '二次性副甲状腺機能亢進症' },
      { daysAgo: 3, institution: KIDNEY_CLINIC, kind: 'procedure', name: '人工腎臓（慢性維持透析）' },
      { daysAgo: 30, institution: KIDNEY_CLINIC, kind: 'procedure', name: '胸部単純X線撮影' },
    ],
    surgery: [{ daysAgo: 1900, institution: HOSPITAL, name: '内シャント設置術' }],
    checkup: [
      { daysAgo: 210, institution: HOSPITAL, heightCm: 158.1, weightKg: 52.4, bmi: 21.0, waistCm: 74, systolic: 138, diastolic: 82, hba1c: 5.4, ldl: 102, hdl: 55, triglycerides: 118, judgment: '要医療' },
    ],
  },
  // Lost qualification, but history remains.
  p02: {
    ...EMPTY,
    medication: [{ daysAgo: 50, drugName: 'ロキソプロフェンナトリウム錠60mg', dose: '1回1錠 疼痛時', days: 10, dispensedBy: PHARMACY_SETAGAYA }],
    clinical: [{ daysAgo: 50, institution: HOSPITAL, kind: 'diagnosis', name: '腰部脊柱管狭窄症' }],
  },
  p03: {
    ...EMPTY,
    medication: [{ daysAgo: 33, drugName: 'ランソプラゾールOD錠15mg', dose: '1回1錠 1日1回 朝食後', days: 28, dispensedBy: PHARMACY_SETAGAYA }],
    clinical: [{ daysAgo: 33, institution: HOSPITAL, kind: 'diagnosis', name: '逆流性食道炎' }],
  },
  p05: {
    ...EMPTY,
    medication: [{ daysAgo: 15, drugName: 'テルミサルタン錠40mg', dose: '1回1錠 1日1回 朝食後', days: 30, dispensedBy: PHARMACY_NERIMA }],
    clinical: [{ daysAgo: 15, institution: CLINIC_HOME, kind: 'diagnosis', name: '本態性高血圧症' }],
  },
  // 80s, late-stage elderly insurance: dementia, hypertension, osteoporosis after a hip fracture.
  p06: {
    medication: [
      { daysAgo: 9, drugName: 'ドネペジル塩酸塩OD錠5mg', dose: '1回1錠 1日1回 朝食後', days: 28, dispensedBy: PHARMACY_NERIMA },
      { daysAgo: 9, drugName: 'アムロジピン錠2.5mg', dose: '1回1錠 1日1回 朝食後', days: 28, dispensedBy: PHARMACY_NERIMA },
      { daysAgo: 9, drugName: 'エルデカルシトールカプセル0.75μg', dose: '1回1カプセル 1日1回 朝食後', days: 28, dispensedBy: PHARMACY_NERIMA },
      { daysAgo: 9, drugName: '酸化マグネシウム錠330mg', dose: '1回1錠 1日3回 毎食後', days: 28, dispensedBy: PHARMACY_NERIMA },
      { daysAgo: 37, drugName: 'ドネペジル塩酸塩OD錠5mg', dose: '1回1錠 1日1回 朝食後', days: 28, dispensedBy: PHARMACY_NERIMA },
    ],
    dispensing: [],
    clinical: [
      { daysAgo: 9, institution: CLINIC_HOME, kind: 'diagnosis', name: 'アルツハイマー型認知症' },
      { daysAgo: 9, institution: CLINIC_HOME, kind: 'diagnosis', name: '本態性高血圧症' },
      { daysAgo: 9, institution: CLINIC_HOME, kind: 'diagnosis', name: '骨粗鬆症' },
      { daysAgo: 9, institution: CLINIC_HOME, kind: 'procedure', name: '在宅時医学総合管理' },
    ],
    surgery: [{ daysAgo: 700, institution: HOSPITAL, name: '人工骨頭挿入術（股関節）' }],
    checkup: [],
  },
  p07: { ...EMPTY, medication: [{ daysAgo: 70, drugName: 'モンテルカスト錠5mg', dose: '1回1錠 1日1回 就寝前', days: 28, dispensedBy: PHARMACY_SETAGAYA }], clinical: [{ daysAgo: 70, institution: HOSPITAL, kind: 'diagnosis', name: '気管支喘息' }] },
  p08: { ...EMPTY, medication: [{ daysAgo: 120, drugName: 'フェキソフェナジン塩酸塩錠60mg', dose: '1回1錠 1日2回 朝夕食後', days: 14, dispensedBy: PHARMACY_SETAGAYA }], clinical: [{ daysAgo: 120, institution: HOSPITAL, kind: 'diagnosis', name: 'アレルギー性鼻炎' }] },
  p09: {
    ...EMPTY,
    medication: [{ daysAgo: 4, drugName: 'カルボシステインシロップ5%', dose: '1日3回 毎食後 1回3mL', days: 5, dispensedBy: PHARMACY_NERIMA }],
    clinical: [{ daysAgo: 4, institution: CLINIC_HOME, kind: 'diagnosis', name: '急性上気道炎' }],
  },
  p10: diabetesProfile(PHARMACY_NERIMA, 7.4),
  p11: {
    ...EMPTY,
    medication: [{ daysAgo: 21, drugName: 'エスシタロプラム錠10mg', dose: '1回1錠 1日1回 夕食後', days: 28, dispensedBy: PHARMACY_SETAGAYA }],
    clinical: [{ daysAgo: 21, institution: HOSPITAL, kind: 'diagnosis', name: 'うつ病' }],
    checkup: [
      { daysAgo: 300, institution: HOSPITAL, heightCm: 172.0, weightKg: 68.0, bmi: 23.0, waistCm: 82, systolic: 124, diastolic: 78, hba1c: 5.5, ldl: 118, hdl: 58, triglycerides: 96, judgment: '異常なし' },
    ],
  },
  p12: diabetesProfile(PHARMACY_SETAGAYA, 6.8),
  p13: { ...EMPTY, medication: [{ daysAgo: 45, drugName: 'レボチロキシンナトリウム錠50μg', dose: '1回1錠 1日1回 朝食前', days: 56, dispensedBy: PHARMACY_NERIMA }], clinical: [{ daysAgo: 45, institution: HOSPITAL, kind: 'diagnosis', name: '甲状腺機能低下症' }] },
  p14: {
    ...EMPTY,
    medication: [
      { daysAgo: 18, drugName: 'アナストロゾール錠1mg', dose: '1回1錠 1日1回 朝食後', days: 28, dispensedBy: PHARMACY_SHINJUKU },
      { daysAgo: 18, drugName: 'デノスマブ皮下注60mgシリンジ', dose: '6か月に1回 皮下注', days: 1, dispensedBy: HOSPITAL },
    ],
    clinical: [
      { daysAgo: 18, institution: HOSPITAL, kind: 'diagnosis', name: '乳癌（術後）' },
      { daysAgo: 18, institution: HOSPITAL, kind: 'procedure', name: '骨塩定量検査' },
    ],
    surgery: [{ daysAgo: 1300, institution: HOSPITAL, name: '乳房部分切除術' }],
    checkup: [
      { daysAgo: 250, institution: HOSPITAL, heightCm: 154.5, weightKg: 49.9, bmi: 20.9, waistCm: 71, systolic: 118, diastolic: 72, hba1c: 5.6, ldl: 146, hdl: 66, triglycerides: 88, judgment: '要経過観察' },
    ],
  },
  // 40s, hypertension found at a checkup.
  p15: {
    medication: [
      { daysAgo: 14, drugName: 'テルミサルタン錠40mg', dose: '1回1錠 1日1回 朝食後', days: 30, dispensedBy: PHARMACY_SHINJUKU },
      { daysAgo: 44, drugName: 'テルミサルタン錠20mg', dose: '1回1錠 1日1回 朝食後', days: 30, dispensedBy: PHARMACY_SHINJUKU },
    ],
    dispensing: [],
    clinical: [{ daysAgo: 14, institution: CLINIC_HOME, kind: 'diagnosis', name: '本態性高血圧症' }],
    surgery: [],
    checkup: [
      { daysAgo: 90, institution: HOSPITAL, heightCm: 176.3, weightKg: 82.1, bmi: 26.4, waistCm: 91, systolic: 156, diastolic: 98, hba1c: 5.8, ldl: 152, hdl: 47, triglycerides: 162, judgment: '要医療' },
    ],
  },
};

function daysBefore(today: string, days: number): string {
  const [y, m, d] = today.split('-').map(Number);
  return new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) - days)).toISOString().slice(0, 10);
}

/** Everything the registry holds for a person as of `asOf`; the adapter filters by scope. */
export function demoMedicalInformation(personId: string, asOf: Date): MedicalInformation {
  const p = PROFILES[personId] ?? EMPTY;
  const today = jstDate(asOf);
  const on = (daysAgo: number) => daysBefore(today, daysAgo);
  const newestFirst = <T extends { daysAgo: number }>(list: T[]) => [...list].sort((a, b) => a.daysAgo - b.daysAgo);
  return {
    medication: newestFirst(p.medication).map(({ daysAgo, ...e }) => ({ dispensedOn: on(daysAgo), ...e })),
    dispensing: newestFirst(p.dispensing).map(({ daysAgo, dispensedDaysLater, ...e }) => ({
      prescribedOn: on(daysAgo),
      ...e,
      dispensedOn: dispensedDaysLater === null ? null : on(daysAgo - dispensedDaysLater),
    })),
    clinical: newestFirst(p.clinical).map(({ daysAgo, ...e }) => ({ date: on(daysAgo), ...e })),
    surgery: newestFirst(p.surgery).map(({ daysAgo, ...e }) => ({ date: on(daysAgo), ...e })),
    checkup: newestFirst(p.checkup).map(({ daysAgo, ...e }) => ({ date: on(daysAgo), ...e })),
  };
}
