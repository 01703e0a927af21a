import type { PipelineStage } from 'mongoose';
import type { Models } from './models.js';
import { isDuplicateKey } from './errors.js';
import type { OutboxMessage, OutboxRepository, ResponseTally, Scorecard, ScorecardRepository, TallyQuery } from '../scorecard-ports.js';
import { compareTallies, duplicateProviderIdNote, pendingOutboxMessage, sortAnswerCounts } from '../scorecard-rules.js';
import { type Doc, plainFromDoc, plainWithId } from './documents.js';

/**
 * Thin Mongo versions of the scorecard ports. Uniqueness comes from indexes (see
 * scorecard-models.ts); the send lease is one atomic findOneAndUpdate, timed on the database
 * server's clock.
 */

// the outbox's own fields: the send queue's order and the unique slot of a provider's message id
const OUTBOX_INTERNAL = ['dueAt', 'providerSlot'] as const;
const toMessage = (doc: Doc): OutboxMessage => plainWithId<OutboxMessage>(doc, 'key', OUTBOX_INTERNAL);

/**
 * The tally as simple aggregations, all served by the index { counted: 1, completedAt: 1 } on
 * responses (models.ts): the reports per facility and version, and for each asked question
 * its answers per facility, version and value (answers are a map, so each question's value
 * has a field path of its own). Each $group has one $sum and nothing else: FerretDB 1.24
 * computes only the first accumulator of a $group (FerretDB#4616) and has no $cond, $filter,
 * $map or $objectToArray. Memory stays bounded by facilities x distinct answers, not reports.
 */
export function tallyPipelines(query: TallyQuery): { reports: PipelineStage[]; answers: Array<{ questionId: string; pipeline: PipelineStage[] }> } {
  const match: Record<string, unknown> = { counted: true, completedAt: { $gte: query.from, $lt: query.to } };
  // a plain equality on the answer's field path: served by the same index, portable to FerretDB
  if (query.answered) match[`answers.${query.answered.questionId}.value`] = query.answered.value;
  const key = { f: '$facilityCode', t: '$facilityType', d: '$district', qn: '$questionnaireId', qv: '$questionnaireVersion' };
  return {
    reports: [{ $match: match }, { $group: { _id: key, n: { $sum: 1 } } }],
    answers: query.questionIds.map((questionId) => ({
      questionId,
      pipeline: [{ $match: { ...match, [`answers.${questionId}`]: { $exists: true } } }, { $group: { _id: { ...key, v: `$answers.${questionId}.value` }, n: { $sum: 1 } } }],
    })),
  };
}

type TallyKey = { f: string; t: string; d: string; qn: string; qv: number };

export async function tallyCountedInMongo(responses: Models['responses'], query: TallyQuery): Promise<ResponseTally[]> {
  const pipelines = tallyPipelines(query);
  const [reports, ...perQuestion] = await Promise.all([
    responses.aggregate<{ _id: TallyKey; n: number }>(pipelines.reports).allowDiskUse(true),
    ...pipelines.answers.map((a) => responses.aggregate<{ _id: TallyKey & { v: string | number }; n: number }>(a.pipeline).allowDiskUse(true)),
  ]);
  const byKey = new Map<string, ResponseTally>();
  const keyOf = (k: TallyKey) => JSON.stringify([k.f, k.t, k.d, k.qn, k.qv]);
  for (const r of reports) {
    byKey.set(keyOf(r._id), { facilityCode: r._id.f, facilityType: r._id.t, district: r._id.d, questionnaireId: r._id.qn, questionnaireVersion: r._id.qv, reports: r.n, answers: [] });
  }
  perQuestion.forEach((rows, i) => {
    const questionId = pipelines.answers[i]!.questionId;
    for (const a of rows) byKey.get(keyOf(a._id))?.answers.push({ questionId, value: a._id.v, count: a.n });
  });
  return [...byKey.values()].map((t) => ({ ...t, answers: sortAnswerCounts(t.answers) })).sort(compareTallies);
}

