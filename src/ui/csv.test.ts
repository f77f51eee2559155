import { describe, expect, it } from 'vitest';
import { formatCsvMoment } from '../trainings/format.ts';
import { excelCsv, excelSafe } from './csv.ts';

describe('CSV for Dutch Excel', () => {
  it('defuses every cell that Excel would run as a formula, and only those', () => {
    for (const bad of ['=1+1', '+31 6', '-2', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x")']) expect(excelSafe(bad), JSON.stringify(bad)).toBe(`'${bad}`);
    for (const fine of ['Anna', '06-1234', 'a=b', ' =x', '']) expect(excelSafe(fine)).toBe(fine);
    // Numbers we write ourselves (a registrant number, points) stay numbers.
    expect(excelSafe(-2)).toBe('-2');
    expect(excelSafe(null)).toBe('');
  });

  it('semicolons, CRLF, a byte-order mark, quotes where needed, header cells safe too', () => {
    expect(
      excelCsv(
        ['nr', '=kop'],
        [
          [1, 'Jansen; Piet'],
          [2, 'Zei "hoi"'],
        ],
      ),
    ).toBe('\uFEFFnr;\'=kop\r\n1;"Jansen; Piet"\r\n2;"Zei ""hoi"""\r\n');
  });

  it('writes Dutch local time as Dutch Excel reads it, in winter and in summer time', () => {
    expect(formatCsvMoment(new Date('2026-12-04T13:30:00Z'))).toBe('4-12-2026 14:30');
    expect(formatCsvMoment(new Date('2026-07-01T07:05:00Z'))).toBe('1-7-2026 09:05');
    // Just after midnight in Amsterdam is still the previous day in UTC.
    expect(formatCsvMoment(new Date('2026-12-31T23:15:00Z'))).toBe('1-1-2027 00:15');
  });
});
