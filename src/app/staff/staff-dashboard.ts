import type { Store } from '../../storage/ports.js';
import { localDay, startOfLocalDay } from '../../text/time.js';

/**
 * The dashboard's figures: complete reports per day, and the average satisfaction rating
 * (the question whose role is "satisfaction", 1 to 5) per facility per day. Days are local
 * days in the programme's time zone, fixed when a report completes. The figures come from one
 * storage query that aggregates (per facility and day), so a view costs the same whatever the
 * number of responses behind it; nothing here walks the responses.
 */

export type DashboardData = {
  from: Date;
  to: Date;
  days: string[];
  reportsPerDay: number[];
  total: number;
  facilities: Array<{ code: string; name: string; reports: number; satisfaction: Array<{ day: string; average: number; n: number } | null> }>;
};

export type DaySatisfaction = DashboardData['facilities'][number]['satisfaction'][number];

/**
 * A facility's average satisfaction over the whole period, weighted by each day's ratings (an
 * average of the daily averages would let a day with one rating count as much as a busy one),
 * or null when nobody rated it.
 */
export function periodSatisfaction(days: readonly DaySatisfaction[]): { average: number; ratings: number } | null {
  const rated = days.filter((d): d is NonNullable<DaySatisfaction> => d !== null);
  const ratings = rated.reduce((sum, d) => sum + d.n, 0);
  return ratings ? { average: rated.reduce((sum, d) => sum + d.average * d.n, 0) / ratings, ratings } : null;
}

/** The instant the local day holding `at` starts in `timeZone`. */
export function startOfDayInZone(at: Date, timeZone: string): Date {
  return startOfLocalDay(localDay(at, timeZone), timeZone);
}

/** The last `days` whole local days, today included. */
export function lastDays(now: Date, days: number, timeZone: string): { from: Date; to: Date } {
  const today = startOfDayInZone(now, timeZone);
  const to = startOfDayInZone(new Date(today.getTime() + 36 * 3600_000), timeZone);
  return { from: startOfDayInZone(new Date(to.getTime() - days * 86_400_000 + 12 * 3600_000), timeZone), to };
}

/** Each local day from the one holding `from` to the one before `to`, in order: calendar arithmetic, no clock-change guesswork. */
export function daysBetween(from: Date, to: Date, timeZone: string): string[] {
  const first = localDay(from, timeZone);
  const last = localDay(new Date(to.getTime() - 1), timeZone);
  const days: string[] = [];
  for (let d = Date.parse(`${first}T00:00:00Z`), end = Date.parse(`${last}T00:00:00Z`); d <= end; d += 86_400_000) days.push(new Date(d).toISOString().slice(0, 10));
  return days;
}

export async function dashboardData(storage: Store, options: { from: Date; to: Date; timeZone: string }): Promise<DashboardData> {
  const days = daysBetween(options.from, options.to, options.timeZone);
  const dayIndex = new Map(days.map((d, i) => [d, i]));

  const ratings = (await storage.questionnaires.listVersions()).flatMap((v) => {
    const q = v.definition.questions.find((x) => x.role === 'satisfaction' && x.type === 'rating');
    return q ? [{ questionnaireId: v.id, questionnaireVersion: v.version, questionId: q.id }] : [];
  });
  const rows = days.length ? await storage.responses.dailyFigures({ fromDay: days[0]!, toDay: days[days.length - 1]!, ratings }) : [];

  const reportsPerDay = days.map(() => 0);
  const perFacility = new Map<string, { reports: number; sums: number[]; counts: number[] }>();
  let total = 0;
  for (const row of rows) {
    const i = dayIndex.get(row.day);
    if (i === undefined) continue;
    total += row.reports;
    reportsPerDay[i]! += row.reports;
    let f = perFacility.get(row.facilityCode);
    if (!f) perFacility.set(row.facilityCode, (f = { reports: 0, sums: days.map(() => 0), counts: days.map(() => 0) }));
    f.reports += row.reports;
    f.sums[i]! += row.ratingSum;
    f.counts[i]! += row.ratings;
  }
  const names = new Map((await storage.facilities.list()).map((f) => [f.code, f.name]));
  const facilities = [...perFacility.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, f]) => ({
      code,
      name: names.get(code) ?? code,
      reports: f.reports,
      satisfaction: days.map((day, i) => (f.counts[i]! > 0 ? { day, average: f.sums[i]! / f.counts[i]!, n: f.counts[i]! } : null)),
    }));
  return { from: options.from, to: options.to, days, reportsPerDay, total, facilities };
}
