import type { PipelineStage } from 'mongoose';
import type { Models } from './models.js';
import type {
  OutboxMessage,
  OutboxRepository,
  ResponseTally,
  Scorecard,
  ScorecardRepository,
  TallyQuery,
} from '../scorecard-ports.js';
import { pendingOutboxMessage, sortAnswerCounts } from '../scorecard-rules.js';

/**
 * Thin Mongo versions of the scorecard ports. Uniqueness comes from indexes (see
 * scorecard-models.ts); the send lease is one atomic findOneAndUpdate.
 */

type Doc = Record<string, unknown>;
const isDuplicateKey = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 11000;

function strip<T>(doc: Doc): T {
  const { _id, ...rest } = doc;
  void _id;
  return rest as T;
}
const toMessage = (doc: Doc): OutboxMessage => {
  const { _id, ...rest } = doc;
  return { key: _id, ...rest } as OutboxMessage;
};

/**
 * The tally as one aggregation, served by the index { counted: 1, completedAt: 1 } on
 * responses (models.ts). Each response becomes one "report" item plus one item per wanted
 * answer; items are counted per (facility, version, question, value), then folded per
 * facility and version. Memory stays bounded by facilities x distinct answers, not reports.
 */
export function tallyPipeline(query: TallyQuery): PipelineStage[] {
  const groupKey = {
    facilityCode: '$facilityCode',
    facilityType: '$facilityType',
    district: '$district',
    questionnaireId: '$questionnaireId',
    questionnaireVersion: '$questionnaireVersion',
  };
  return [
    { $match: { counted: true, completedAt: { $gte: query.from, $lt: query.to } } },
    {
      $project: {
        ...Object.fromEntries(Object.keys(groupKey).map((k) => [k, 1])),
        items: {
          $concatArrays: [
            [{ q: null, v: null }],
            {
              $map: {
                input: {
                  $filter: { input: { $ifNull: ['$answers', []] }, as: 'a', cond: { $in: ['$$a.questionId', { $literal: query.questionIds }] } },
                },
                as: 'a',
                in: { q: '$$a.questionId', v: '$$a.value' },
              },
            },
          ],
        },
      },
    },
    { $unwind: '$items' },
    { $group: { _id: { ...groupKey, q: '$items.q', v: '$items.v' }, n: { $sum: 1 } } },
    {
      $group: {
        _id: Object.fromEntries(Object.keys(groupKey).map((k) => [k, `$_id.${k}`])),
        reports: { $sum: { $cond: [{ $eq: ['$_id.q', null] }, '$n', 0] } },
        answers: { $push: { questionId: '$_id.q', value: '$_id.v', count: '$n' } },
      },
    },
    {
      $project: {
        _id: 0,
        ...Object.fromEntries(Object.keys(groupKey).map((k) => [k, `$_id.${k}`])),
        reports: 1,
        answers: { $filter: { input: '$answers', as: 'a', cond: { $ne: ['$$a.questionId', null] } } },
      },
    },
    { $sort: { facilityCode: 1, questionnaireId: 1, questionnaireVersion: 1 } },
  ];
}

export async function tallyCountedInMongo(responses: Models['responses'], query: TallyQuery): Promise<ResponseTally[]> {
  const rows = await responses.aggregate<ResponseTally>(tallyPipeline(query)).allowDiskUse(true);
  return rows.map((r) => ({ ...r, answers: sortAnswerCounts(r.answers) }));
}

export function createMongoScorecards(scorecards: Models['scorecards']): ScorecardRepository {
  const get = async (facilityCode: string, period: string) => {
    const doc = await scorecards.findOne({ facilityCode, period }).lean<Doc>();
    return doc ? strip<Scorecard>(doc) : null;
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
      return (await find.lean<Doc[]>()).map((d) => strip<Scorecard>(d));
    },
  };
}

export function createMongoOutbox(outbox: Models['outbox']): OutboxRepository {
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
        await outbox.create({ _id: key, ...fields });
        return { message: (await byKey(key))!, created: true };
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
      }
      const existing = await byKey(key);
      if (!existing) throw new Error(`outbox message vanished after a duplicate key`);
      return { message: existing, created: false };
    },
    async claimNext(owner, now, leaseMs) {
      const doc = await outbox
        .findOneAndUpdate(
          { $or: [{ status: 'pending', nextAttemptAt: { $lte: now } }, { status: 'sending', leaseExpiresAt: { $lte: now } }] },
          { $set: { status: 'sending', leaseOwner: owner, leaseExpiresAt: new Date(now.getTime() + leaseMs), updatedAt: now }, $inc: { attempts: 1 } },
          { sort: { nextAttemptAt: 1, _id: 1 }, returnDocument: 'after' },
        )
        .lean<Doc>();
      return doc ? toMessage(doc) : null;
    },
    async markSent(key, owner, result) {
      const r = await outbox.updateOne(heldBy(key, owner), {
        $set: {
          status: 'sent',
          leaseOwner: null,
          leaseExpiresAt: null,
          providerMessageId: result.providerMessageId,
          cost: result.cost,
          sentAt: result.at,
          updatedAt: result.at,
        },
      });
      return r.matchedCount === 1;
    },
    async markFailed(key, owner, reason, at) {
      const r = await outbox.updateOne(heldBy(key, owner), { $set: { status: 'failed', leaseOwner: null, leaseExpiresAt: null, lastError: reason, updatedAt: at } });
      return r.matchedCount === 1;
    },
    async retryLater(key, owner, error, retryAt, at) {
      const r = await outbox.updateOne(heldBy(key, owner), {
        $set: { status: 'pending', leaseOwner: null, leaseExpiresAt: null, lastError: error, nextAttemptAt: retryAt, updatedAt: at },
      });
      return r.matchedCount === 1;
    },
    async recordDelivery(providerMessageId, delivery) {
      // a final status is never replaced: the filter leaves such documents alone
      await outbox.updateOne({ providerMessageId, 'delivery.final': { $ne: true } }, { $set: { delivery, updatedAt: delivery.at } });
      const doc = await outbox.findOne({ providerMessageId }).lean<Doc>();
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
