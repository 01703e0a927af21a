import { offsetMs, startOfLocalDay } from '../../text/time.js';

/**
 * Scorecard periods: an ISO week ("2026-W41", Monday to Monday) or a calendar month
 * ("2026-10"), both in the programme's local time. A period's bounds are the UTC instants
 * of its local midnights, so a report at 23:30 local on the last day of a month belongs to
 * that month even when it is already the next day in UTC.
 */

export type PeriodKind = 'week' | 'month';
export type Period = { kind: PeriodKind; year: number /** month 1-12 or ISO week 1-53 */; index: number };
type LocalDate = { y: number; m: number; d: number };

const DAY = 86_400_000;
const pad2 = (n: number) => String(n).padStart(2, '0');

export function formatPeriod(p: Period): string {
  return p.kind === 'month' ? `${p.year}-${pad2(p.index)}` : `${p.year}-W${pad2(p.index)}`;
}

/** "2026-10" or "2026-W41"; null when it is neither or names no real month or week. */
export function parsePeriod(key: string): Period | null {
  const month = /^(\d{4})-(\d{2})$/.exec(key);
  if (month) {
    const [year, index] = [Number(month[1]), Number(month[2])];
    return index >= 1 && index <= 12 ? { kind: 'month', year, index } : null;
  }
  const week = /^(\d{4})-W(\d{2})$/.exec(key);
  if (week) {
    const [year, index] = [Number(week[1]), Number(week[2])];
    return index >= 1 && index <= isoWeeksInYear(year) ? { kind: 'week', year, index } : null;
  }
  return null;
}

/** ISO years have 52 or 53 weeks: the week holding 28 December is the last. */
export function isoWeeksInYear(year: number): number {
  return isoWeekOf({ y: year, m: 12, d: 28 }).week;
}

function isoWeekOf(date: LocalDate): { year: number; week: number } {
  const day = Date.UTC(date.y, date.m - 1, date.d);
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 .. Sunday 6
  const thursday = new Date(day + (3 - weekday) * DAY); // the ISO year is the Thursday's year
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY));
  return { year, week };
}

function firstDay(p: Period): LocalDate {
  if (p.kind === 'month') return { y: p.year, m: p.index, d: 1 };
  const jan4 = Date.UTC(p.year, 0, 4);
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY + (p.index - 1) * 7 * DAY;
  const d = new Date(monday);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

export function nextPeriod(p: Period): Period {
  if (p.kind === 'month') return p.index === 12 ? { kind: 'month', year: p.year + 1, index: 1 } : { ...p, index: p.index + 1 };
  return p.index === isoWeeksInYear(p.year) ? { kind: 'week', year: p.year + 1, index: 1 } : { ...p, index: p.index + 1 };
}

export function previousPeriod(p: Period): Period {
  if (p.kind === 'month') return p.index === 1 ? { kind: 'month', year: p.year - 1, index: 12 } : { ...p, index: p.index - 1 };
  return p.index === 1 ? { kind: 'week', year: p.year - 1, index: isoWeeksInYear(p.year - 1) } : { ...p, index: p.index - 1 };
}

/** The calendar date at that instant in the time zone. */
export function localDate(at: Date, timeZone: string): LocalDate {
  const shifted = new Date(at.getTime() + offsetMs(at, timeZone));
  return { y: shifted.getUTCFullYear(), m: shifted.getUTCMonth() + 1, d: shifted.getUTCDate() };
}

/** The instant local midnight starts that date. */
function localMidnight(date: LocalDate, timeZone: string): Date {
  return startOfLocalDay(`${String(date.y).padStart(4, '0')}-${String(date.m).padStart(2, '0')}-${String(date.d).padStart(2, '0')}`, timeZone);
}

/** [from, to): the UTC instants of the period's first local midnight and the next period's. */
export function periodBounds(p: Period, timeZone: string): { from: Date; to: Date } {
  return { from: localMidnight(firstDay(p), timeZone), to: localMidnight(firstDay(nextPeriod(p)), timeZone) };
}

export function periodContaining(at: Date, kind: PeriodKind, timeZone: string): Period {
  const date = localDate(at, timeZone);
  if (kind === 'month') return { kind, year: date.y, index: date.m };
  const { year, week } = isoWeekOf(date);
  return { kind, year, index: week };
}

/** What a scheduled run reports on: the period before the one `now` falls in. */
export function periodJustEnded(now: Date, kind: PeriodKind, timeZone: string): Period {
  return previousPeriod(periodContaining(now, kind, timeZone));
}
