import type { StoredResponse } from './ports.js';
import type { Delivery, NewOutboxMessage, OutboxMessage, ResponseTally, TallyQuery } from './scorecard-ports.js';

/** Pure rules behind the scorecard and outbox ports, shared by the adapters. */

/**
 * When a message can next be claimed: its retry time while pending, the end of its lease
 * while sending (its sender may have stopped), never once sent or failed. Claims take the
 * earliest due first, then by key.
 */
export function claimDueAt(m: Pick<OutboxMessage, 'status' | 'nextAttemptAt' | 'leaseExpiresAt'>): Date | null {
  if (m.status === 'pending') return m.nextAttemptAt;
  if (m.status === 'sending') return m.leaseExpiresAt;
  return null;
}

/** Pending and due, or sending with a lease that has run out (its sender stopped). */
export function isClaimable(m: Pick<OutboxMessage, 'status' | 'nextAttemptAt' | 'leaseExpiresAt'>, now: Date): boolean {
  const due = claimDueAt(m);
  return due !== null && due.getTime() <= now.getTime();
}

/** Kept on a sent message whose provider id another message already holds: its delivery reports go to that one. */
export const duplicateProviderIdNote = (providerMessageId: string) =>
  `sent, but provider message id ${providerMessageId} is already recorded on another message: delivery reports for that id are recorded there`;

/** A final delivery status is never replaced; otherwise the newest report wins. */
export function acceptsDelivery(current: Delivery | null): boolean {
  return !current?.final;
}

/**
 * The memory adapter's version of the Mongo aggregation in ../mongo/scorecard-storage.ts:
 * one pass over the responses, counting reports and the listed questions' answers per
 * facility and questionnaire version.
 */
export function tallyCountedResponses(responses: Iterable<StoredResponse>, query: TallyQuery): ResponseTally[] {
  const wanted = new Set(query.questionIds);
  const from = query.from.getTime();
  const to = query.to.getTime();
  const answered = query.answered;
  type Group = { tally: ResponseTally; counts: Map<string, Map<string | number, number>> };
  // facility -> "questionnaire@version" -> group: no string building per response
  const groups = new Map<string, Map<string, Group>>();
  for (const r of responses) {
    if (!r.counted || !r.completedAt) continue;
    const at = r.completedAt.getTime();
    if (at < from || at >= to) continue;
    if (answered && !r.answers.some((a) => a.questionId === answered.questionId && String(a.value) === answered.value)) continue;
    let byVersion = groups.get(r.facilityCode);
    if (!byVersion) groups.set(r.facilityCode, (byVersion = new Map()));
    const versionKey = `${r.questionnaireId}@${r.questionnaireVersion}`;
    let group = byVersion.get(versionKey);
    if (!group) {
      const tally: ResponseTally = {
        facilityCode: r.facilityCode,
        facilityType: r.facilityType,
        district: r.district,
        questionnaireId: r.questionnaireId,
        questionnaireVersion: r.questionnaireVersion,
        reports: 0,
        answers: [],
      };
      byVersion.set(versionKey, (group = { tally, counts: new Map() }));
    }
    group.tally.reports++;
    for (const a of r.answers) {
      if (!wanted.has(a.questionId)) continue;
      let values = group.counts.get(a.questionId);
      if (!values) group.counts.set(a.questionId, (values = new Map()));
      values.set(a.value, (values.get(a.value) ?? 0) + 1);
    }
  }
  const out: ResponseTally[] = [];
  for (const byVersion of groups.values()) {
    for (const { tally, counts } of byVersion.values()) {
      const answers = [...counts].flatMap(([questionId, values]) => [...values].map(([value, count]) => ({ questionId, value, count })));
      out.push({ ...tally, answers: sortAnswerCounts(answers) });
    }
  }
  return out.sort(compareTallies);
}

export function sortAnswerCounts<T extends { questionId: string; value: string | number }>(list: T[]): T[] {
  return list.sort((a, b) => a.questionId.localeCompare(b.questionId) || String(a.value).localeCompare(String(b.value)));
}

export function compareTallies(a: ResponseTally, b: ResponseTally): number {
  return a.facilityCode.localeCompare(b.facilityCode) || a.questionnaireId.localeCompare(b.questionnaireId) || a.questionnaireVersion - b.questionnaireVersion;
}

/** A message as the outbox first holds it: pending, due at once, never tried. */
export function pendingOutboxMessage(input: NewOutboxMessage): OutboxMessage {
  return {
    ...input,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: input.createdAt,
    leaseOwner: null,
    leaseExpiresAt: null,
    providerMessageId: null,
    cost: null,
    lastError: null,
    updatedAt: input.createdAt,
    sentAt: null,
    delivery: null,
  };
}