export function createMongoScorecards(scorecards: Models['scorecards']): ScorecardRepository {
  const get = async (facilityCode: string, period: string) => {
    const doc = await scorecards.findOne({ facilityCode, period }).lean<Doc>();
    return doc ? plainFromDoc<Scorecard>(doc) : null;
  };
  return {
    async saveIfAbsent(scorecard) {
      try {
        await scorecards.create({ ...scorecard });
        return { scorecard: (await get(scorecard.facilityCode, scorecard.period))!, created: true };
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
      }
      const existing = await get(scorecard.facilityCode, scorecard.period);
      if (!existing) throw new Error(`scorecard ${scorecard.facilityCode} ${scorecard.period} vanished after a duplicate key`);
      return { scorecard: existing, created: false };
    },
    get,
    async list(filter = {}) {
      const q: Doc = {};
      if (filter.period) q.period = filter.period;
      if (filter.facilityCode) q.facilityCode = filter.facilityCode;
      if (filter.district) q.district = filter.district;
      let find = scorecards.find(q).sort({ period: 1, facilityCode: 1 });
      if (filter.limit) find = find.limit(filter.limit);
      return (await find.lean<Doc[]>()).map((d) => plainFromDoc<Scorecard>(d));
    },
  };
}

/** The storage's clock: instants of the application's clock placed on the database server's. */
export type StorageTime = {
  /** refreshes the measured offset first if it is older than the purpose allows */
  onServer(at: Date, purpose: 'lease' | 'session'): Promise<Date>;
  toServer(at: Date): Date;
};

const providerSlot = (key: string, providerMessageId: string | null) => (providerMessageId ? `id:${providerMessageId}` : `key:${key}`);

/** How many due messages one claim looks at before giving up (others took them meanwhile). */
const CLAIM_CANDIDATES = 10;

