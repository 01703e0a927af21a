import type { NewResponse, Response, ResponseFilter, StoredAnswer } from './ports.js';

/** Pure rules shared by the adapters, so the Mongo adapter stays a thin translation. */

/** Replaces the answer to the same question, or appends: a replayed answer changes nothing. */
export function upsertAnswer(answers: StoredAnswer[], answer: StoredAnswer): StoredAnswer[] {
  const i = answers.findIndex((a) => a.questionId === answer.questionId);
  if (i === -1) return [...answers, answer];
  const copy = answers.slice();
  copy[i] = answer;
  return copy;
}

export function matchesResponseFilter(r: Response, f: ResponseFilter): boolean {
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
export function startedResponse(input: NewResponse): Response {
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
