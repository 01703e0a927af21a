import { z } from 'zod';
import type { Facility, QuestionnaireVersion } from '../../storage/ports.js';
import { inLanguageOrDefault } from '../../text/messages.js';
import { charterForFacility, type PublicCharter } from '../charters/charter-views.js';
import type { FacilityMetrics } from '../scorecards/metrics.js';
import { formatPeriod, parsePeriod, periodContaining, periodJustEnded, previousPeriod, type Period } from '../scorecards/period.js';
import { caseFigures, type CaseFigures } from './case-figures.js';
import { facilityTypeNames } from '../facilities/facility-types.js';
import { partitionCells, shareCell, type Cell } from './honest-cells.js';
import { DIMENSIONS, type Dimension, type DisaggregatedFigures, type PeriodFigures, type PublicFigures, type PublicFiguresDeps } from './public-figures.js';

/** how many of a facility's latest actions its page lists */
const ACTIONS_SHOWN = 5;

/**
 * The public pages' view models: national, a district, a facility, for one month. Every
 * figure is a Cell (honest-cells.ts): shown with its count, or "not enough reports yet".
 * The pages render these and decide nothing.
 */

export const PUBLIC_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** ?period= and ?lang= of a public page. */
export function publicQuery(languages: readonly string[]) {
  return z.object({
    period: z.string().regex(PUBLIC_MONTH, 'must be a month written YYYY-MM, for example 2026-10').optional(),
    lang: z
      .string()
      .refine((l) => languages.includes(l), `must be one of ${languages.join(', ')}`)
      .optional(),
  });
}

export const TREND_PERIODS = 6;
export const SELECTABLE_PERIODS = 12;

export type Headline = { reports: number; satisfaction: Cell; recommend: Cell };
export type ProblemRow = { code: string; label: string; cell: Cell };
export type Problems = {
  /** most named first, then the reports that named no problem (or did not answer) */
  rows: ProblemRow[];
  noProblem: Cell;
  /** the first shown problem, when there is one */
  top: ProblemRow | null;
};
export type TrendPoint = { period: string; reports: number; satisfaction: Cell; complete: boolean };
export type GroupRow = { code: string; label: string; reports: Cell; satisfaction: Cell };
export type Disaggregation = { dimension: Dimension; collected: boolean; groups: GroupRow[]; notAnswered: Cell };
export type Rank = { position: number; of: number; facilityType: string } | { reason: 'too_few' | 'no_answers' };

export type PeriodInfo = {
  key: string;
  from: Date;
  to: Date;
  complete: boolean;
  /** the months a visitor can choose, newest first */
  choices: Array<{ key: string; complete: boolean }>;
};

type Common = {
  period: PeriodInfo;
  minCount: number;
  headline: Headline;
  problems: Problems;
  trend: TrendPoint[];
  disaggregation: Disaggregation[];
  cases: CaseFigures;
};

/** `typeName`: the facility type's name for one, in the page's language, as staff stored it */
export type FacilitySummary = { code: string; name: string; type: string; typeName: string; district: string; headline: Headline; rank: Rank };

export type NationalPage = Common & { kind: 'national'; districts: Array<{ district: string; facilities: number; headline: Headline }> };
export type DistrictPage = Common & { kind: 'district'; district: string; facilities: FacilitySummary[] };
export type FacilityPage = Common & {
  kind: 'facility';
  facility: FacilitySummary;
  charter: PublicCharter | null;
  earlierDialogues: string[];
};
export type PublicPage = NationalPage | DistrictPage | FacilityPage;

export type PageResult<T> = { ok: true; page: T } | { ok: false; status: 400 | 404; message: string };

export type PublicPageDeps = PublicFiguresDeps & { figures: PublicFigures; defaultLanguage: string };

type Scope = { kind: 'national' } | { kind: 'district'; district: string } | { kind: 'facility'; code: string };

function metricsOf(f: { facility: Map<string, FacilityMetrics>; district: Map<string, FacilityMetrics>; national: FacilityMetrics }, scope: Scope): FacilityMetrics | null {
  if (scope.kind === 'national') return f.national;
  if (scope.kind === 'district') return f.district.get(scope.district) ?? null;
  return f.facility.get(scope.code) ?? null;
}

const EMPTY: FacilityMetrics = { reports: 0, satisfied: 0, satisfactionAnswers: 0, wouldRecommend: 0, recommendAnswers: 0, problems: [] };

export function headline(m: FacilityMetrics, minCount: number): Headline {
  return {
    reports: m.reports,
    // the share is shown only when the period's reports and the answers it is a share of reach the minimum
    satisfaction: m.reports >= minCount ? shareCell(m.satisfied, m.satisfactionAnswers, minCount) : { shown: false, reason: 'too_few' },
    recommend: m.reports >= minCount ? shareCell(m.wouldRecommend, m.recommendAnswers, minCount) : { shown: false, reason: 'too_few' },
  };
}

