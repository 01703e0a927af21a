import type { Response } from './ports.js';
import type { Delivery, OutboxMessage, ResponseTally, TallyQuery } from './scorecard-ports.js';

/** Pure rules behind the scorecard and outbox ports, shared by the adapters. */

/** Pending and due, or sending with a lease that has run out (its sender stopped). */
export function isClaimable(m: Pick<OutboxMessage, 'status' | 'nextAttemptAt' | 'leaseExpiresAt'>, now: Date): boolean {
  if (m.status === 'pending') return m.nextAttemptAt <= now;
  if (m.status === 'sending') return m.leaseExpiresAt !== null && m.leaseExpiresAt <= now;
  return false;
}

/** A final delivery status is never replaced; otherwise the newest report wins. */
export function acceptsDelivery(current: Delivery | null): boolean {
  return !current?.final;
}

/**
 * The memory adapter's version of the Mongo aggregation in ../mongo/scorecard-storage.ts:
 * one pass over the responses, counting reports and the listed questions' answers per
 * facility and questionnaire version.
 */
export function tallyCountedResponses(responses: Iterable<Response>, query: TallyQuery): ResponseTally[] {
  const wanted = new Set(query.questionIds);
  const groups = new Map<string, { tally: ResponseTally; counts: Map<string, { questionId: string; value: string | number; count: number }> }>();
  for (const r of responses) {
    if (!r.counted || !r.completedAt || r.completedAt < query.from || r.completedAt >= query.to) continue;
    const groupKey = `${r.facilityCode}\u0000${r.questionnaireId}\u0000${r.questionnaireVersion}`;
    let group = groups.get(groupKey);
    if (!group) {
      group = {
        tally: {
          facilityCode: r.facilityCode,
          facilityType: r.facilityType,
          district: r.district,
          questionnaireId: r.questionnaireId,
          questionnaireVersion: r.questionnaireVersion,
          reports: 0,
          answers: [],
        },
        counts: new Map(),
      };
      groups.set(groupKey, group);
    }
    group.tally.reports++;
    for (const a of r.answers) {
      if (!wanted.has(a.questionId)) continue;
      const answerKey = `${a.questionId}\u0000${typeof a.value}\u0000${a.value}`;
      const c = group.counts.get(answerKey);
      if (c) c.count++;
      else group.counts.set(answerKey, { questionId: a.questionId, value: a.value, count: 1 });
    }
  }
  return [...groups.values()].map(({ tally, counts }) => ({ ...tally, answers: sortAnswerCounts([...counts.values()]) })).sort(compareTallies);
}

export function sortAnswerCounts<T extends { questionId: string; value: string | number }>(list: T[]): T[] {
  return list.sort((a, b) => a.questionId.localeCompare(b.questionId) || String(a.value).localeCompare(String(b.value)));
}

export function compareTallies(a: ResponseTally, b: ResponseTally): number {
  return a.facilityCode.localeCompare(b.facilityCode) || a.questionnaireId.localeCompare(b.questionnaireId) || a.questionnaireVersion - b.questionnaireVersion;
}
