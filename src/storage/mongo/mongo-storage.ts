import mongoose from 'mongoose';
import type {
  Facility,
  HopSession,
  NewResponse,
  QuestionnaireVersion,
  Response,
  ResponseFilter,
  Storage,
} from '../ports.js';
import { startedResponse } from '../rules.js';
import { registerModels, type Models } from './models.js';
import { createMongoVoiceCalls } from './voice-calls.js';
import type { VoiceCallRepository } from '../voice-calls.js';
import { createMongoStaffStorage } from './staff-storage.js';
import { createMongoStaffSessions } from './staff-sessions.js';
import { createMongoOutbox, createMongoScorecards, tallyCountedInMongo } from './scorecard-storage.js';

/**
 * The Mongo adapter: a thin translation of the storage ports to MongoDB through Mongoose.
 *
 * Every idempotency rule rests on a unique index (sourceKey, countKey, {channel,
 * sessionId}, {id, version}), never on a read-then-write, so any number of app instances
 * can share one database. Reads use `.lean()` and come back as plain objects shaped exactly
 * like the port types (no `_id`, no `__v`, the response `_id` exposed as `id`).
 */

export type MongoStorageOptions = {
  /** database name; defaults to the one in the URI */
  dbName?: string;
  /** clock for session expiry checks (the TTL monitor only sweeps every ~60 s) */
  now?: () => Date;
  /** how long to wait for a reachable server; default: the URI's option, else the driver's 30 s */
  serverSelectionTimeoutMS?: number;
};

type Doc = Record<string, unknown>;

const isDuplicateKey = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 11000;

/** Drops Mongo's own fields; maps `_id` to `id` for types whose identity is the _id. */
function strip<T>(doc: Doc): T {
  const { _id, __v, ...rest } = doc;
  void __v;
  void _id;
  return rest as T;
}
function withId<T>(doc: Doc): T {
  const { _id, __v, ...rest } = doc;
  void __v;
  return { id: _id, ...rest } as T;
}

export function responseQuery(filter: ResponseFilter): Doc {
  const q: Doc = {};
  if (filter.facilityCode) q.facilityCode = filter.facilityCode;
  if (filter.district) q.district = filter.district;
  if (filter.facilityType) q.facilityType = filter.facilityType;
  if (filter.questionnaireId) q.questionnaireId = filter.questionnaireId;
  if (filter.questionnaireVersion !== undefined) q.questionnaireVersion = filter.questionnaireVersion;
  if (filter.channel) q.channel = filter.channel;
  if (filter.status) q.status = filter.status;
  if (filter.from || filter.to) {
    const range: Doc = {};
    if (filter.from) range.$gte = filter.from;
    if (filter.to) range.$lt = filter.to;
    q.startedAt = range;
  }
  return q;
}

