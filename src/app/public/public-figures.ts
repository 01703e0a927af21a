import type { QuestionnaireDefinition } from '../../engine/definition.js';
import type { Facility, QuestionnaireVersion, ResponseTally, Scorecard, Store } from '../../storage/ports.js';
import { computeScorecards, facilityMetrics, questionIdsToTally, roleLookup, type FacilityMetrics } from '../scorecards/metrics.js';
import { formatPeriod, periodBounds, previousPeriod, type Period } from '../scorecards/period.js';

/**
 * The figures behind the public pages and the open data, for one period: the same tally and
 * the same metrics as the scorecard run (computeScorecards: shares, rank among the facility's
 * type in its district), folded per facility, per district and nationally. A complete period's
 * figures cannot change any more (reports are counted when they complete, and it has ended),
 * so they are computed once and kept; the running period's are computed on every request.
 */

export type PublicFiguresDeps = {
  storage: Store;
  clock: { now(): Date };
  settings: { timeZone: string; minCount: number };
};

export type Dimension = 'gender' | 'age_band';
export const DIMENSIONS: readonly Dimension[] = ['gender', 'age_band'];

export type PeriodFigures = {
  period: string;
  from: Date;
  to: Date;
  /** ended before the figures were computed: they are final */
  complete: boolean;
  minCount: number;
  /** per facility code: its scorecard as the run would compute it (rank included) */
  cards: Map<string, Scorecard>;
  facility: Map<string, FacilityMetrics>;
  district: Map<string, FacilityMetrics>;
  national: FacilityMetrics;
};

export type GroupFigures = {
  code: string;
  /** the question that asks it (the first, when several do), for its label */
  questionId: string;
  facility: Map<string, FacilityMetrics>;
  district: Map<string, FacilityMetrics>;
  national: FacilityMetrics;
};
/** Per dimension, null when no questionnaire version asks it. */
export type DisaggregatedFigures = Record<Dimension, GroupFigures[] | null>;

/** The gender and age band questions of a questionnaire (their role says so), with their option codes. */
export function demographicQuestions(def: QuestionnaireDefinition): Partial<Record<Dimension, { questionId: string; codes: string[] }>> {
  const out: Partial<Record<Dimension, { questionId: string; codes: string[] }>> = {};
  for (const q of def.questions) {
    if ((q.role === 'gender' || q.role === 'age_band') && q.type === 'choice' && !out[q.role]) out[q.role] = { questionId: q.id, codes: q.options.map((o) => o.code) };
  }
  return out;
}

const MAX_CACHED = 120;

export function createPublicFigures(deps: PublicFiguresDeps) {
  const { storage, settings } = deps;
  const cached = new Map<string, Promise<PeriodFigures>>();
  const cachedGroups = new Map<string, Promise<DisaggregatedFigures>>();

  const versions = async () => (await storage.questionnaires.listVersions()).filter((v) => v.status !== 'draft');

  function keep<T>(cache: Map<string, Promise<T>>, key: string, compute: () => Promise<T>, complete: boolean): Promise<T> {
    if (!complete) return compute();
    const hit = cache.get(key);
    if (hit) return hit;
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    const p = compute();
    cache.set(key, p);
    // a failure is not kept: the next request tries again
    p.catch(() => cache.delete(key));
    return p;
  }

  const isComplete = (p: Period) => periodBounds(p, settings.timeZone).to.getTime() <= deps.clock.now().getTime();

  function fold(facilities: Facility[], tallies: ResponseTally[], roles: ReturnType<typeof roleLookup>) {
    const byFacility = new Map<string, ResponseTally[]>();
    for (const t of tallies) byFacility.set(t.facilityCode, [...(byFacility.get(t.facilityCode) ?? []), t]);
    const facility = new Map<string, FacilityMetrics>();
    const districtTallies = new Map<string, ResponseTally[]>();
    const all: ResponseTally[] = [];
    for (const f of facilities) {
      const own = byFacility.get(f.code) ?? [];
      facility.set(f.code, facilityMetrics(own, roles));
      districtTallies.set(f.district, [...(districtTallies.get(f.district) ?? []), ...own]);
      all.push(...own);
    }
    const district = new Map([...districtTallies].map(([d, list]) => [d, facilityMetrics(list, roles)]));
    return { facility, district, national: facilityMetrics(all, roles) };
  }

  async function compute(period: Period): Promise<PeriodFigures> {
    const list = await versions();
    const bounds = periodBounds(period, settings.timeZone);
    const complete = isComplete(period);
    const tallies = await storage.responses.tallyCounted({ ...bounds, questionIds: questionIdsToTally(list) });
    const facilities = await storage.facilities.list();
    const roles = roleLookup(list);
    const cards = computeScorecards({
      facilities,
      current: tallies,
      previous: [],
      roles,
      period: formatPeriod(period),
      previousPeriod: formatPeriod(previousPeriod(period)),
      bounds,
      minCount: settings.minCount,
      computedAt: deps.clock.now(),
    });
    return { period: formatPeriod(period), ...bounds, complete, minCount: settings.minCount, cards: new Map(cards.map((c) => [c.facilityCode, c])), ...fold(facilities, tallies, roles) };
  }

  async function computeGroups(period: Period): Promise<DisaggregatedFigures> {
    const list = await versions();
    const bounds = periodBounds(period, settings.timeZone);
    const questionIds = questionIdsToTally(list);
    const facilities = await storage.facilities.list();
    const roles = roleLookup(list);
    const out: DisaggregatedFigures = { gender: null, age_band: null };
    for (const dimension of DIMENSIONS) {
      // the (question, code) pairs that mean each group, across questionnaires, in the order first asked
      const pairs = new Map<string, Set<string>>();
      for (const v of list) {
        const q = demographicQuestions(v.definition)[dimension];
        if (!q) continue;
        for (const code of q.codes) pairs.set(code, (pairs.get(code) ?? new Set()).add(q.questionId));
      }
      if (pairs.size === 0) continue;
      const groups: GroupFigures[] = [];
      for (const [code, questionIdsOfGroup] of pairs) {
        const tallies: ResponseTally[] = [];
        for (const questionId of questionIdsOfGroup) tallies.push(...(await storage.responses.tallyCounted({ ...bounds, questionIds, answered: { questionId, value: code } })));
        groups.push({ code, questionId: [...questionIdsOfGroup][0]!, ...fold(facilities, tallies, roles) });
      }
      out[dimension] = groups;
    }
    return out;
  }

  return {
    /** The figures of a period; a complete period's are computed once. */
    figures(period: Period): Promise<PeriodFigures> {
      return keep(cached, formatPeriod(period), () => compute(period), isComplete(period));
    },
    /** Gender and age band groups of a period (a tally per group); a complete period's are computed once. */
    disaggregated(period: Period): Promise<DisaggregatedFigures> {
      return keep(cachedGroups, formatPeriod(period), () => computeGroups(period), isComplete(period));
    },
    isComplete,
    /** the newest version of each questionnaire, for option labels */
    async latestVersions(): Promise<QuestionnaireVersion[]> {
      const newest = new Map<string, QuestionnaireVersion>();
      for (const v of await versions()) if ((newest.get(v.id)?.version ?? -1) < v.version) newest.set(v.id, v);
      return [...newest.values()];
    },
  };
}

export type PublicFigures = ReturnType<typeof createPublicFigures>;
