import { describe, expect, it } from 'vitest';
import {
  checkBatchRow,
  checkInsuranceQuery,
  csvTemplate,
  decodeUtf8,
  formatCsv,
  parseCsvRecords,
  readBatchCsv,
  readRequeryCsv,
} from '../../src/domain/requery/csv.ts';

const HEADER = '保険者番号,記号,番号,枝番,生年月日';
const utf8 = (text: string) => new TextEncoder().encode(text);

/** 「保険者番号」 in Shift_JIS, as Excel's plain "CSV" saves it on a Japanese Windows PC. */
const SHIFT_JIS_INSURER_NUMBER = Uint8Array.from([0x95, 0xdb, 0x8c, 0xaf, 0x8e, 0xd2, 0x94, 0xd4, 0x8d, 0x86]);

describe('reading bytes (Q3 CSV upload)', () => {
  it('decodes UTF-8 with and without a BOM', () => {
    expect(decodeUtf8(utf8('保険者番号'))).toEqual({ ok: true, text: '保険者番号' });
    expect(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8('保険者番号')]))).toEqual({ ok: true, text: '保険者番号' });
    expect(decodeUtf8(utf8('𠮷野家'))).toEqual({ ok: true, text: '𠮷野家' });
  });

  it('refuses Shift_JIS (invalid UTF-8) instead of reading mojibake', () => {
    expect(new TextDecoder('shift_jis').decode(SHIFT_JIS_INSURER_NUMBER)).toBe('保険者番号');
    expect(decodeUtf8(SHIFT_JIS_INSURER_NUMBER)).toEqual({ ok: false });
  });

  it('refuses overlong forms, surrogates and truncated sequences', () => {
    expect(decodeUtf8(Uint8Array.from([0xc0, 0xaf]))).toEqual({ ok: false });
    expect(decodeUtf8(Uint8Array.from([0xe0, 0x80, 0xaf]))).toEqual({ ok: false });
    expect(decodeUtf8(Uint8Array.from([0xed, 0xa0, 0x80]))).toEqual({ ok: false });
    expect(decodeUtf8(Uint8Array.from([0xe4, 0xbf]))).toEqual({ ok: false });
    expect(decodeUtf8(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]))).toEqual({ ok: false });
  });

  it('agrees with the platform decoder on a long mixed text', () => {
    const text = `${HEADER}\r\n${'06132583,52,3187,,2011-08-19,高橋　陽太\r\n'.repeat(3000)}`;
    expect(decodeUtf8(utf8(text))).toEqual({ ok: true, text });
  });
});

describe('CSV records', () => {
  it('splits CRLF, LF and CR lines and counts file lines', () => {
    const parsed = parseCsvRecords('a,b\r\nc,d\ne,f\rg,h');
    expect(parsed).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['c', 'd'] },
        { line: 3, fields: ['e', 'f'] },
        { line: 4, fields: ['g', 'h'] },
      ],
    });
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const parsed = parseCsvRecords('"a,1","say ""hi""","two\r\nlines"\r\nnext,"",x\r\n');
    expect(parsed).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ['a,1', 'say "hi"', 'two\r\nlines'] },
        { line: 3, fields: ['next', '', 'x'] },
      ],
    });
  });

  it('an unclosed quote makes the file unreadable', () => {
    expect(parseCsvRecords('a,"b\r\nc,d\r\n')).toEqual({ ok: false });
  });
});

