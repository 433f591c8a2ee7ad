import type { EligibilityRecord, QualificationCandidate } from '../../../domain/registration/eligibility.ts';
import { jstDate } from '../../../domain/shared/jst.ts';

/**
 * The embedded registry's demo persons: fictional people, plausible insurers (insurer numbers
 * carry a valid check digit), one person per case the screens must handle (DOMAIN §6, E2–E7).
 * Age-sensitive dates are computed from `asOf`, so the pre-school child stays pre-school and the
 * 70–74 person stays 70–74; the other dates are fixed in the past.
 */

/** Fields of the person (基本情報); the rest of a record comes from the selected qualification. */
export type PersonField =
  | 'name'
  | 'nameKana'
  | 'nameOther'
  | 'nameKanaOther'
  | 'sex1'
  | 'sex2'
  | 'dateOfBirth'
  | 'address'
  | 'postalCode'
  | 'preSchool';

/** One qualification (資格) as the registry stores it; E5 chooses among them. */
export type DemoQualification = QualificationCandidate &
  Omit<EligibilityRecord, 'status' | 'referenceNumber' | PersonField>;

export type DemoPerson = Pick<EligibilityRecord, 'status' | PersonField> & {
  personId: string;
  qualifications: DemoQualification[];
};

export const DEMO_PERSON_IDS = [
  'p01', 'p02', 'p03', 'p04', 'p05', 'p06', 'p07', 'p08',
  'p09', 'p10', 'p11', 'p12', 'p13', 'p14', 'p15', 'p16', 'p17',
] as const;

// Calendar arithmetic on 'YYYY-MM-DD' in UTC, which has no DST, so a day is always a day.
function fromParts(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}
function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y ?? 0, m ?? 1, d ?? 1];
}
function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return fromParts(y, m, d + days);
}
function addYears(date: string, years: number): string {
  const [y, m, d] = parts(date);
  return fromParts(y + years, m, d);
}
function firstOfMonth(date: string): string {
  const [y, m] = parts(date);
  return fromParts(y, m, 1);
}
/** A birth date that makes the person exactly `age` on `today` (never on a birthday edge). */
function bornAged(today: string, age: number): string {
  return addDays(addYears(today, -age), -45);
}
/** Cost-limit and elderly-recipient certificates run from 1 August to 31 July. */
function certificateYear(today: string): { from: string; to: string } {
  const [y, m] = parts(today);
  const startYear = m >= 8 ? y : y - 1;
  return { from: fromParts(startYear, 8, 1), to: fromParts(startYear + 1, 7, 31) };
}
/** 高齢受給者証 applies from the month after the 70th birthday (the birth month if born on the 1st). */
function elderlyRecipientStart(dateOfBirth: string): string {
  const seventieth = addYears(dateOfBirth, 70);
  const [y, m, d] = parts(seventieth);
  return d === 1 ? seventieth : fromParts(y, m + 1, 1);
}

/** A qualification with everything blank except what the caller sets. */
function qualification(
  fields: Pick<DemoQualification, 'cardType' | 'insurerNumber' | 'insurerName' | 'number'> & Partial<DemoQualification>,
): DemoQualification {
  return {
    medicalAid: false,
    municipalNhi: false,
    symbol: '',
    branch: '',
    relationship: 'insured',
    insuredPersonName: '',
    cardValidFrom: null,
    cardValidTo: null,
    cardIssuedOn: null,
    copayRatio: null,
    qualificationAcquiredOn: null,
    qualificationLostOn: null,
    lossReason: null,
    elderlyRecipient: null,
    costLimit: null,
    specificDisease: null,
    medicalAidTicket: null,
    medicalAidSocialInsuranceInconsistent: false,
    ...fields,
  };
}

const KYOKAI_TOKYO = { insurerNumber: '01130012', insurerName: '全国健康保険協会東京支部' };

