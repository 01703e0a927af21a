import type { Storage } from '../storage/ports.js';

/**
 * The dashboard's figures: complete reports per day, and the average satisfaction rating
 * (the question whose role is "satisfaction", 1 to 5) per facility per day. Days are
 * counted in the programme's time zone. Computed from the response stream, holding only
 * the running totals.
 */

export type DashboardData = {
  from: Date;
  to: Date;
  days: string[];
  reportsPerDay: number[];
  total: number;
  facilities: Array<{ code: string; name: string; reports: number; satisfaction: Array<{ day: string; average: number; n: number } | null> }>;
};

export function dayInZone(at: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The instant a local day starts in `timeZone` (the zone's offset at `at`; DST shifts inside the day are ignored). */
export function startOfDayInZone(at: Date, timeZone: string): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const localAsUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const offset = localAsUtc - Math.floor(at.getTime() / 1000) * 1000;
  return new Date(Date.UTC(parts.year!, parts.month! - 1, parts.day!) - offset);
}

/** The last `days` whole local days, today included. */
export function lastDays(now: Date, days: number, timeZone: string): { from: Date; to: Date } {
  const today = startOfDayInZone(now, timeZone);
  const to = startOfDayInZone(new Date(today.getTime() + 36 * 3600_000), timeZone);
  return { from: startOfDayInZone(new Date(to.getTime() - days * 86_400_000 + 12 * 3600_000), timeZone), to };
}

export async function dashboardData(storage: Storage, options: { from: Date; to: Date; timeZone: string }): Promise<DashboardData> {
  const days: string[] = [];
  // step by hours so a day shortened or lengthened by a clock change is neither skipped nor doubled
  for (let at = options.from.getTime(); at < options.to.getTime(); at += 3600_000) {
    const day = dayInZone(new Date(at), options.timeZone);
    if (days[days.length - 1] !== day) days.push(day);
  }
  const dayIndex = new Map(days.map((d, i) => [d, i]));

  const satisfactionQuestion = new Map<string, string | null>();
  for (const v of await storage.questionnaires.listVersions()) {
    satisfactionQuestion.set(`${v.id}@${v.version}`, v.definition.questions.find((q) => q.role === 'satisfaction' && q.type === 'rating')?.id ?? null);
  }
  const reportsPerDay = days.map(() => 0);
  const perFacility = new Map<string, { reports: number; sums: number[]; counts: number[] }>();
  let total = 0;
  for await (const r of storage.responses.stream({ status: 'complete', from: new Date(options.from.getTime() - 86_400_000), to: options.to })) {
    if (!r.completedAt || r.completedAt < options.from || r.completedAt >= options.to) continue;
    const i = dayIndex.get(dayInZone(r.completedAt, options.timeZone));
    if (i === undefined) continue;
    total++;
    reportsPerDay[i]!++;
    const f = perFacility.get(r.facilityCode) ?? { reports: 0, sums: days.map(() => 0), counts: days.map(() => 0) };
    f.reports++;
    const qid = satisfactionQuestion.get(`${r.questionnaireId}@${r.questionnaireVersion}`);
    const value = qid ? r.answers.find((a) => a.questionId === qid)?.value : undefined;
    if (typeof value === 'number') {
      f.sums[i]! += value;
      f.counts[i]!++;
    }
    perFacility.set(r.facilityCode, f);
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
