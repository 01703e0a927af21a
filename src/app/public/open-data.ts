import { z } from 'zod';
import { formatPeriod, parsePeriod, periodJustEnded, previousPeriod, type Period } from '../scorecards/period.js';
import type { Cell } from './honest-cells.js';
import { headline, labeller, problemRows, PUBLIC_MONTH } from './public-pages.js';
import type { PublicFigures, PublicFiguresDeps } from './public-figures.js';

/**
 * Open data: per facility and complete month, the published aggregates under the same
 * minimum-count rule as the pages (a suppressed figure is an empty value with its status
 * "not_enough_reports"). Only months that have ended are published, so a row never changes
 * once it is out. Licence CC BY 4.0.
 */

export const OPEN_DATA_LICENCE = { name: 'CC-BY-4.0', title: 'Creative Commons Attribution 4.0 International', path: 'https://creativecommons.org/licenses/by/4.0/' } as const;
export const MAX_OPEN_DATA_MONTHS = 36;
export const DEFAULT_OPEN_DATA_MONTHS = 12;

export const OpenDataQuery = z.object({
  from: z.string().regex(PUBLIC_MONTH, 'must be a month written YYYY-MM, for example 2026-01').optional(),
  to: z.string().regex(PUBLIC_MONTH, 'must be a month written YYYY-MM, for example 2026-10').optional(),
});

/** The columns, in order, with what each holds: the CSV header, the JSON schema and the README say the same. */
export const OPEN_DATA_COLUMNS = [
  { name: 'period', type: 'string', description: 'the calendar month, YYYY-MM, in the programme time zone' },
  { name: 'period_start', type: 'datetime', description: 'the first instant of the month (UTC, ISO 8601)' },
  { name: 'period_end', type: 'datetime', description: 'the first instant after the month (UTC, ISO 8601)' },
  { name: 'facility_code', type: 'string', description: "the facility's code in the registry" },
  { name: 'facility_name', type: 'string', description: "the facility's name" },
  { name: 'facility_type', type: 'string', description: 'clinic, police, social_grant, ...' },
  { name: 'district', type: 'string', description: "the facility's district" },
  { name: 'reports', type: 'integer', description: 'counted reports completed in the month (one per person, facility and count window; duplicates left out)' },
  { name: 'min_count', type: 'integer', description: 'the minimum count: a figure resting on fewer reports is not published' },
  { name: 'satisfied_pct', type: 'integer', description: 'share of those who rated their visit who gave 4 or 5 of 5, whole percent; empty unless satisfied_status is shown' },
  { name: 'satisfaction_answers', type: 'integer', description: 'how many rated their visit (the base of satisfied_pct); empty unless shown' },
  { name: 'satisfied_status', type: 'string', description: 'shown | not_enough_reports' },
  { name: 'recommend_pct', type: 'integer', description: 'share who would recommend the facility, whole percent; empty unless recommend_status is shown' },
  { name: 'recommend_answers', type: 'integer', description: 'how many answered the recommend question; empty unless shown' },
  { name: 'recommend_status', type: 'string', description: 'shown | not_enough_reports' },
  { name: 'top_problem_code', type: 'string', description: 'the problem most reports named (answer code); empty unless top_problem_status is shown' },
  { name: 'top_problem_label', type: 'string', description: 'its English label' },
  { name: 'top_problem_count', type: 'integer', description: 'how many reports named it' },
  { name: 'top_problem_status', type: 'string', description: 'shown | not_enough_reports (no problem was named by the minimum count of reports)' },
  { name: 'rank_position', type: 'integer', description: "the facility's place among the facilities of its type in its district with enough reports (1 = most satisfied); empty when not ranked" },
  { name: 'rank_of', type: 'integer', description: 'how many facilities were ranked with it' },
] as const;

export type OpenDataRow = Record<(typeof OPEN_DATA_COLUMNS)[number]['name'], string | number | null>;

export type OpenDataResult = { ok: true; from: string; to: string; rows: OpenDataRow[] } | { ok: false; status: 400; message: string };

const status = (c: Cell) => (c.shown ? 'shown' : 'not_enough_reports');

export async function openDataRows(deps: PublicFiguresDeps & { figures: PublicFigures; defaultLanguage: string }, query: { from?: string; to?: string }): Promise<OpenDataResult> {
  const lastComplete = periodJustEnded(deps.clock.now(), 'month', deps.settings.timeZone);
  const to = query.to ? parsePeriod(query.to) : lastComplete;
  let from: Period | null = null;
  if (query.from) from = parsePeriod(query.from);
  else if (to) {
    from = to;
    for (let i = 1; i < DEFAULT_OPEN_DATA_MONTHS; i++) from = previousPeriod(from);
  }
  if (!to || !from) return { ok: false, status: 400, message: 'from and to must be months written YYYY-MM' };
  const index = (p: Period) => p.year * 12 + p.index;
  if (index(to) > index(lastComplete))
    return { ok: false, status: 400, message: `to=${formatPeriod(to)} has not ended yet: open data holds complete months only, the latest is ${formatPeriod(lastComplete)}` };
  if (index(from) > index(to)) return { ok: false, status: 400, message: `from=${formatPeriod(from)} is after to=${formatPeriod(to)}` };
  if (index(to) - index(from) + 1 > MAX_OPEN_DATA_MONTHS) return { ok: false, status: 400, message: `at most ${MAX_OPEN_DATA_MONTHS} months at a time: ask for a shorter range` };

  const label = labeller(await deps.figures.latestVersions(), deps.defaultLanguage, deps.defaultLanguage);
  const facilities = (await deps.storage.facilities.list()).sort((a, b) => a.code.localeCompare(b.code));
  const rows: OpenDataRow[] = [];
  const months: Period[] = [];
  for (let p = to; index(p) >= index(from); p = previousPeriod(p)) months.unshift(p);
  for (const p of months) {
    const f = await deps.figures.figures(p);
    for (const fac of facilities) {
      const m = f.facility.get(fac.code);
      if (!m) continue;
      const h = headline(m, f.minCount);
      const top = problemRows(m, f.minCount, label).top;
      const card = f.cards.get(fac.code);
      const rank = card?.shown ? card.rank : null;
      rows.push({
        period: f.period,
        period_start: f.from.toISOString(),
        period_end: f.to.toISOString(),
        facility_code: fac.code,
        facility_name: fac.name,
        facility_type: fac.type,
        district: fac.district,
        reports: m.reports,
        min_count: f.minCount,
        satisfied_pct: h.satisfaction.shown ? h.satisfaction.pct : null,
        satisfaction_answers: h.satisfaction.shown ? h.satisfaction.of : null,
        satisfied_status: status(h.satisfaction),
        recommend_pct: h.recommend.shown ? h.recommend.pct : null,
        recommend_answers: h.recommend.shown ? h.recommend.of : null,
        recommend_status: status(h.recommend),
        top_problem_code: top?.code ?? null,
        top_problem_label: top?.label ?? null,
        top_problem_count: top?.cell.shown ? top.cell.count : null,
        top_problem_status: top ? 'shown' : 'not_enough_reports',
        rank_position: rank?.position ?? null,
        rank_of: rank?.of ?? null,
      });
    }
  }
  return { ok: true, from: formatPeriod(from), to: formatPeriod(to), rows };
}
