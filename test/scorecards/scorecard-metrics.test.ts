import { describe, expect, it } from 'vitest';
import { computeScorecards, facilityMetrics, percent, questionIdsToTally, roleLookup, scorecardRoles } from '../../src/app/scorecards/metrics.js';
import { loadShippedContent } from '../../src/app/content.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';
import type { Facility, ResponseTally } from '../../src/storage/ports.js';

const content = loadShippedContent(PROJECT_ROOT);
const versions = content.flows.map((definition) => ({ id: definition.id, version: 1, definition }));
const roles = roleLookup(versions);

const facility = (code: string, type = 'clinic', district = 'Riverside'): Facility => ({ code, name: `Facility ${code}`, type, district, active: true, managers: [] });

/** A clinic tally: `satisfaction` ratings, `recommend` codes and `problem` codes with counts. */
function clinicTally(
  code: string,
  counts: { reports: number; satisfaction?: Record<number, number>; recommend?: Record<string, number>; problem?: Record<string, number> },
  over: Partial<ResponseTally> = {},
): ResponseTally {
  const answers = [
    ...Object.entries(counts.satisfaction ?? {}).map(([v, count]) => ({ questionId: 'satisfaction', value: Number(v), count })),
    ...Object.entries(counts.recommend ?? {}).map(([v, count]) => ({ questionId: 'recommend', value: v, count })),
    ...Object.entries(counts.problem ?? {}).map(([v, count]) => ({ questionId: 'problem', value: v, count })),
  ];
  return { facilityCode: code, facilityType: 'clinic', district: 'Riverside', questionnaireId: 'clinic', questionnaireVersion: 1, reports: counts.reports, answers, ...over };
}

const base = {
  period: '2026-10',
  previousPeriod: '2026-09',
  bounds: { from: new Date('2026-09-30T22:00:00Z'), to: new Date('2026-10-31T22:00:00Z') },
  minCount: 10,
  computedAt: new Date('2026-11-01T06:00:00Z'),
  roles,
};

describe('scorecard metrics', () => {
  it('finds the roles in the shipped questionnaires', () => {
    const clinic = content.flows.find((f) => f.id === 'clinic')!;
    expect(scorecardRoles(clinic)).toEqual({
      satisfaction: 'satisfaction',
      recommend: { questionId: 'recommend', positive: ['very_likely', 'likely'] },
      problem: { questionId: 'problem', none: ['none'] },
    });
    expect(questionIdsToTally(versions)).toEqual(['problem', 'recommend', 'satisfaction']);
  });

  it('counts 4 and 5 as satisfied, positive options as would-recommend, and leaves "no problem" out of the top problem', () => {
    const m = facilityMetrics(
      [
        clinicTally('1001', {
          reports: 12,
          satisfaction: { 1: 1, 3: 2, 4: 4, 5: 5 },
          recommend: { very_likely: 3, likely: 4, neither: 2, dont_know: 3 },
          problem: { none: 7, long_wait: 3, rude_staff: 2 },
        }),
      ],
      roles,
    );
    expect(m).toMatchObject({ reports: 12, satisfied: 9, satisfactionAnswers: 12, wouldRecommend: 7, recommendAnswers: 12 });
    expect(m.problems.map((p) => [p.code, p.count])).toEqual([
      ['long_wait', 3],
      ['rude_staff', 2],
    ]);
  });

  it('adds up several questionnaire versions and ignores versions it does not know', () => {
    const m = facilityMetrics(
      [
        clinicTally('1001', { reports: 5, satisfaction: { 5: 5 }, problem: { dirty: 2 } }),
        clinicTally('1001', { reports: 4, satisfaction: { 2: 4 }, problem: { dirty: 1, long_wait: 3 } }, { questionnaireVersion: 1 }),
        clinicTally('1001', { reports: 7, satisfaction: { 5: 7 } }, { questionnaireVersion: 99 }),
      ],
      roles,
    );
    expect(m).toMatchObject({ reports: 16, satisfied: 5, satisfactionAnswers: 9 });
    expect(m.problems[0]).toMatchObject({ code: 'dirty', count: 3 });
  });

  it('shows no shares, change or rank below the minimum count, and says how many reports came', () => {
    const [card] = computeScorecards({ ...base, facilities: [facility('1001')], current: [clinicTally('1001', { reports: 9, satisfaction: { 5: 9 } })], previous: [] });
    expect(card).toMatchObject({ reports: 9, shown: false, satisfiedPct: null, recommendPct: null, change: null, rank: null, satisfied: 9 });
    const [none] = computeScorecards({ ...base, facilities: [facility('1002')], current: [], previous: [] });
    expect(none).toMatchObject({ reports: 0, shown: false, topProblem: null, previous: { period: '2026-09', reports: 0, satisfiedPct: null } });
  });

  it('gives the change in points since the previous period when both are shown', () => {
    const [card] = computeScorecards({
      ...base,
      facilities: [facility('1001')],
      current: [clinicTally('1001', { reports: 10, satisfaction: { 5: 8, 1: 2 } })],
      previous: [clinicTally('1001', { reports: 20, satisfaction: { 4: 13, 2: 7 } })],
    });
    expect(card).toMatchObject({ satisfiedPct: 80, previous: { reports: 20, satisfiedPct: 65 }, change: 15 });
    const [thin] = computeScorecards({
      ...base,
      facilities: [facility('1001')],
      current: [clinicTally('1001', { reports: 10, satisfaction: { 5: 10 } })],
      previous: [clinicTally('1001', { reports: 3, satisfaction: { 5: 3 } })],
    });
    expect(thin!.change).toBeNull();
  });

  it('ranks among shown facilities of the same type in the same district, equal ones sharing a place', () => {
    const facilities = [facility('A'), facility('B'), facility('C'), facility('D'), facility('E', 'police'), facility('F', 'clinic', 'Hilltop')];
    const t = (code: string, satisfied: number, reports = 10) =>
      clinicTally(code, { reports, satisfaction: { 5: satisfied, 1: reports - satisfied }, recommend: { likely: 5, unlikely: reports - 5 } });
    const cards = computeScorecards({ ...base, facilities, current: [t('A', 6), t('B', 9), t('C', 6), t('D', 9, 5), t('E', 1), t('F', 1)], previous: [] });
    const rank = Object.fromEntries(cards.map((c) => [c.facilityCode, c.rank]));
    expect(rank).toEqual({
      B: { position: 1, of: 3 },
      A: { position: 2, of: 3 },
      C: { position: 2, of: 3 },
      D: null, // 5 reports: below the minimum
      E: { position: 1, of: 1 }, // the only police station
      F: { position: 1, of: 1 }, // another district
    });
  });

  it('rounds percentages and has none for nobody', () => {
    expect(percent(2, 3)).toBe(67);
    expect(percent(1, 8)).toBe(13);
    expect(percent(0, 0)).toBeNull();
  });
});