/** Labels of answer codes in a language, from the newest version of each questionnaire. */
export function labeller(versions: QuestionnaireVersion[], lang: string, fallback: string) {
  return (questionnaireId: string | null, questionId: string | null, code: string): string => {
    const candidates = versions.filter((v) => questionnaireId === null || v.id === questionnaireId);
    // the first version that names the code in a language: a label in the visitor's language beats one in the default
    const labelIn = (language: string): string | undefined => {
      for (const v of candidates) {
        const qs = v.texts[language]?.questions ?? {};
        const ids = questionId ? [questionId] : Object.keys(qs);
        for (const id of ids) {
          const label = qs[id]?.options?.[code];
          if (label) return label;
        }
      }
      return undefined;
    };
    return inLanguageOrDefault(lang, fallback, labelIn)?.text ?? code;
  };
}

type Label = ReturnType<typeof labeller>;

/** Problems merged by code (clinic and police both have "long wait"), as one partition of the reports. */
export function problemRows(m: FacilityMetrics, minCount: number, label: Label): Problems {
  const byCode = new Map<string, { count: number; questionnaireId: string; questionId: string }>();
  for (const p of m.problems) {
    const seen = byCode.get(p.code);
    if (seen) seen.count += p.count;
    else byCode.set(p.code, { count: p.count, questionnaireId: p.questionnaireId, questionId: p.questionId });
  }
  const named = [...byCode].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
  const rest = m.reports - named.reduce((n, [, p]) => n + p.count, 0);
  const cells = partitionCells(m.reports, [...named.map(([code, p]) => ({ key: code, count: p.count })), { key: '\u0000none', count: rest }], minCount, '\u0000none');
  const rows = cells
    .filter((c) => c.key !== '\u0000none')
    .map((c) => {
      const p = byCode.get(c.key)!;
      return { code: c.key, label: label(p.questionnaireId, p.questionId, c.key), cell: c.cell };
    });
  return { rows, noProblem: cells.find((c) => c.key === '\u0000none')!.cell, top: rows.find((r) => r.cell.shown) ?? null };
}

function disaggregation(groups: DisaggregatedFigures, scope: Scope, total: FacilityMetrics, minCount: number, label: Label): Disaggregation[] {
  return DIMENSIONS.map((dimension) => {
    const list = groups[dimension];
    if (!list) return { dimension, collected: false, groups: [], notAnswered: { shown: false, reason: 'too_few' } };
    const perGroup = list.map((g) => ({ code: g.code, questionId: g.questionId, m: metricsOf(g, scope) ?? EMPTY }));
    const notAnswered = total.reports - perGroup.reduce((n, g) => n + g.m.reports, 0);
    const cells = partitionCells(total.reports, [...perGroup.map((g) => ({ key: g.code, count: g.m.reports })), { key: '\u0000none', count: notAnswered }], minCount);
    const rows = perGroup.map((g, i) => {
      const reports = cells[i]!.cell;
      // a group's share only where its count is published: a suppressed group's share would give it away
      const satisfaction: Cell = reports.shown ? shareCell(g.m.satisfied, g.m.satisfactionAnswers, minCount) : { shown: false, reason: reports.reason };
      return { code: g.code, label: label(null, g.questionId, g.code), reports, satisfaction };
    });
    return { dimension, collected: true, groups: rows, notAnswered: cells[cells.length - 1]!.cell };
  });
}

function rankOf(f: PeriodFigures, code: string, type: string): Rank {
  const card = f.cards.get(code);
  if (!card?.shown) return { reason: 'too_few' };
  if (!card.rank) return { reason: 'no_answers' };
  return { ...card.rank, facilityType: type };
}