describe('field rules', () => {
  it('Q1: normalises full-width digits (NFKC) and spaces', () => {
    expect(checkInsuranceQuery({ insurerNumber: '０６１３２５８３', symbol: ' ５２ ', number: '３１８７', branch: '', dateOfBirth: '２０１１－０８－１９' })).toEqual({
      ok: true,
      value: { insurerNumber: '06132583', symbol: '52', number: '3187', branch: '', dateOfBirth: '2011-08-19' },
    });
  });

  it('restores the leading zero Excel drops (7-digit insurer number, 1-digit branch)', () => {
    const checked = checkInsuranceQuery({ insurerNumber: '6132583', symbol: '', number: '3187', branch: '1', dateOfBirth: '2011/8/19' });
    expect(checked).toEqual({ ok: true, value: { insurerNumber: '06132583', symbol: '', number: '3187', branch: '01', dateOfBirth: '2011-08-19' } });
    expect(checkInsuranceQuery({ insurerNumber: '31151', number: '1', dateOfBirth: '19860614' })).toMatchObject({ ok: true, value: { insurerNumber: '031151' } });
  });

  it('Q5/X1: branch and symbol may be blank (後期高齢者, 医療扶助, old cards)', () => {
    expect(checkInsuranceQuery({ insurerNumber: '39130018', number: '00215867', dateOfBirth: '1943-05-01' }).ok).toBe(true);
  });

  it('names the bad fields, never their values', () => {
    const checked = checkInsuranceQuery({ insurerNumber: '12-34', symbol: '', number: '', branch: '123', dateOfBirth: '2026-02-30' });
    expect(checked).toEqual({ ok: false, fields: ['insurerNumber', 'number', 'branch', 'dateOfBirth'] });
    expect(JSON.stringify(checked)).not.toContain('12-34');
  });

  it('D4: dates of birth in 和暦 or 西暦 as typed (YYYY-MM-DD, YYYY/M/D, YYYYMMDD, S61.6.14, 昭和61年6月14日); not impossible dates', () => {
    const dob = (dateOfBirth: string) => {
      const checked = checkInsuranceQuery({ insurerNumber: '01130012', number: '1042', dateOfBirth });
      return checked.ok ? checked.value.dateOfBirth : null;
    };
    expect(dob('1986-06-14')).toBe('1986-06-14');
    expect(dob('1986/6/4')).toBe('1986-06-04');
    expect(dob('19860614')).toBe('1986-06-14');
    expect(dob('1900-01-01')).toBe('1900-01-01');
    expect(dob('昭和61年6月14日')).toBe('1986-06-14');
    expect(dob('S29.10.22')).toBe('1954-10-22');
    expect(dob('Ｈ１．１．８')).toBe('1989-01-08');
    expect(dob('2027-02-29')).toBeNull();
    expect(dob('平成31年5月1日')).toBeNull();
  });

  it('Q6: the two cost-limit values are both given or both blank', () => {
    const base = { insurerNumber: '01130012', number: '1042', dateOfBirth: '1986-06-14' };
    expect(checkBatchRow({ ...base, costLimitCategory: '限度額適用認定証', costLimitApplicationCategory: 'エ' }).ok).toBe(true);
    expect(checkBatchRow(base).ok).toBe(true);
    expect(checkBatchRow({ ...base, costLimitCategory: '限度額適用認定証' })).toEqual({ ok: false, fields: ['costLimitApplicationCategory'] });
  });
});