/** The demo persons as they stand on `asOf` (Japan date). */
export function demoPersons(asOf: Date): DemoPerson[] {
  const today = jstDate(asOf);
  const certYear = certificateYear(today);
  const person = (
    fields: Pick<DemoPerson, 'personId' | 'status' | 'name' | 'nameKana' | 'sex1' | 'dateOfBirth' | 'address' | 'postalCode'> &
      Partial<DemoPerson>,
  ): DemoPerson => ({ nameOther: '', nameKanaOther: '', sex2: null, preSchool: false, qualifications: [], ...fields });

  const p06Born = bornAged(today, 83);
  const p06Since = addYears(p06Born, 75);
  const p09Born = bornAged(today, 3);
  const p10Born = bornAged(today, 72);
  const p16Born = bornAged(today, 73);
  const twins = {
    status: 'valid',
    dateOfBirth: '2011-08-19',
    address: '東京都港区芝浦四丁目12番3-805号',
    postalCode: '108-0023',
  } as const;
  const twinsQualification = qualification({
    cardType: 'general',
    insurerNumber: '06132583',
    insurerName: 'みなと物産健康保険組合',
    symbol: '52',
    number: '3187',
    branch: '', // issued before 枝番 existed: only insurance numbers and birth date tell the twins apart (Q5)
    relationship: 'dependent',
    insuredPersonName: '高橋　誠',
    cardValidFrom: '2011-09-01',
    cardIssuedOn: '2011-09-05',
    qualificationAcquiredOn: '2011-08-19',
  });

  return [
    person({
      personId: 'p01',
      status: 'valid',
      name: '山田　花子',
      nameKana: 'ﾔﾏﾀﾞ ﾊﾅｺ',
      sex1: 'female',
      dateOfBirth: '1986-06-14',
      address: '東京都新宿区北新宿二丁目14番6号',
      postalCode: '169-0074',
      qualifications: [
        qualification({
          cardType: 'general',
          ...KYOKAI_TOKYO,
          symbol: '31150617',
          number: '1042',
          branch: '00',
          insuredPersonName: '山田　花子',
          cardValidFrom: '2012-04-01',
          cardIssuedOn: '2012-04-06',
          qualificationAcquiredOn: '2012-04-01',
          costLimit: {
            category: '限度額適用認定証',
            applicationCategory: 'ウ',
            validFrom: '2025-04-01',
            validTo: null,
            issuedOn: '2025-03-21',
            longStayDate: null,
          },
          specificDisease: {
            diseaseCategory: '人工腎臓を実施している慢性腎不全',
            selfPayLimit: 10000,
            validFrom: '2021-10-01',
            validTo: null,
            issuedOn: '2021-09-24',
          },
        }),
      ],
    }),

    // Left the job at the end of last month; the new insurer has not registered them yet.
    person({
      personId: 'p02',
      status: 'lost',
      name: '佐藤　健一',
      nameKana: 'ｻﾄｳ ｹﾝｲﾁ',
      sex1: 'male',
      dateOfBirth: '1969-11-02',
      address: '東京都大田区蒲田五丁目3番9号',
      postalCode: '144-0052',
      qualifications: [
        qualification({
          cardType: 'general',
          insurerNumber: '06131122',
          insurerName: '東都電機健康保険組合',
          symbol: '205',
          number: '11873',
          branch: '00',
          insuredPersonName: '佐藤　健一',
          cardValidFrom: '1992-04-01',
          cardIssuedOn: '1992-04-10',
          qualificationAcquiredOn: '1992-04-01',
          qualificationLostOn: firstOfMonth(today),
          lossReason: 'other',
        }),
      ],
    }),

    // The queried qualification is lost and a newer one exists elsewhere. The real system shows
    // 無効（新しい資格あり） on queries by the old numbers (001 ②); the demo also answers it to the
    // card so that every status can be walked through on the card flow.
    person({
      personId: 'p03',
      status: 'lostWithNew',
      name: '鈴木　一郎',
      nameKana: 'ｽｽﾞｷ ｲﾁﾛｳ',
      sex1: 'male',
      dateOfBirth: '1975-01-23',
      address: '大阪府大阪市北区天満二丁目8番15号',
      postalCode: '530-0043',
      qualifications: [
        qualification({
          cardType: 'general',
          insurerNumber: '06270011',
          insurerName: 'なにわ商事健康保険組合',
          symbol: '8',
          number: '2291',
          branch: '00',
          insuredPersonName: '鈴木　一郎',
          cardValidFrom: '2008-10-01',
          cardIssuedOn: '2008-10-08',
          qualificationAcquiredOn: '2008-10-01',
          qualificationLostOn: firstOfMonth(addDays(firstOfMonth(today), -1)),
          lossReason: 'otherInsuranceAcquired',
        }),
      ],
    }),

    // The card is registered for insurance use but no insurer has registered a qualification:
    // the system has nothing to return, not even the name (該当資格なし).
    person({
      personId: 'p04',
      status: 'notFound',
      name: '',
      nameKana: '',
      sex1: null,
      dateOfBirth: null,
      address: '',
      postalCode: '',
    }),

    // Public assistance registered, but the welfare office has issued no medical ticket yet.
    person({
      personId: 'p05',
      status: 'validUnregistered',
      name: '田中　昭二',
      nameKana: 'ﾀﾅｶ ｼｮｳｼﾞ',
      sex1: 'male',
      dateOfBirth: '1900-01-01', // unknown to the welfare office
      address: '東京都世田谷区太子堂一丁目7番2号',
      postalCode: '154-0004',
      qualifications: [
        qualification({
          cardType: 'medicalAid',
          medicalAid: true,
          insurerNumber: '12131124', // 公費負担者番号: 法別 12 (生活保護)
          insurerName: '世田谷区世田谷福祉事務所',
          number: '0384215', // 受給者番号
          relationship: null,
          qualificationAcquiredOn: '2023-09-12',
        }),
      ],
    }),

    person({
      personId: 'p06',
      status: 'valid',
      name: '木村　ハル',
      nameKana: 'ｷﾑﾗ ﾊﾙ',
      sex1: 'female',
      dateOfBirth: p06Born,
      address: '東京都杉並区阿佐谷北三丁目22番4号',
      postalCode: '166-0001',
      qualifications: [
        qualification({
          cardType: 'general',
          insurerNumber: '39130018', // 法別 39: 後期高齢者医療
          insurerName: '東京都後期高齢者医療広域連合',
          number: '00215867',
          relationship: null,
          insuredPersonName: '木村　ハル',
          cardValidFrom: p06Since,
          cardIssuedOn: addDays(p06Since, -20),
          copayRatio: 10,
          qualificationAcquiredOn: p06Since,
          costLimit: {
            category: '限度額適用・標準負担額減額認定証',
            applicationCategory: '低所得Ⅱ',
            validFrom: certYear.from,
            validTo: certYear.to,
            issuedOn: addDays(certYear.from, -10),
            longStayDate: certYear.from,
          },
        }),
      ],
    }),

    person({ ...twins, personId: 'p07', name: '高橋　陽太', nameKana: 'ﾀｶﾊｼ ﾖｳﾀ', sex1: 'male', qualifications: [twinsQualification] }),
    person({ ...twins, personId: 'p08', name: '高橋　陽菜', nameKana: 'ﾀｶﾊｼ ﾋﾅ', sex1: 'female', qualifications: [{ ...twinsQualification }] }),

    person({
      personId: 'p09',
      status: 'valid',
      name: '伊藤　さくら',
      nameKana: 'ｲﾄｳ ｻｸﾗ',
      sex1: 'female',
      dateOfBirth: p09Born,
      address: '神奈川県横浜市港北区日吉本町一丁目5番20号',
      postalCode: '223-0062',
      preSchool: true,
      qualifications: [
        qualification({
          cardType: 'general',
          insurerNumber: '06141014',
          insurerName: 'はまかぜ運輸健康保険組合',
          symbol: '17',
          number: '60452',
          branch: '02',
          relationship: 'dependent',
          insuredPersonName: '伊藤　大輔',
          cardValidFrom: addDays(p09Born, 14),
          cardIssuedOn: addDays(p09Born, 20),
          qualificationAcquiredOn: p09Born,
        }),
      ],
    }),

    // E4: still employed at 72 with 現役並み income, yet the elderly-recipient card says 2割.
    person({
      personId: 'p10',
      status: 'valid',
      name: '中村　正男',
      nameKana: 'ﾅｶﾑﾗ ﾏｻｵ',
      sex1: 'male',
      dateOfBirth: p10Born,
      address: '東京都練馬区豊玉北五丁目18番2号',
      postalCode: '176-0012',
      qualifications: [
        qualification({
          cardType: 'general',
          ...KYOKAI_TOKYO,
          symbol: '41200388',
          number: '57',
          branch: '00',
          insuredPersonName: '中村　正男',
          cardValidFrom: '2009-07-01',
          cardValidTo: addDays(addYears(p10Born, 75), -1), // some insurers put the day before turning 75
          cardIssuedOn: '2009-07-03',
          qualificationAcquiredOn: '2009-07-01',
          elderlyRecipient: {
            copayRatio: 20,
            validFrom: elderlyRecipientStart(p10Born),
            validTo: certYear.to,
            issuedOn: addDays(elderlyRecipientStart(p10Born), -10),
          },
          costLimit: {
            category: '限度額適用認定証',
            applicationCategory: '現役並みⅡ',
            validFrom: certYear.from,
            validTo: certYear.to,
            issuedOn: addDays(certYear.from, -10),
            longStayDate: null,
          },
        }),
      ],
    }),

    // E5: four qualifications issued the same day. The older start drops out, then the 市町村国保,
    // then the 国保組合 whose card ends sooner than the open-ended 健保組合 one, which is shown.
    person({
      personId: 'p11',
      status: 'valid',
      name: '林　雅人',
      nameKana: 'ﾊﾔｼ ﾏｻﾄ',
      sex1: 'male',
      dateOfBirth: '1982-03-09',
      address: '東京都杉並区高円寺南四丁目9番1号',
      postalCode: '166-0003',
      qualifications: [
        qualification({
          cardType: 'general',
          ...KYOKAI_TOKYO,
          symbol: '30881245',
          number: '311',
          branch: '00',
          insuredPersonName: '林　雅人',
          cardValidFrom: '2024-10-01',
          cardIssuedOn: '2025-03-25',
          qualificationAcquiredOn: '2024-10-01',
        }),
        qualification({
          cardType: 'general',
          municipalNhi: true,
          insurerNumber: '131151',
          insurerName: '杉並区',
          symbol: '杉5',
          number: '70916',
          branch: '01',
          insuredPersonName: '林　雅人',
          cardValidFrom: '2025-04-01',
          cardIssuedOn: '2025-03-25',
          qualificationAcquiredOn: '2025-04-01',
        }),
        qualification({
          cardType: 'general',
          insurerNumber: '133058',
          insurerName: '東京都文具商国民健康保険組合',
          symbol: '03',
          number: '1174',
          branch: '00',
          insuredPersonName: '林　雅人',
          cardValidFrom: '2025-04-01',
          cardValidTo: '2030-03-31',
          cardIssuedOn: '2025-03-25',
          qualificationAcquiredOn: '2025-04-01',
        }),
        qualification({
          cardType: 'general',
          insurerNumber: '06133029',
          insurerName: 'さくら精機健康保険組合',
          symbol: '110',
          number: '5823',
          branch: '00',
          insuredPersonName: '林　雅人',
          cardValidFrom: '2025-04-01',
          cardIssuedOn: '2025-03-25',
          qualificationAcquiredOn: '2025-04-01',
        }),
      ],
    }),

    // 「●」 stands for 𠮷 in the name and for an unrepresentable kanji in the address.
    person({
      personId: 'p12',
      status: 'valid',
      name: '●田　和夫',
      nameKana: 'ﾖｼﾀﾞ ｶｽﾞｵ',
      sex1: 'male',
      dateOfBirth: '1958-12-01',
      address: '埼玉県川口市●町二丁目4番11号',
      postalCode: '332-0012',
      qualifications: [
        qualification({
          cardType: 'general',
          insurerNumber: '01110014',
          insurerName: '全国健康保険協会埼玉支部',
          symbol: '22070519',
          number: '88',
          branch: '00',
          insuredPersonName: '●田　和夫',
          cardValidFrom: '2003-04-01',
          cardIssuedOn: '2003-04-04',
          qualificationAcquiredOn: '2003-04-01',
        }),
      ],
    }),

    // Kana and postal code were never registered; the card face omits sex, so 性別2 carries it.
    person({
      personId: 'p13',
      status: 'valid',
      name: '小林　美和',
      nameKana: '',
      sex1: null,
      sex2: 'female',
      dateOfBirth: '1991-07-30',
      address: '東京都練馬区石神井町三丁目25番8号',
      postalCode: '',
      qualifications: [
        qualification({
          cardType: 'general',
          municipalNhi: true,
          insurerNumber: '131201',
          insurerName: '練馬区',
          symbol: '練3',
          number: '215536',
          branch: '01',
          insuredPersonName: '小林　美和',
          cardValidFrom: '2024-08-01',
          cardIssuedOn: '2019-05-13', // 国保 keeps the first issue date across renewals
          qualificationAcquiredOn: '2019-05-13',
        }),
      ],
    }),

    // The insurer stored small kana as large: きょうこ is ｷﾖｳｺ, not ｷｮｳｺ.
    person({
      personId: 'p14',
      status: 'valid',
      name: '加藤　恭子',
      nameKana: 'ｶﾄｳ ｷﾖｳｺ',
      sex1: 'female',
      dateOfBirth: '1964-04-17',
      address: '東京都八王子市明神町二丁目6番1号',
      postalCode: '192-0046',
      qualifications: [
        qualification({
          cardType: 'general',
          insurerNumber: '32131013',
          insurerName: '東京都職員共済組合',
          symbol: '12',
          number: '204518',
          branch: '00',
          insuredPersonName: '加藤　恭子',
          cardValidFrom: '1987-04-01',
          cardIssuedOn: '1987-04-01',
          qualificationAcquiredOn: '1987-04-01',
        }),
      ],
    }),

    person({
      personId: 'p15',
      status: 'valid',
      name: '松本　直樹',
      nameKana: 'ﾏﾂﾓﾄ ﾅｵｷ',
      sex1: 'male',
      dateOfBirth: '1978-02-03',
      address: '東京都世田谷区三軒茶屋二丁目11番22号',
      postalCode: '154-0024',
      qualifications: [
        qualification({
          cardType: 'general',
          municipalNhi: true,
          insurerNumber: '131128',
          insurerName: '世田谷区',
          symbol: '世1',
          number: '4082',
          branch: '01',
          insuredPersonName: '松本　直樹', // 国保: the 世帯主
          cardValidFrom: '2024-10-01',
          cardIssuedOn: '2016-10-03',
          qualificationAcquiredOn: '2016-10-01',
        }),
      ],
    }),
    // E4, the other way round: the elderly-recipient card says 3割 (現役並み income), yet the
    // cost-limit certificate still carries 一般 from before a household change.
    person({
      personId: 'p16',
      status: 'valid',
      name: '斎藤　トシ子',
      nameKana: 'ｻｲﾄｳ ﾄｼｺ',
      sex1: 'female',
      dateOfBirth: p16Born,
      address: '東京都板橋区常盤台二丁目5番14号',
      postalCode: '174-0071',
      qualifications: [
        qualification({
          cardType: 'general',
          municipalNhi: true,
          insurerNumber: '131193',
          insurerName: '板橋区',
          symbol: '板7',
          number: '38102',
          branch: '01',
          insuredPersonName: '斎藤　トシ子',
          cardValidFrom: '2024-08-01',
          cardIssuedOn: '2012-04-02',
          qualificationAcquiredOn: '2012-04-01',
          elderlyRecipient: {
            copayRatio: 30,
            validFrom: elderlyRecipientStart(p16Born),
            validTo: certYear.to,
            issuedOn: addDays(certYear.from, -12),
          },
          costLimit: {
            category: '限度額適用認定証',
            applicationCategory: '一般',
            validFrom: certYear.from,
            validTo: certYear.to,
            issuedOn: addDays(certYear.from, -12),
            longStayDate: null,
          },
        }),
      ],
    }),

    // E6: on public assistance with this month's medical ticket, but the ticket says no social
    // insurance while a health-insurance qualification exists: the system raises the flag.
    person({
      personId: 'p17',
      status: 'valid',
      name: '森　清',
      nameKana: 'ﾓﾘ ｷﾖｼ',
      sex1: 'male',
      dateOfBirth: '1961-10-05',
      address: '東京都足立区千住三丁目40番2号',
      postalCode: '120-0034',
      qualifications: [
        qualification({
          cardType: 'medicalAid',
          medicalAid: true,
          insurerNumber: '12132205', // 公費負担者番号: 法別 12 (生活保護)
          insurerName: '足立区千住福祉事務所',
          number: '0517730', // 受給者番号
          relationship: null,
          qualificationAcquiredOn: '2022-06-01',
          medicalAidTicket: {
            kind: 'medical',
            validFrom: firstOfMonth(today),
            validTo: addDays(firstOfMonth(addDays(firstOfMonth(today), 40)), -1),
            issueNumber: '2611-00482',
            treatmentMonth: today.slice(0, 7),
            designatedInstitutionCode: '1312345678',
            designatedInstitutionMismatch: false,
            designatedInstitutionName: '在宅クリニック',
            prescribingInstitutionCode: '',
            prescribingInstitutionName: '',
            diseaseNames: ['高血圧症'],
            treatmentKind: '入院外',
            selfPayAmount: 0,
            caseworkerName: '岡田',
            handlerName: '西村',
            singleOrCombined: 'single',
            hasSocialInsurance: false,
            infectiousDiseaseAct37_2: false,
            lateElderlyMedicalCare: false,
            prefecturalExpense: false,
            remarks: [],
          },
          medicalAidSocialInsuranceInconsistent: true,
        }),
      ],
    }),
  ];
}