export function createPublicPages(deps: PublicPageDeps) {
  const { figures, settings } = deps;

  /** The month asked for, the month just ended by default; a month not begun is refused. */
  function choosePeriod(key: string | undefined): PageResult<Period> {
    const now = deps.clock.now();
    const current = periodContaining(now, 'month', settings.timeZone);
    if (key === undefined) return { ok: true, page: periodJustEnded(now, 'month', settings.timeZone) };
    const p = parsePeriod(key);
    if (p?.kind !== 'month') return { ok: false, status: 400, message: `period "${key}" is not a month: write it YYYY-MM, for example 2026-10` };
    if (p.year * 12 + p.index > current.year * 12 + current.index) return { ok: false, status: 400, message: `period ${key} has not started yet: the latest is ${formatPeriod(current)}` };
    return { ok: true, page: p };
  }

  function periodInfo(p: Period, f: PeriodFigures): PeriodInfo {
    const choices: PeriodInfo['choices'] = [];
    let c = periodContaining(deps.clock.now(), 'month', settings.timeZone);
    for (let i = 0; i < SELECTABLE_PERIODS; i++, c = previousPeriod(c)) choices.push({ key: formatPeriod(c), complete: figures.isComplete(c) });
    if (!choices.some((x) => x.key === f.period)) choices.push({ key: f.period, complete: f.complete });
    void p;
    return { key: f.period, from: f.from, to: f.to, complete: f.complete, choices };
  }

  async function common(p: Period, scope: Scope, lang: string): Promise<{ f: PeriodFigures; common: Common; label: Label }> {
    const f = await figures.figures(p);
    const label = labeller(await figures.latestVersions(), lang, deps.defaultLanguage);
    const m = metricsOf(f, scope) ?? EMPTY;
    const trend: TrendPoint[] = [];
    let q = p;
    for (let i = 0; i < TREND_PERIODS; i++, q = previousPeriod(q)) {
      const past = i === 0 ? f : await figures.figures(q);
      const pm = metricsOf(past, scope) ?? EMPTY;
      trend.unshift({ period: past.period, reports: pm.reports, satisfaction: headline(pm, settings.minCount).satisfaction, complete: past.complete });
    }
    const groups = await figures.disaggregated(p);
    const caseFilter = scope.kind === 'facility' ? { facilityCodes: [scope.code] } : scope.kind === 'district' ? { district: scope.district } : {};
    return {
      f,
      label,
      common: {
        period: periodInfo(p, f),
        minCount: settings.minCount,
        headline: headline(m, settings.minCount),
        problems: problemRows(m, settings.minCount, label),
        trend,
        disaggregation: disaggregation(groups, scope, m, settings.minCount, label),
        cases: await caseFigures(deps.storage, caseFilter, f, settings.minCount, scope.kind === 'facility' ? { actions: ACTIONS_SHOWN, timeZone: settings.timeZone } : null),
      },
    };
  }

  const summary = (f: PeriodFigures, fac: Facility, typeName: (code: string) => string): FacilitySummary => ({
    code: fac.code,
    name: fac.name,
    type: fac.type,
    typeName: typeName(fac.type),
    district: fac.district,
    headline: headline(f.facility.get(fac.code) ?? EMPTY, settings.minCount),
    rank: rankOf(f, fac.code, fac.type),
  });

  return {
    choosePeriod,
    async national(periodKey: string | undefined, lang: string): Promise<PageResult<NationalPage>> {
      const p = choosePeriod(periodKey);
      if (!p.ok) return p;
      const { f, common: c } = await common(p.page, { kind: 'national' }, lang);
      const facilities = await deps.storage.facilities.list();
      const districts = [...new Set(facilities.map((x) => x.district))].sort((a, b) => a.localeCompare(b));
      return {
        ok: true,
        page: {
          kind: 'national',
          ...c,
          districts: districts.map((d) => ({ district: d, facilities: facilities.filter((x) => x.district === d).length, headline: headline(f.district.get(d) ?? EMPTY, settings.minCount) })),
        },
      };
    },
    async district(district: string, periodKey: string | undefined, lang: string): Promise<PageResult<DistrictPage>> {
      const p = choosePeriod(periodKey);
      if (!p.ok) return p;
      const facilities = (await deps.storage.facilities.list({ district })).sort((a, b) => a.name.localeCompare(b.name));
      if (facilities.length === 0) return { ok: false, status: 404, message: `no district is called "${district}"` };
      const { f, common: c } = await common(p.page, { kind: 'district', district }, lang);
      const typeName = await facilityTypeNames(deps.storage, lang, deps.defaultLanguage);
      return { ok: true, page: { kind: 'district', ...c, district, facilities: facilities.map((fac) => summary(f, fac, typeName)) } };
    },
    async facility(code: string, periodKey: string | undefined, lang: string): Promise<PageResult<FacilityPage>> {
      const p = choosePeriod(periodKey);
      if (!p.ok) return p;
      const fac = await deps.storage.facilities.findByCode(code);
      if (!fac) return { ok: false, status: 404, message: `no facility has the code "${code}"` };
      const { f, common: c } = await common(p.page, { kind: 'facility', code }, lang);
      const charter = await charterForFacility(deps, code);
      const typeName = await facilityTypeNames(deps.storage, lang, deps.defaultLanguage);
      return { ok: true, page: { kind: 'facility', ...c, facility: summary(f, fac, typeName), charter: charter.charter, earlierDialogues: charter.earlierDialogues } };
    },
  };
}

export type PublicPages = ReturnType<typeof createPublicPages>;
