const day = new Intl.DateTimeFormat('nl-NL', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' });
const time = new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' });
const short = new Intl.DateTimeFormat('nl-NL', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Amsterdam',
});

/** "dinsdag 12 januari 2027, 09:30–12:30" in Dutch time, whatever the server's zone. */
export function formatSessionTime(start: Date, end: Date): string {
  const sameDay = day.format(start) === day.format(end);
  return sameDay
    ? `${day.format(start)}, ${time.format(start)}–${time.format(end)}`
    : `${day.format(start)} ${time.format(start)} tot ${day.format(end)} ${time.format(end)}`;
}

export const formatMoment = (d: Date) => short.format(d);

const numeric = new Intl.DateTimeFormat('nl-NL', {
  day: 'numeric',
  month: 'numeric',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Europe/Amsterdam',
});
/** "4-12-2026 14:30": Dutch time as Dutch Excel reads a date and time in a CSV cell. */
export function formatCsvMoment(d: Date): string {
  const part = Object.fromEntries(numeric.formatToParts(d).map((p) => [p.type, p.value]));
  return `${part.day}-${part.month}-${part.year} ${part.hour}:${part.minute}`;
}
export const formatDay = (d: Date) => day.format(d);

/** The Amsterdam wall clock at an instant, as two-digit parts ("2027", "01", "12", "09", "30"). */
function amsterdamParts(d: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const p = numeric.formatToParts(d);
  const g = (t: string) => (p.find((x) => x.type === t)?.value ?? '').padStart(2, '0');
  return { year: g('year'), month: g('month'), day: g('day'), hour: g('hour'), minute: g('minute') };
}

/** A wall-clock time in Amsterdam ("2027-01-12T09:30") as the UTC instant it is. */
export function amsterdamToUtc(local: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  // A day that does not exist (30 February) would roll over into the next month, and Date.UTC reads
  // years 0–99 as 1900–1999: both are no date, not another one.
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] ?? 0;
  if (y < 100 || d > daysInMonth) return null;
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  // The offset of Amsterdam at that moment (+1 or +2 hours), found by formatting the guess there.
  const offset = (at: number) => {
    const g = amsterdamParts(new Date(at));
    return Date.UTC(Number(g.year), Number(g.month) - 1, Number(g.day), Number(g.hour), Number(g.minute)) - at;
  };
  const first = guess - offset(guess);
  const result = guess - offset(first);
  const check = new Date(result);
  return Number.isNaN(check.getTime()) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ? null : check;
}

/** The inverse, for form fields: a UTC instant as Amsterdam wall-clock "YYYY-MM-DDTHH:MM". */
export function utcToAmsterdamLocal(d: Date): string {
  const g = amsterdamParts(d);
  return `${g.year}-${g.month}-${g.day}T${g.hour}:${g.minute}`;
}