export function createMongoOutbox(outbox: Models['outbox'], claims: Models['outboxClaims'], time: StorageTime): OutboxRepository {
  const byKey = async (key: string) => {
    const doc = await outbox.findById(key).lean<Doc>();
    return doc ? toMessage(doc) : null;
  };
  const heldBy = (key: string, owner: string) => ({ _id: key, status: 'sending', leaseOwner: owner });
  return {
    async enqueue(input) {
      const { key } = input;
      try {
        const { key: _key, ...fields } = pendingOutboxMessage(input);
        await outbox.create({ _id: key, ...fields, dueAt: await time.onServer(fields.nextAttemptAt, 'lease'), providerSlot: providerSlot(key, null) });
        return { message: (await byKey(key))!, created: true };
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
      }
      const existing = await byKey(key);
      if (!existing) throw new Error(`outbox message vanished after a duplicate key`);
      return { message: existing, created: false };
    },
    async claimNext(owner, now, leaseMs) {
      // due and lease end compared on the server's clock: a sender whose own clock runs ahead
      // cannot see a live lease as expired
      const serverNow = await time.onServer(now, 'lease');
      const passed: unknown[] = [];
      for (let i = 0; i < CLAIM_CANDIDATES; i++) {
        // the index { dueAt: 1, _id: 1 } gives this order: the first due entry is read, nothing is sorted
        const candidate = await outbox
          .findOne({ dueAt: { $lte: serverNow }, ...(passed.length ? { _id: { $nin: passed } } : {}) })
          .sort({ dueAt: 1, _id: 1 })
          .lean<Doc>();
        if (!candidate) return null;
        const attempts = Number(candidate.attempts ?? 0);
        // the lease itself: one claim document per attempt, so exactly one sender gets each
        // attempt on every server (a conditional update is not atomic on FerretDB 1.24)
        try {
          await claims.collection.insertOne({ _id: `${String(candidate._id)}#${attempts + 1}` as never, owner, at: serverNow });
        } catch (e) {
          if (!isDuplicateKey(e)) throw e;
          passed.push(candidate._id);
          continue;
        }
        const doc = await outbox
          .findOneAndUpdate(
            // still as read: not marked sent or failed by the sender whose lease ran out
            { _id: candidate._id, attempts, dueAt: { $lte: serverNow } },
            {
              $set: { status: 'sending', leaseOwner: owner, leaseExpiresAt: new Date(now.getTime() + leaseMs), updatedAt: now, dueAt: new Date(serverNow.getTime() + leaseMs) },
              $inc: { attempts: 1 },
            },
            { returnDocument: 'after' },
          )
          .lean<Doc>();
        if (doc) return toMessage(doc);
        passed.push(candidate._id);
      }
      return null;
    },
    async markSent(key, owner, result) {
      const sent = {
        status: 'sent',
        leaseOwner: null,
        leaseExpiresAt: null,
        providerMessageId: result.providerMessageId,
        cost: result.cost,
        sentAt: result.at,
        updatedAt: result.at,
      };
      try {
        const r = await outbox.updateOne(heldBy(key, owner), { $set: { ...sent, providerSlot: providerSlot(key, result.providerMessageId) }, $unset: { dueAt: 1 } });
        return r.matchedCount === 1;
      } catch (e) {
        if (!isDuplicateKey(e) || !result.providerMessageId) throw e;
      }
      // another message already holds this provider id: this one is still sent (never sent
      // again when its lease runs out); delivery reports for the id stay with the other
      const r = await outbox.updateOne(heldBy(key, owner), { $set: { ...sent, lastError: duplicateProviderIdNote(result.providerMessageId) }, $unset: { dueAt: 1 } });
      return r.matchedCount === 1;
    },
    async markFailed(key, owner, reason, at) {
      const r = await outbox.updateOne(heldBy(key, owner), { $set: { status: 'failed', leaseOwner: null, leaseExpiresAt: null, lastError: reason, updatedAt: at }, $unset: { dueAt: 1 } });
      return r.matchedCount === 1;
    },
    async retryLater(key, owner, error, retryAt, at) {
      const r = await outbox.updateOne(heldBy(key, owner), {
        $set: { status: 'pending', leaseOwner: null, leaseExpiresAt: null, lastError: error, nextAttemptAt: retryAt, updatedAt: at, dueAt: await time.onServer(retryAt, 'lease') },
      });
      return r.matchedCount === 1;
    },
    async recordDelivery(providerMessageId, delivery) {
      const slot = providerSlot('', providerMessageId);
      const current = await outbox.findOne({ providerSlot: slot }).lean<Doc>();
      if (!current) return null;
      if (delivery.final) {
        // FerretDB applies a filtered update as a read, then a write: two copies of one final
        // report at once could both pass the filter below, and the later would replace the
        // first's time (so be counted as a second delivery). The first claims the slot with a
        // unique insert; a copy that loses the claim writes nothing.
        try {
          await claims.collection.insertOne({ _id: `delivered|${slot}` as never, owner: 'delivery-report', at: delivery.at });
        } catch (e) {
          if (!isDuplicateKey(e)) throw e;
          const settled = await outbox.findOne({ providerSlot: slot }).lean<Doc>();
          return toMessage(settled ?? current);
        }
      }
      // a final status is never replaced: the filter leaves such documents alone
      await outbox.updateOne({ providerSlot: slot, 'delivery.final': { $ne: true } }, { $set: { delivery, updatedAt: delivery.at } });
      const doc = await outbox.findOne({ providerSlot: slot }).lean<Doc>();
      return doc ? toMessage(doc) : null;
    },
    get: byKey,
    async list(filter = {}) {
      const q: Doc = {};
      if (filter.period) q.period = filter.period;
      if (filter.subjectCode) q.subjectCode = filter.subjectCode;
      if (filter.status) q.status = filter.status;
      let find = outbox.find(q).sort({ period: 1, _id: 1 });
      if (filter.limit) find = find.limit(filter.limit);
      return (await find.lean<Doc[]>()).map(toMessage);
    },
  };
}
