import { describe, expect, it } from 'vitest';
import { CARD_TYPES, ELIGIBILITY_STATUSES, LOSS_REASONS, selectQualification, type EligibilityRecord } from '../../src/domain/registration/eligibility.ts';
import { eligibilityRecordSchema, isLateElderlyInsurer } from '../../src/domain/registration/eligibility-schema.ts';
import { jstDate } from '../../src/domain/shared/jst.ts';
import { DEMO_PERSON_IDS, demoPersons } from '../../src/server/national/embedded/demo-persons.ts';
import { createLocalRegistry } from '../../src/server/national/embedded/local-registry.ts';

const asOf = new Date('2026-11-22T03:00:00Z');
const registry = createLocalRegistry(new Map([['0A1B2C3D', 'p01']]));

async function allRecords(at: Date = asOf): Promise<Map<string, EligibilityRecord>> {
  const entries = await Promise.all(
    DEMO_PERSON_IDS.map(async (id) => [id, await registry.currentEligibility(id, at)] as const),
  );
  return new Map(entries);
}

async function recordOf(id: string, at: Date = asOf): Promise<EligibilityRecord> {
  return registry.currentEligibility(id, at);
}

/** Age in whole years on a 'YYYY-MM-DD' date. */
function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

const twinsQuery = { insurerNumber: '06132583', symbol: '52', number: '3187', dateOfBirth: '2011-08-19' };

describe('embedded eligibility registry: demo persons', () => {
  it('§6: every eligibility status appears among the demo persons', async () => {
    const statuses = new Set([...(await allRecords()).values()].map((r) => r.status));
    for (const status of ELIGIBILITY_STATUSES) expect(statuses).toContain(status);
    expect((await recordOf('p02')).status).toBe('lost');
    expect((await recordOf('p03')).status).toBe('lostWithNew');
    expect((await recordOf('p04')).status).toBe('notFound');
    expect((await recordOf('p05')).status).toBe('validUnregistered');
  });

  it('§6: p01 is a valid 協会けんぽ 本人 adult with dialysis 特定疾病 data', async () => {
    const p01 = await recordOf('p01');
    expect(p01).toMatchObject({ status: 'valid', name: '山田　花子', nameKana: 'ﾔﾏﾀﾞ ﾊﾅｺ', relationship: 'insured', branch: '00' });
    expect(p01.insurerNumber).toMatch(/^01\d{6}$/);
    expect(p01.specificDisease?.diseaseCategory).toContain('人工腎臓');
  });

  it('E2: the lost person carries a loss date and reason on or before the day asked', async () => {
    const p02 = await recordOf('p02');
    expect(p02.qualificationLostOn).not.toBeNull();
    expect(p02.qualificationLostOn! <= jstDate(asOf)).toBe(true);
    expect(p02.lossReason).not.toBeNull();
  });

  it('§6: the notFound person has a blank record', async () => {
    const p04 = await recordOf('p04');
    expect(p04).toMatchObject({ name: '', insurerNumber: '', number: '', dateOfBirth: null, cardType: null });
  });

  it('§6: 「●」 appears in a name and an address', async () => {
    const p12 = await recordOf('p12');
    expect(p12.name).toContain('●');
    expect(p12.address).toContain('●');
  });

  it('§6: kana may be blank', async () => {
    expect((await recordOf('p13')).nameKana).toBe('');
  });

  it('§6: small kana may be shown large (ｷｮｳｺ→ｷﾖｳｺ)', async () => {
    const p14 = await recordOf('p14');
    expect(p14.nameKana).toContain('ｷﾖｳｺ');
    expect(p14.nameKana).not.toMatch(/[ｧｨｩｪｫｬｭｮｯ]/);
  });

  it('§6: 後期高齢者 has no branch, a copay ratio, an insurer number starting 39, and is 80+', async () => {
    for (const at of [asOf, new Date('2031-03-01T00:00:00Z')]) {
      const p06 = await recordOf('p06', at);
      expect(p06.branch).toBe('');
      expect(p06.copayRatio).toBe(10);
      expect(p06.relationship).toBeNull();
      expect(p06.insurerNumber).toMatch(/^39\d{6}$/);
      expect(ageOn(p06.dateOfBirth!, jstDate(at))).toBeGreaterThanOrEqual(80);
      expect(p06.costLimit).not.toBeNull();
    }
  });

  it('§6: only 後期高齢者 has a card copay ratio', async () => {
    for (const [id, record] of await allRecords()) {
      if (id !== 'p06') expect(record.copayRatio).toBeNull();
    }
  });

  it('§6: 医療扶助 has the 公費負担者番号, no symbol, no branch, DOB 1900-01-01 and no ticket', async () => {
    const p05 = await recordOf('p05');
    expect(p05.insurerNumber).toMatch(/^12\d{6}$/);
    expect(p05).toMatchObject({ cardType: 'medicalAid', symbol: '', branch: '', dateOfBirth: '1900-01-01', medicalAidTicket: null });
  });

  it('E7: the pre-school child is pre-school whenever asked', async () => {
    for (const at of [asOf, new Date('2028-02-29T12:00:00Z'), new Date('2035-07-01T00:00:00Z')]) {
      const p09 = await recordOf('p09', at);
      expect(p09.preSchool).toBe(true);
      expect(p09.relationship).toBe('dependent');
      expect(ageOn(p09.dateOfBirth!, jstDate(at))).toBe(3);
    }
  });

  it('E4: the 70–74 person has elderly-recipient ratio 20 with a 現役並み cost-limit category', async () => {
    for (const at of [asOf, new Date('2030-08-01T00:00:00Z')]) {
      const p10 = await recordOf('p10', at);
      const age = ageOn(p10.dateOfBirth!, jstDate(at));
      expect(age).toBeGreaterThanOrEqual(70);
      expect(age).toBeLessThanOrEqual(74);
      expect(p10.elderlyRecipient?.copayRatio).toBe(20);
      expect(p10.costLimit?.applicationCategory).toMatch(/^現役並み/);
    }
  });

  it('E5: p11 shows the qualification selectQualification picks among those sharing an issue date', async () => {
    const p11Data = demoPersons(asOf).find((p) => p.personId === 'p11')!;
    expect(p11Data.qualifications.length).toBeGreaterThanOrEqual(3);
    expect(new Set(p11Data.qualifications.map((q) => q.cardIssuedOn)).size).toBe(1);
    const selection = selectQualification(p11Data.qualifications);
    expect(selection.reason).toBe('farthestEnd');
    const p11 = await recordOf('p11');
    expect(p11.insurerNumber).toBe(selection.chosen.insurerNumber);
    expect(p11.insurerNumber).toBe('06133029');
  });

  it('§1: the 市町村国保 person has a 6-digit insurer number', async () => {
    const p15 = await recordOf('p15');
    expect(p15.status).toBe('valid');
    expect(p15.insurerNumber).toMatch(/^\d{6}$/);
  });

  it('P1: no record holds a 12-digit number anywhere', async () => {
    const json = JSON.stringify([...(await allRecords()).values()]);
    expect(json).not.toMatch(/\d{12}/);
    expect(JSON.stringify(demoPersons(asOf))).not.toMatch(/\d{12}/);
  });

  it('refuses an unknown person id without echoing it', async () => {
    await expect(registry.currentEligibility('p99', asOf)).rejects.toThrow(/^Unknown person id\.$/);
  });
});

