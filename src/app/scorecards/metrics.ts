import type { QuestionnaireDefinition } from '../../engine/definition.js';
import type { Facility } from '../../storage/ports.js';
import type { ProblemCount, ResponseTally, Scorecard } from '../../storage/scorecard-ports.js';

/**
 * Scorecard metrics: pure functions over the tally of a period's counted responses (the
 * storage port only returns counted ones, so flagged duplicates never reach here). What a
 * question means comes from its role in the questionnaire version the answers were given
 * to: satisfaction (a rating; 4 or 5 is satisfied), recommend (options marked positive)
 * and main_problem (the option marked none is "no problem").
 */

export type ScorecardRoles = {
  satisfaction: string | null;
  recommend: { questionId: string; positive: string[] } | null;
  problem: { questionId: string; none: string[] } | null;
};

export function scorecardRoles(def: QuestionnaireDefinition): ScorecardRoles {
  const roles: ScorecardRoles = { satisfaction: null, recommend: null, problem: null };
  for (const q of def.questions) {
    if (q.role === 'satisfaction' && q.type === 'rating' && !roles.satisfaction) roles.satisfaction = q.id;
    if (q.role === 'recommend' && q.type === 'choice' && !roles.recommend) roles.recommend = { questionId: q.id, positive: q.options.filter((o) => o.positive).map((o) => o.code) };
    if (q.role === 'main_problem' && q.type === 'choice' && !roles.problem) roles.problem = { questionId: q.id, none: q.options.filter((o) => o.none).map((o) => o.code) };
  }
  return roles;
}

/** Roles of each questionnaire version, looked up by id and version. */
export type RoleLookup = (questionnaireId: string, version: number) => ScorecardRoles | null;

export function roleLookup(definitions: Array<{ id: string; version: number; definition: QuestionnaireDefinition }>): RoleLookup {
  const map = new Map(definitions.map((d) => [`${d.id}@${d.version}`, scorecardRoles(d.definition)]));
  return (id, version) => map.get(`${id}@${version}`) ?? null;
}

/** The question ids the tally must count answers for. */
export function questionIdsToTally(definitions: Array<{ definition: QuestionnaireDefinition }>): string[] {
  const ids = new Set<string>();
  for (const { definition } of definitions) {
    const r = scorecardRoles(definition);
    if (r.satisfaction) ids.add(r.satisfaction);
    if (r.recommend) ids.add(r.recommend.questionId);
    if (r.problem) ids.add(r.problem.questionId);
  }
  return [...ids].sort();
}

export type FacilityMetrics = {
  reports: number;
  satisfied: number;
  satisfactionAnswers: number;
  wouldRecommend: number;
  recommendAnswers: number;
  /** most common first; "no problem" answers left out */
  problems: ProblemCount[];
};

const SATISFIED = new Set([4, 5]);

/** Folds one facility's tallies (one per questionnaire version) into its metrics. */
export function facilityMetrics(tallies: ResponseTally[], roles: RoleLookup): FacilityMetrics {
  const m: FacilityMetrics = { reports: 0, satisfied: 0, satisfactionAnswers: 0, wouldRecommend: 0, recommendAnswers: 0, problems: [] };
  const problems = new Map<string, ProblemCount>();
  for (const t of tallies) {
    m.reports += t.reports;
    const r = roles(t.questionnaireId, t.questionnaireVersion);
    if (!r) continue;
    for (const a of t.answers) {
      if (a.questionId === r.satisfaction) {
        m.satisfactionAnswers += a.count;
        if (typeof a.value === 'number' && SATISFIED.has(a.value)) m.satisfied += a.count;
      }
      if (a.questionId === r.recommend?.questionId) {
        m.recommendAnswers += a.count;
        if (r.recommend.positive.includes(String(a.value))) m.wouldRecommend += a.count;
      }
      if (a.questionId === r.problem?.questionId && !r.problem.none.includes(String(a.value))) {
        const key = `${t.questionnaireId}|${a.questionId}|${a.value}`;
        const p = problems.get(key) ?? { questionnaireId: t.questionnaireId, questionId: a.questionId, code: String(a.value), count: 0 };
        p.count += a.count;
        problems.set(key, p);
      }
    }
  }
  m.problems = [...problems.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code) || a.questionnaireId.localeCompare(b.questionnaireId));
  return m;
}

