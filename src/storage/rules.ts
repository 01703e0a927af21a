import type { DailyFigures, DailyFiguresQuery, NewResponse, StoredResponse, ResponseFilter, StoredAnswer } from './ports.js';

/** Pure rules shared by the adapters, so the Mongo adapter stays a thin translation. */

/** Replaces the answer to the same question, or appends: a replayed answer changes nothing. */
export function upsertAnswer(answers: StoredAnswer[], answer: StoredAnswer): StoredAnswer[] {
  const i = answers.findIndex((a) => a.questionId === answer.questionId);
  if (i === -1) return [...answers, answer];
  const copy = answers.slice();
  copy[i] = answer;
  return copy;
}

export function matchesResponseFilter(r: StoredResponse, f: ResponseFilter): boolean {
  if (f.facilityCode && r.facilityCode !== f.facilityCode) return false;
  if (f.district && r.district !== f.district) return false;
  if (f.facilityType && r.facilityType !== f.facilityType) return false;
  if (f.questionnaireId && r.questionnaireId !== f.questionnaireId) return false;
  if (f.questionnaireVersion !== undefined && r.questionnaireVersion !== f.questionnaireVersion) return false;
  if (f.channel && r.channel !== f.channel) return false;
  if (f.status && r.status !== f.status) return false;
  if (f.from && r.startedAt < f.from) return false;
  if (f.to && r.startedAt >= f.to) return false;
  return true;
}

/** A response as it is first stored: in progress, no answers, not yet counted. */
export function startedResponse(input: NewResponse): StoredResponse {
  return {
    ...input,
    answers: [],
    status: 'in_progress',
    updatedAt: input.startedAt,
    completedAt: null,
    abandonedAt: null,
    counted: false,
    duplicateOf: null,
    countKey: null,
  };
}

/** "questionnaire@version" -> the rating question the dashboard sums for it. */
export function ratingQuestions(query: DailyFiguresQuery): Map<string, string> {
  return new Map(query.ratings.map((r) => [`${r.questionnaireId}@${r.questionnaireVersion}`, r.questionId]));
}

/**
 * Builds the dashboard's figures from counted groups: reports per (facility, day), and answers
 * per (facility, day, questionnaire version, question, value). The Mongo adapter gets both
 * from two group stages; rows for questions that are not the version's rating question, or
 * values that are not numbers, are ignored.
 */
export function foldDailyFigures(
  reports: Array<{ facilityCode: string; day: string; n: number }>,
  answers: Array<{ facilityCode: string; day: string; questionnaireId: string; questionnaireVersion: number; questionId: string; value: unknown; n: number }>,
  query: DailyFiguresQuery,
): DailyFigures[] {
  const rating = ratingQuestions(query);
  const byKey = new Map<string, DailyFigures>();
  const keyOf = (f: string, d: string) => `${f}\u0000${d}`;
  for (const r of reports) byKey.set(keyOf(r.facilityCode, r.day), { facilityCode: r.facilityCode, day: r.day, reports: r.n, ratings: 0, ratingSum: 0 });
  for (const a of answers) {
    if (rating.get(`${a.questionnaireId}@${a.questionnaireVersion}`) !== a.questionId || typeof a.value !== 'number') continue;
    const row = byKey.get(keyOf(a.facilityCode, a.day));
    if (!row) continue;
    row.ratings += a.n;
    row.ratingSum += a.value * a.n;
  }
  return sortDailyFigures([...byKey.values()]);
}

export function sortDailyFigures(rows: DailyFigures[]): DailyFigures[] {
  return rows.sort((a, b) => (a.facilityCode < b.facilityCode ? -1 : a.facilityCode > b.facilityCode ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}