export async function createMongoStorage(uri: string, options: MongoStorageOptions = {}): Promise<Storage> {
  const now = options.now ?? (() => new Date());
  const conn = mongoose.createConnection(uri, {
    ...(options.dbName ? { dbName: options.dbName } : {}),
    autoIndex: false,
    autoCreate: false,
    // fail operations instead of queueing them while disconnected
    bufferCommands: false,
    // undefined fields are left out, as JSON would, instead of stored as null
    ignoreUndefined: true,
    ...(options.serverSelectionTimeoutMS ? { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS } : {}),
  });
  let models: Models;
  let voiceCalls: VoiceCallRepository;
  let staff: Awaited<ReturnType<typeof createMongoStaffStorage>>;
  try {
    await conn.asPromise();
    models = registerModels(conn);
    // explicit, once per start: every unique key the contract rests on exists before use
    for (const model of Object.values(models)) await model.createIndexes();
    voiceCalls = await createMongoVoiceCalls(conn);
    staff = await createMongoStaffStorage(conn);
  } catch (e) {
    await conn.close(true).catch(() => undefined);
    throw e;
  }
  const { facilities, questionnaires, responses, sessions, respondents } = models;
  let closed = false;

  const notFound = (id: string) => new Error(`response ${id} not found`);
  const getResponse = async (id: string): Promise<Response | null> => {
    const doc = await responses.findById(id).lean<Doc>();
    return doc ? withId<Response>(doc) : null;
  };
  const latest = async (query: Doc): Promise<QuestionnaireVersion | null> => {
    const doc = await questionnaires.findOne({ ...query, status: 'published' }).sort({ version: -1 }).lean<Doc>();
    return doc ? strip<QuestionnaireVersion>(doc) : null;
  };

  return {
    kind: 'mongo',
    facilities: {
      async findByCode(code) {
        const doc = await facilities.findOne({ code: String(code) }).lean<Doc>();
        return doc ? strip<Facility>(doc) : null;
      },
      async list(filter = {}) {
        const q: Doc = {};
        if (filter.district) q.district = filter.district;
        if (filter.type) q.type = filter.type;
        if (filter.activeOnly) q.active = true;
        const docs = await facilities.find(q).sort({ code: 1 }).lean<Doc[]>();
        return docs.map((d) => strip<Facility>(d));
      },
      async count() {
        return facilities.countDocuments();
      },
      async upsertMany(list) {
        if (list.length === 0) return { inserted: 0, updated: 0 };
        const result = await facilities.bulkWrite(
          list.map((f) => ({ replaceOne: { filter: { code: f.code }, replacement: { ...f }, upsert: true } })),
          { ordered: true },
        );
        return { inserted: result.upsertedCount, updated: result.matchedCount };
      },
    },
    questionnaires: {
      async getVersion(id, version) {
        const doc = await questionnaires.findOne({ id, version }).lean<Doc>();
        return doc ? strip<QuestionnaireVersion>(doc) : null;
      },
      async latestPublishedForFacilityType(facilityType) {
        return latest({ 'definition.facilityTypes': facilityType });
      },
      async latestPublished(id) {
        return latest({ id });
      },
      async listVersions(id) {
        const docs = await questionnaires
          .find(id ? { id } : {})
          .sort({ id: 1, version: 1 })
          .lean<Doc[]>();
        return docs.map((d) => strip<QuestionnaireVersion>(d));
      },
      async insertVersion(version) {
        try {
          await questionnaires.create({ ...version });
        } catch (e) {
          if (isDuplicateKey(e)) return null;
          throw e;
        }
        const doc = await questionnaires.findOne({ id: version.id, version: version.version }).lean<Doc>();
        if (!doc) throw new Error(`questionnaire ${version.id}@${version.version} vanished after insert`);
        return strip<QuestionnaireVersion>(doc);
      },
      async retireVersion(id, version) {
        const result = await questionnaires.updateOne({ id, version, status: 'published' }, { $set: { status: 'retired' } });
        return result.matchedCount === 1;
      },
    },
    responses: {
      async start(input: NewResponse) {
        const { id, ...rest } = startedResponse(input);
        const fresh: Doc = { _id: id, ...rest };
        delete fresh.sourceKey;
        try {
          const doc = await responses
            .findOneAndUpdate({ sourceKey: input.sourceKey }, { $setOnInsert: fresh }, { upsert: true, returnDocument: 'after', setDefaultsOnInsert: false })
            .lean<Doc>();
          if (doc) return withId<Response>(doc);
        } catch (e) {
          // two hops raced on the same sourceKey: the other one's insert won
          if (!isDuplicateKey(e)) throw e;
          const doc = await responses.findOne({ sourceKey: input.sourceKey }).lean<Doc>();
          if (doc) return withId<Response>(doc);
          throw e;
        }
        throw new Error(`response for ${input.sourceKey} was not stored`);
      },
      get: getResponse,
      async recordAnswer(id, answer, resumeState) {
        const qid = answer.questionId;
        const literal = { $literal: { questionId: qid, value: answer.value, at: answer.at } };
        // replace the answer in place when the question was answered before, else append:
        // the same rule as upsertAnswer() in ../rules.ts, done atomically by the server
        const result = await responses.updateOne(
          { _id: id },
          [
            {
              $set: {
                answers: {
                  $cond: [
                    { $in: [{ $literal: qid }, { $ifNull: ['$answers.questionId', []] }] },
                    {
                      $map: {
                        input: '$answers',
                        as: 'a',
                        in: { $cond: [{ $eq: ['$$a.questionId', { $literal: qid }] }, literal, '$$a'] },
                      },
                    },
                    { $concatArrays: [{ $ifNull: ['$answers', []] }, [literal]] },
                  ],
                },
                resumeState: { $literal: resumeState },
                updatedAt: { $literal: answer.at },
              },
            },
          ],
          { updatePipeline: true },
        );
        if (result.matchedCount === 0) throw notFound(id);
      },
      async withdrawAnswer(id, questionId, resumeState, at) {
        const result = await responses.updateOne(
          { _id: id },
          { $pull: { answers: { questionId } }, $set: { resumeState, updatedAt: at } },
        );
        if (result.matchedCount === 0) throw notFound(id);
      },
      async saveProgress(id, resumeState, at) {
        const result = await responses.updateOne({ _id: id }, { $set: { resumeState, updatedAt: at } });
        if (result.matchedCount === 0) throw notFound(id);
      },
      async complete(id, at, countKey) {
        const done = { status: 'complete', completedAt: at, updatedAt: at, abandonedAt: null };
        // a few rounds at most: only a concurrent writer can send us around again
        for (let attempt = 0; attempt < 5; attempt++) {
          const current = await getResponse(id);
          if (!current) throw notFound(id);
          if (current.status === 'complete') return current;
          try {
            const doc = await responses
              .findOneAndUpdate(
                { _id: id, status: { $ne: 'complete' } },
                { $set: { ...done, counted: true, countKey, duplicateOf: null } },
                { returnDocument: 'after' },
              )
              .lean<Doc>();
            if (doc) return withId<Response>(doc);
            continue; // completed concurrently: the next round returns it
          } catch (e) {
            if (!isDuplicateKey(e)) throw e;
          }
          // another counted response holds this countKey: store this one as its duplicate
          const holder = await responses.findOne({ countKey }, { _id: 1 }).lean<Doc>();
          if (!holder) continue; // the holder went away meanwhile: try to take the key again
          const doc = await responses
            .findOneAndUpdate(
              { _id: id, status: { $ne: 'complete' } },
              { $set: { ...done, counted: false, duplicateOf: String(holder._id) } },
              { returnDocument: 'after' },
            )
            .lean<Doc>();
          if (doc) return withId<Response>(doc);
        }
        throw new Error(`could not complete response ${id}: too many concurrent writers`);
      },
      async markAbandoned(id, at) {
        await responses.updateOne({ _id: id, status: 'in_progress' }, { $set: { status: 'abandoned', abandonedAt: at } });
      },
      async resume(id, sessionId, at) {
        const result = await responses.updateOne(
          { _id: id, status: { $ne: 'complete' } },
          { $set: { status: 'in_progress', abandonedAt: null, updatedAt: at }, $addToSet: { sessionIds: sessionId } },
        );
        if (result.matchedCount === 0 && !(await responses.exists({ _id: id }))) throw notFound(id);
      },
      async findResumable(respondentKey, channel, since) {
        const doc = await responses
          .findOne({
            respondentKey,
            channel,
            status: { $ne: 'complete' },
            updatedAt: { $gte: since },
            resumeState: { $ne: null },
          })
          .sort({ updatedAt: -1 })
          .lean<Doc>();
        return doc ? withId<Response>(doc) : null;
      },
      async *stream(filter: ResponseFilter) {
        // a cursor, not an array: exports of any size run in constant memory
        const cursor = responses.find(responseQuery(filter)).sort({ startedAt: 1, _id: 1 }).lean<Doc>().cursor();
        for await (const doc of cursor) yield withId<Response>(doc as Doc);
      },
      tallyCounted: (query) => tallyCountedInMongo(responses, query),
    },
    sessions: {
      async get(channel, sessionId) {
        const doc = await sessions.findOne({ channel, sessionId, expiresAt: { $gt: now() } }).lean<Doc>();
        return doc ? strip<HopSession>(doc) : null;
      },
      async create(session) {
        try {
          await sessions.create({ ...session });
          return true;
        } catch (e) {
          if (!isDuplicateKey(e)) throw e;
        }
        // the key is taken; an expired session the TTL monitor has not swept yet does not count
        const result = await sessions.replaceOne(
          { channel: session.channel, sessionId: session.sessionId, expiresAt: { $lte: now() } },
          { ...session },
        );
        return result.matchedCount === 1;
      },
      async update(session, expectedRevision) {
        const result = await sessions.replaceOne(
          { channel: session.channel, sessionId: session.sessionId, revision: expectedRevision },
          { ...session, revision: expectedRevision + 1 },
        );
        return result.matchedCount === 1;
      },
    },
    respondents: {
      async getLanguage(respondentKey) {
        const doc = await respondents.findById(respondentKey).lean<Doc>();
        return typeof doc?.language === 'string' ? doc.language : null;
      },
      async setLanguage(respondentKey, language, at) {
        const write = () =>
          respondents.updateOne({ _id: respondentKey }, { $set: { language, updatedAt: at } }, { upsert: true });
        try {
          await write();
        } catch (e) {
          // two first-time upserts raced; the second one now finds the document
          if (!isDuplicateKey(e)) throw e;
          await write();
        }
      },
    },
    voiceCalls,
    ...staff,
    staffSessions: createMongoStaffSessions(conn),
    scorecards: createMongoScorecards(models.scorecards),
    outbox: createMongoOutbox(models.outbox),
    async ping() {
      try {
        if (closed || !conn.db) return false;
        const reply = await conn.db.admin().ping();
        return Boolean(reply?.ok);
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await conn.close();
    },
  };
}