/** A whole percentage, or null when nobody answered. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((100 * part) / whole) : null;
}

export type ScorecardInput = {
  /** the facilities to report on (normally the active ones) */
  facilities: Facility[];
  current: ResponseTally[];
  previous: ResponseTally[];
  roles: RoleLookup;
  period: string;
  previousPeriod: string;
  bounds: { from: Date; to: Date };
  minCount: number;
  computedAt: Date;
};

function groupByFacility(tallies: ResponseTally[]): Map<string, ResponseTally[]> {
  const out = new Map<string, ResponseTally[]>();
  for (const t of tallies) {
    const list = out.get(t.facilityCode);
    if (list) list.push(t);
    else out.set(t.facilityCode, [t]);
  }
  return out;
}

/**
 * One scorecard per facility. Shares, change and rank only when the count reaches
 * minCount; rank is among the shown facilities of the same type in the same district,
 * best satisfied share first (then recommend share, then reports), equal ones sharing a place.
 */
export function computeScorecards(input: ScorecardInput): Scorecard[] {
  const current = groupByFacility(input.current);
  const previous = groupByFacility(input.previous);
  const cards: Scorecard[] = input.facilities.map((f) => {
    const now = facilityMetrics(current.get(f.code) ?? [], input.roles);
    const before = facilityMetrics(previous.get(f.code) ?? [], input.roles);
    const shown = now.reports >= input.minCount;
    const beforeShown = before.reports >= input.minCount;
    const satisfiedPct = shown ? percent(now.satisfied, now.satisfactionAnswers) : null;
    const previousPct = beforeShown ? percent(before.satisfied, before.satisfactionAnswers) : null;
    return {
      facilityCode: f.code,
      facilityName: f.name,
      facilityType: f.type,
      district: f.district,
      period: input.period,
      from: input.bounds.from,
      to: input.bounds.to,
      reports: now.reports,
      minCount: input.minCount,
      shown,
      satisfied: now.satisfied,
      satisfactionAnswers: now.satisfactionAnswers,
      wouldRecommend: now.wouldRecommend,
      recommendAnswers: now.recommendAnswers,
      satisfiedPct,
      recommendPct: shown ? percent(now.wouldRecommend, now.recommendAnswers) : null,
      topProblem: now.problems[0] ?? null,
      previous: { period: input.previousPeriod, reports: before.reports, satisfiedPct: previousPct },
      change: satisfiedPct !== null && previousPct !== null ? satisfiedPct - previousPct : null,
      rank: null,
      computedAt: input.computedAt,
    };
  });
  rankWithinTypeAndDistrict(cards);
  return cards;
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : -1);

function rankWithinTypeAndDistrict(cards: Scorecard[]): void {
  const groups = new Map<string, Scorecard[]>();
  for (const c of cards) {
    if (!c.shown || c.satisfactionAnswers === 0) continue;
    const key = `${c.district}\u0000${c.facilityType}`;
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  const score = (c: Scorecard) => [share(c.satisfied, c.satisfactionAnswers), share(c.wouldRecommend, c.recommendAnswers), c.reports];
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return b[i]! - a[i]!;
    return 0;
  };
  for (const group of groups.values()) {
    const scored = group.map((c) => ({ c, s: score(c) })).sort((a, b) => compare(a.s, b.s));
    scored.forEach((entry, i) => {
      const tiedWithPrevious = i > 0 && compare(scored[i - 1]!.s, entry.s) === 0;
      const position = tiedWithPrevious ? scored[i - 1]!.c.rank!.position : i + 1;
      entry.c.rank = { position, of: group.length };
    });
  }
}

/**
 * The one rule for naming a top problem (SMS, console, public pages): only when enough reports
 * name it, the minimum count, in a period with enough reports. "Top problem: Other" from 1 of
 * 13 reports (12 said "No problem") is not a finding. 'too_few' when problems were named, none
 * that often; null when no report named a problem.
 */
export function namedTopProblem(card: Pick<Scorecard, 'topProblem' | 'minCount' | 'shown'>): ProblemCount | 'too_few' | null {
  if (!card.topProblem) return null;
  return card.shown && card.topProblem.count >= card.minCount ? card.topProblem : 'too_few';
}