describe('embedded eligibility registry: card holders', () => {
  it('R2: an unknown certificate serial is not registered', async () => {
    expect(await registry.resolveCardHolder('ffff')).toBeNull();
  });

  it('R2: a mapped serial resolves to its person, whatever the hex case', async () => {
    expect(await registry.resolveCardHolder('0A1B2C3D')).toEqual({ personId: 'p01' });
    expect(await registry.resolveCardHolder('0a1b2c3d')).toEqual({ personId: 'p01' });
  });

  it('refuses a card mapped to a person who does not exist', () => {
    expect(() => createLocalRegistry(new Map([['01', 'nobody']]))).toThrow();
  });
});

describe('embedded eligibility registry: search by insurance numbers', () => {
  it('Q5: twins without a branch both match', async () => {
    const matches = await registry.findByInsurance(twinsQuery, asOf);
    expect(matches.map((m) => m.personId).sort()).toEqual(['p07', 'p08']);
    expect(new Set(matches.map((m) => m.record.name)).size).toBe(2);
  });

  it('Q5: with a wrong branch nobody matches', async () => {
    expect(await registry.findByInsurance({ ...twinsQuery, branch: '05' }, asOf)).toEqual([]);
  });

  it('X1: insurer number, number and date of birth must all match; a wrong symbol excludes', async () => {
    const p01 = { insurerNumber: '01130012', number: '1042', dateOfBirth: '1986-06-14' };
    expect((await registry.findByInsurance(p01, asOf)).map((m) => m.personId)).toEqual(['p01']);
    expect(await registry.findByInsurance({ ...p01, dateOfBirth: '1986-06-15' }, asOf)).toEqual([]);
    expect(await registry.findByInsurance({ ...p01, number: '1043' }, asOf)).toEqual([]);
    expect(await registry.findByInsurance({ ...p01, symbol: '99999999' }, asOf)).toEqual([]);
    expect((await registry.findByInsurance({ ...p01, symbol: '31150617', branch: '00' }, asOf)).map((m) => m.personId)).toEqual(['p01']);
  });

  it('X1: full-width digits in the query are normalised', async () => {
    const matches = await registry.findByInsurance(
      { insurerNumber: '０１１３００１２', symbol: '３１１５０６１７', number: '１０４２', branch: '００', dateOfBirth: '１９８６-０６-１４' },
      asOf,
    );
    expect(matches.map((m) => m.personId)).toEqual(['p01']);
  });

  it('X1: 後期高齢者 and 医療扶助 are found without a branch', async () => {
    const p06 = await recordOf('p06');
    const byP06 = await registry.findByInsurance(
      { insurerNumber: p06.insurerNumber, number: p06.number, dateOfBirth: p06.dateOfBirth! },
      asOf,
    );
    expect(byP06.map((m) => m.personId)).toEqual(['p06']);
    const byP05 = await registry.findByInsurance(
      { insurerNumber: '12131124', number: '0384215', dateOfBirth: '1900-01-01' },
      asOf,
    );
    expect(byP05.map((m) => m.personId)).toEqual(['p05']);
  });

  it('E5: a search by any of p11’s qualifications returns the selected record', async () => {
    const matches = await registry.findByInsurance(
      { insurerNumber: '131151', number: '70916', dateOfBirth: '1982-03-09' },
      asOf,
    );
    expect(matches.map((m) => [m.personId, m.record.insurerNumber])).toEqual([['p11', '06133029']]);
  });
});

