import { stringify } from 'csv-stringify/sync';

/**
 * A cell that Excel would read as a formula (=, +, -, @, a tab or a carriage return first) gets
 * a leading apostrophe, so an export never runs what a registrant typed (CSV injection).
 */
export function excelSafe(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return typeof v === 'number' ? s : /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** CSV for Dutch Excel: semicolons, CRLF, UTF-8 with a byte-order mark, every cell made safe. */
export function excelCsv(columns: string[], rows: (string | number | null | undefined)[][]): string {
  const body = stringify(
    rows.map((r) => r.map(excelSafe)),
    { delimiter: ';', header: true, columns: columns.map(excelSafe), record_delimiter: '\r\n' },
  );
  return `\uFEFF${body}`;
}