describe('reading a re-query file', () => {
  it('Q3: header and rows, with a BOM, CRLF and empty lines (Excel all-comma lines too)', () => {
    const text = `\uFEFF${HEADER}\r\n\r\n06132583,52,3187,,2011-08-19\r\n,,,,\r\n   \r\n01130012,31150617,1042,00,1986-06-14\r\n`;
    const read = readRequeryCsv(text, 1000);
    expect(read).toMatchObject({
      ok: true,
      rows: [
        { line: 3, ok: true, value: { insurerNumber: '06132583', symbol: '52', number: '3187', branch: '', dateOfBirth: '2011-08-19' } },
        { line: 6, ok: true, value: { insurerNumber: '01130012', symbol: '31150617', number: '1042', branch: '00', dateOfBirth: '1986-06-14' } },
      ],
    });
  });

  it('columns in any order, and English keys as headers', () => {
    const read = readRequeryCsv('dateOfBirth,number,branch,symbol,insurerNumber\n1986-06-14,1042,00,31150617,01130012\n', 10);
    expect(read).toMatchObject({ ok: true, rows: [{ ok: true, value: { insurerNumber: '01130012', number: '1042' } }] });
  });

  it('keeps each row\'s cells as typed, for the result file', () => {
    const read = readRequeryCsv(`${HEADER}\n０１１３００１２,,1042,,bad\n`, 10);
    expect(read).toMatchObject({ ok: true, rows: [{ ok: false, raw: { insurerNumber: '０１１３００１２', number: '1042', dateOfBirth: 'bad', symbol: '', branch: '' } }] });
  });

  it('a malformed row is reported for that row only (with its file line and every bad field), the others are read', () => {
    const text = `${HEADER}\n01130012,31150617,1042,00,1986-06-14\nabc,,,,not-a-date\n01130012,31150617,1042,00,1986-06-14,extra\n01130012,31150617,1042\n1,,1042,123,S64.1.8,extra\n`;
    const read = readRequeryCsv(text, 1000);
    if (!read.ok) throw new Error('expected rows');
    expect(read.rows.map((r) => (r.ok ? 'ok' : r.fields.join('+')))).toEqual([
      'ok',
      'insurerNumber+number+dateOfBirth',
      'columnCount',
      'dateOfBirth',
      'columnCount+insurerNumber+branch+dateOfBirth',
    ]);
    expect(read.rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it('wrong or missing columns refuse the whole file', () => {
    expect(readRequeryCsv('保険者番号,番号,生年月日\n01130012,1042,1986-06-14\n', 10)).toEqual({ ok: false, problem: 'columns' });
    expect(readRequeryCsv(`${HEADER},氏名\n`, 10)).toEqual({ ok: false, problem: 'columns' });
    expect(readRequeryCsv(`${HEADER},番号\n`, 10)).toEqual({ ok: false, problem: 'columns' });
    expect(readRequeryCsv('01130012,31150617,1042,00,1986-06-14\n', 10)).toEqual({ ok: false, problem: 'columns' });
  });

  it('an empty file, a header alone, and an unclosed quote', () => {
    expect(readRequeryCsv('', 10)).toEqual({ ok: false, problem: 'noHeader' });
    expect(readRequeryCsv('\uFEFF\r\n\r\n', 10)).toEqual({ ok: false, problem: 'noHeader' });
    expect(readRequeryCsv(`${HEADER}\r\n`, 10)).toEqual({ ok: false, problem: 'noRows' });
    expect(readRequeryCsv(`${HEADER}\r\n"01130012,1,1,,1986-06-14\r\n`, 10)).toEqual({ ok: false, problem: 'malformed' });
  });

  it('Q3: more rows than the limit refuse the whole file: 1000 read, 1001 refused; 500/501 for a receipt computer', () => {
    const rows = (n: number) => `${HEADER}\r\n${'01130012,31150617,1042,00,1986-06-14\r\n'.repeat(n)}`;
    expect(readRequeryCsv(rows(1000), 1000)).toMatchObject({ ok: true });
    expect(readRequeryCsv(rows(1001), 1000)).toEqual({ ok: false, problem: 'tooManyRows' });
    expect(readRequeryCsv(rows(500), 500)).toMatchObject({ ok: true });
    expect(readRequeryCsv(rows(501), 500)).toEqual({ ok: false, problem: 'tooManyRows' });
  });

  it('Q6: the batch file has the two cost-limit columns', () => {
    const text = `${HEADER},限度額適用認定証区分,限度額適用区分\r\n01130012,31150617,1042,00,1986-06-14,限度額適用認定証,エ\r\n`;
    expect(readBatchCsv(text, 5000)).toMatchObject({ ok: true, rows: [{ ok: true, value: { costLimitApplicationCategory: 'エ' } }] });
    expect(readBatchCsv(`${HEADER}\r\n01130012,31150617,1042,00,1986-06-14\r\n`, 5000)).toEqual({ ok: false, problem: 'columns' });
  });

  it('Q8: each row may carry the 区分/適用区分 held (the manual\'s column name too); blank is "nothing to compare with", a half pair is an error', () => {
    const text = `${HEADER},限度額適用認定証区分,限度額適用認定証適用区分\r\n01130012,31150617,1042,00,1986-06-14,限度額適用認定証,ウ\r\n01130012,31150617,1042,00,1986-06-14,,\r\n01130012,31150617,1042,00,1986-06-14,,ウ\r\n`;
    const read = readBatchCsv(text, 5000);
    expect(read).toMatchObject({
      ok: true,
      rows: [
        { ok: true, value: { costLimitCategory: '限度額適用認定証', costLimitApplicationCategory: 'ウ' } },
        { ok: true, value: { costLimitCategory: '', costLimitApplicationCategory: '' } },
        { ok: false, fields: ['costLimitCategory'] },
      ],
    });
  });
});

describe('writing', () => {
  it('a BOM, CRLF line ends and quoting where needed', () => {
    expect(formatCsv([['a', 'b,c'], ['say "hi"', 'x\ny']])).toBe('\uFEFFa,"b,c"\r\n"say ""hi""","x\ny"\r\n');
  });

  it('cells that Excel would run as formulas are defused', () => {
    expect(formatCsv([['=HYPERLINK("x")', '+1', '@SUM(A1)', '-2', '2011-08-19']])).toBe(
      '\uFEFF"\'=HYPERLINK(""x"")",\'+1,\'@SUM(A1),\'-2,2011-08-19\r\n',
    );
  });

  it('the templates hold the header only, and read back as valid headers', () => {
    expect(csvTemplate('requery')).toBe(`\uFEFF${HEADER}\r\n`);
    expect(csvTemplate('batch')).toBe(`\uFEFF${HEADER},限度額適用認定証区分,限度額適用区分\r\n`);
    expect(readRequeryCsv(`${csvTemplate('requery')}01130012,,1042,,1986-06-14\r\n`, 1)).toMatchObject({ ok: true });
    expect(readBatchCsv(`${csvTemplate('batch')}01130012,,1042,,1986-06-14,,\r\n`, 1)).toMatchObject({ ok: true });
  });
});