describe('E10: the record fields of the manual (002 l.4186–4685)', () => {
  it('E10: every demo person\'s record parses under the record schema (eight card types, four loss reasons, the blanks)', async () => {
    for (const [id, record] of await allRecords()) {
      const parsed = eligibilityRecordSchema.safeParse(record);
      expect(parsed.success, `${id}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it('E10: the schema accepts the eight card types and the four loss reasons only', async () => {
    const base = await recordOf('p01');
    for (const cardType of CARD_TYPES.filter((c) => c !== 'medicalAid')) expect(eligibilityRecordSchema.safeParse({ ...base, cardType }).success, cardType).toBe(true);
    expect(CARD_TYPES).toHaveLength(8);
    expect(eligibilityRecordSchema.safeParse({ ...base, cardType: 'healthInsuranceCard' }).success).toBe(false);
    for (const lossReason of LOSS_REASONS) expect(eligibilityRecordSchema.safeParse({ ...base, lossReason }).success, lossReason).toBe(true);
    expect(LOSS_REASONS).toHaveLength(4);
    expect(eligibilityRecordSchema.safeParse({ ...base, lossReason: 'moved' }).success).toBe(false);
    // No insurer address or contact is supplied: a record carrying one is not a record.
    expect(eligibilityRecordSchema.safeParse({ ...base, insurerAddress: '東京都' }).success).toBe(false);
  });

  it('E10: medical-aid records have no symbol, branch, 本人・家族, insured person\'s name, issue or start date; the insurer is the welfare office', async () => {
    for (const id of ['p05', 'p17']) {
      const record = await recordOf(id);
      expect(record).toMatchObject({ cardType: 'medicalAid', symbol: '', branch: '', relationship: null, insuredPersonName: '', cardIssuedOn: null, cardValidFrom: null });
      expect(record.insurerName).toMatch(/福祉事務所$/);
    }
    const aid = await recordOf('p17');
    for (const field of ['symbol', 'insuredPersonName'] as const) {
      const parsed = eligibilityRecordSchema.safeParse({ ...aid, [field]: 'x' });
      expect(parsed.success, field).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual([field]);
    }
    expect(eligibilityRecordSchema.safeParse({ ...aid, relationship: 'insured' }).success).toBe(false);
    expect(eligibilityRecordSchema.safeParse({ ...aid, cardIssuedOn: '2022-06-01' }).success).toBe(false);
  });

  it('E10: 後期高齢者 records have no branch and no 本人・家族; the loss reason may be set before the loss (75th birthday)', async () => {
    const lateElderly = [...(await allRecords()).values()].filter((r) => isLateElderlyInsurer(r.insurerNumber));
    expect(lateElderly.length).toBeGreaterThan(0);
    for (const record of lateElderly) expect(record).toMatchObject({ branch: '', relationship: null });
    expect(eligibilityRecordSchema.safeParse({ ...lateElderly[0]!, relationship: 'insured' }).success).toBe(false);
    const base = await recordOf('p01');
    expect(eligibilityRecordSchema.safeParse({ ...base, status: 'valid', qualificationLostOn: '2040-06-13', lossReason: 'other' }).success).toBe(true);
  });
});
