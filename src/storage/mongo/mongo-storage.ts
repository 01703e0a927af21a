import { randomUUID } from 'node:crypto';
import os from 'node:os';
import mongoose, { type Connection } from 'mongoose';
import type { DailyFiguresQuery, Facility, HopSession, NewResponse, QuestionnaireVersion, StoredResponse, ResponseFilter, Store, StoredAnswer } from '../ports.js';
import { foldDailyFigures, startedResponse } from '../rules.js';
import { registerModels, type Models } from './models.js';
import { createMongoVoiceCalls } from './voice-calls.js';
import type { VoiceCallRepository } from '../voice-calls.js';
import { createMongoStaffStorage } from './staff-storage.js';
import { createMongoStaffSessions } from './staff-sessions.js';
import { createMongoManagerPins } from './manager-pins.js';
import { createMongoCharters } from './charter-storage.js';
import type { CharterRepository } from '../charter-ports.js';
import { createMongoFacilityTypes } from './facility-type-storage.js';
import type { FacilityTypeRepository } from '../facility-type-ports.js';
import { createMongoCaseContacts, createMongoCases } from './case-storage.js';
import { createMongoSmsInbox } from './sms-inbox.js';
import type { CaseContactRepository, CaseRepository } from '../case-ports.js';
import { createMongoOutbox, createMongoScorecards, tallyCountedInMongo, type StorageTime } from './scorecard-storage.js';
import { createServerClock } from './server-clock.js';
import { declaredIndexes, ensureIndexes, type IndexReport } from './indexes.js';
import { isDuplicateKey } from './errors.js';
import { type Doc, plainFromDoc, plainWithId } from './documents.js';

/**
 * The Mongo adapter: a thin translation of the storage ports to MongoDB through Mongoose.
 *
 * It uses a portable subset, so one adapter runs on MongoDB >= 6.0, on FerretDB 1.24 and on
 * servers with similar gaps (Amazon DocumentDB, Azure Cosmos DB for MongoDB):
 * - no partial indexes: every unique key is always set (countSlot, providerSlot);
 * - no update pipelines: classic operators, and a compare-and-set on a revision where a
 *   write depends on what the document holds;
 * - aggregations of $match, $unwind and $group with a single $sum (FerretDB 1.24 computes
 *   only the first accumulator of a $group, FerretDB#4616, and has no $cond or date operators);
 * - expiry and leases on the database server's clock (server-clock.ts), not on $$NOW;
 * - TTL indexes where the server has them, and a sweep that does their work everywhere;
 * - answers as a map written with `$set` on answers.<questionId>: idempotent by itself;
 * - the SMS lease taken by a unique insert (one claim document per attempt), because
 *   FerretDB 1.24 applies a conditional update as read-then-write (FerretDB#3040), so two
 *   findOneAndUpdate claims can both win there. Hop sessions use a conditional replace where
 *   the server applies it atomically (MongoDB) and a unique claim insert where it does not.
 *
 * Every idempotency rule rests on a unique index (sourceKey, countSlot, {channel,
 * sessionId}, {id, version}, outbox key, providerSlot), never on a read-then-write, so any
 * number of app instances can share one database. Reads use `.lean()` and come back as plain
 * objects shaped exactly like the port types: no `_id`, no `__v`, none of the adapter's own
 * fields, the response `_id` exposed as `id`.
 */

export type WriteConcernChoice = 'majority' | number;

export type MongoStorageOptions = {
  /** database name; defaults to the one in the URI */
  dbName?: string;
  /** the application's clock (the service passes its own); instants it gives are placed on the server's clock */
  now?: () => Date;
  /** this machine's clock, for measuring the offset to the server's (tests simulate skew with it) */
  localClock?: () => Date;
  /** how long to wait for a reachable server; default: the URI's option, else the driver's 30 s */
  serverSelectionTimeoutMS?: number;
  /** acknowledged by a majority (default) or by N members, always journaled (MONGODB_WRITE_CONCERN) */
  writeConcern?: WriteConcernChoice;
  /** called with the name of every command the driver sends (the bench counts round trips) */
  onCommand?: (commandName: string) => void;
  /** names this instance in storage_meta records */
  instance?: string;
  /**
   * Whether the server applies a conditional update atomically (MongoDB: yes; FerretDB 1.24:
   * no, it reads then writes). Detected from buildInfo; the bench sets it to count the other
   * path's round trips.
   */
  atomicConditionalUpdates?: boolean;
};

export type MongoServerInfo = {
  /** e.g. "MongoDB 7.0.14" or "FerretDB v1.24.2 (answers as MongoDB 7.0.42)" */
  description: string;
  ferretdb: boolean;
  atomicConditionalUpdates: boolean;
};

/** How stale the server clock offset may be: for session expiry, and for SMS leases. */
const SESSION_OFFSET_MAX_AGE_MS = 30_000;
const LEASE_OFFSET_MAX_AGE_MS = 5_000;
/** An import this old and still recorded stopped part-way: the sweep finishes it. */
const STALLED_IMPORT_MS = 60_000;
/** exports read this many responses per query */
const EXPORT_PAGE = 500;
const SWEEP_BATCH = 1000;
const BULK_BATCH = 50;
/** claim documents older than this are swept */
const CLAIM_KEEP_MS = 86_400_000;
/** question ids are field names in the answers map: letters, digits and _ only (the engine's rule) */
const FIELD_SAFE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

// fields the adapter keeps for itself, never handed out
const RESPONSE_INTERNAL = ['countSlot', 'completedDay', 'rev'] as const;
const FACILITY_INTERNAL = ['writtenAt'] as const;
const SESSION_INTERNAL = ['ttlAt'] as const;

type StoredAnswers = Record<string, { value: StoredAnswer['value']; at: Date }>;
/** The stored map (in answer order) as the port's list. */
const answerList = (answers: unknown): StoredAnswer[] => Object.entries((answers ?? {}) as StoredAnswers).map(([questionId, a]) => ({ questionId, value: a.value, at: a.at }));
const toResponse = (doc: Doc) => {
  const r = plainWithId<StoredResponse>(doc, 'id', RESPONSE_INTERNAL);
  return { ...r, answers: answerList(doc.answers) };
};
const answerField = (questionId: string) => {
  if (!FIELD_SAFE.test(questionId)) throw new Error(`question id ${JSON.stringify(questionId)} cannot be stored: use letters, digits and _`);
  return `answers.${questionId}`;
};

/** The unique slot of a response that is not counted: always set, never equal to a countKey. */
export const uncountedSlot = (responseId: string) => `uncounted:${responseId}`;

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

/** The index an export reads, in (startedAt, _id) order, so the server never sorts in memory. */
export function exportIndex(filter: ResponseFilter): Record<string, 1> {
  if (filter.facilityCode) return { facilityCode: 1, startedAt: 1, _id: 1 };
  if (filter.district) return { district: 1, startedAt: 1, _id: 1 };
  return { startedAt: 1, _id: 1 };
}

export async function createMongoStorage(uri: string, options: MongoStorageOptions = {}): Promise<Store & { indexes: IndexReport; server: MongoServerInfo; connection: Connection }> {
  const appNow = options.now ?? (() => new Date());
  const instance = options.instance ?? `${os.hostname()}:${process.pid}`;
  const conn = mongoose.createConnection(uri, {
    ...(options.dbName ? { dbName: options.dbName } : {}),
    autoIndex: false,
    autoCreate: false,
    // fail operations instead of queueing them while disconnected
    bufferCommands: false,
    // undefined fields are left out, as JSON would, instead of stored as null
    ignoreUndefined: true,
    // stated, not left to the URI or the server default: an acknowledged write is on a
    // majority of members and in their journals, so a failover cannot roll back markSent or
    // complete (with w: 1 on a primary-secondary-arbiter set it can)
    // wtimeout: with a majority unreachable a write fails after 5 s (the hop apologises)
    // instead of hanging past Africa's Talking's 10 s
    writeConcern: { w: options.writeConcern ?? 'majority', journal: true, wtimeoutMS: 5000 },
    ...(options.onCommand ? { monitorCommands: true } : {}),
    ...(options.serverSelectionTimeoutMS ? { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS } : {}),
  });
  let models: Models;
  let voiceCalls: VoiceCallRepository;
  let staff: Awaited<ReturnType<typeof createMongoStaffStorage>>;
  let charters: CharterRepository;
  let facilityTypes: FacilityTypeRepository;
  let cases: CaseRepository;
  let caseContacts: CaseContactRepository;
  let indexes: IndexReport;
  let server: MongoServerInfo;
  const clock = createServerClock(() => serverLocalTime(conn), options.localClock);
  try {
    await conn.asPromise();
    if (options.onCommand) conn.getClient().on('commandStarted', (e) => options.onCommand!(e.commandName));
    const info = await conn.db!.admin().command({ buildInfo: 1 });
    const ferretdb = typeof info.ferretdbVersion === 'string';
    server = {
      description: ferretdb ? `FerretDB ${info.ferretdbVersion} (answers as MongoDB ${info.version})` : `MongoDB ${info.version}`,
      ferretdb,
      atomicConditionalUpdates: options.atomicConditionalUpdates ?? !ferretdb,
    };
    models = registerModels(conn);
    voiceCalls = await createMongoVoiceCalls(conn);
    staff = await createMongoStaffStorage(conn);
    charters = createMongoCharters(conn);
    facilityTypes = createMongoFacilityTypes(conn);
    cases = createMongoCases(conn);
    caseContacts = createMongoCaseContacts(conn);
    await clock.refreshIfOlder(0);
    // explicit, once per start: every unique key the contract rests on exists before use
    indexes = await ensureIndexes(conn, declaredIndexes(Object.values(conn.models)), async () => clock.toServer(new Date()), instance);
  } catch (e) {
    await conn.close(true).catch(() => undefined);
    throw e;
  }
  const { facilities, facilityImports, questionnaires, responses, sessions, respondents, sessionClaims } = models;
  let closed = false;

  /** An instant of the application's clock on the server's timeline (for expiry and leases). */
  const time: StorageTime = {
    async onServer(at, purpose) {
      await clock.refreshIfOlder(purpose === 'lease' ? LEASE_OFFSET_MAX_AGE_MS : SESSION_OFFSET_MAX_AGE_MS);
      return clock.toServer(at);
    },
    toServer: (at) => clock.toServer(at),
  };
  const serverNow = () => time.onServer(appNow(), 'session');

  const notFound = (id: string) => new Error(`response ${id} not found`);
  const getResponse = async (id: string): Promise<StoredResponse | null> => {
    const doc = await responses.findById(id).lean<Doc>();
    return doc ? toResponse(doc) : null;
  };
  const latest = async (query: Doc): Promise<QuestionnaireVersion | null> => {
    const doc = await questionnaires
      .findOne({ ...query, status: 'published' })
      .sort({ version: -1 })
      .lean<Doc>();
    return doc ? plainFromDoc<QuestionnaireVersion>(doc) : null;
  };
  /** A write that found nothing: a complete response (left alone, as the port says), or none at all. */
  const unlessComplete = async (id: string) => {
    if (!(await responses.exists({ _id: id }))) throw notFound(id);
  };

  /**
   * Writes facilities by code; a facility written after `at` (an edit made while a stalled
   * import waited to be finished) keeps that later write.
   */
  async function applyFacilities(list: Facility[], at: Date): Promise<{ inserted: number; updated: number }> {
    const ops = list.map((f) => ({
      replaceOne: {
        filter: { code: f.code, $or: [{ writtenAt: { $lte: at } }, { writtenAt: null }] },
        replacement: { ...f, writtenAt: at },
        upsert: true,
      },
    }));
    // ordered, and on a skipped facility go on after it: FerretDB 1.24 stops even an unordered
    // batch at its first error, so "unordered" would mean something else on each server. In
    // batches of BULK_BATCH: FerretDB 1.24 never answers an update command of 100 updates.
    let pending = ops;
    let inserted = 0;
    let updated = 0;
    while (pending.length) {
      try {
        const batch = pending.slice(0, BULK_BATCH);
        const r = await facilities.collection.bulkWrite(batch, { ordered: true });
        inserted += r.upsertedCount;
        updated += r.matchedCount;
        pending = pending.slice(batch.length);
      } catch (e) {
        // the upsert of a facility that holds a later write runs into its unique code: skip it
        const err = e as { writeErrors?: Array<{ code: number; index: number }> | { code: number; index: number }; result?: { upsertedCount: number; matchedCount: number } };
        const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : err.writeErrors ? [err.writeErrors] : [];
        if (writeErrors.length !== 1 || !isDuplicateKey(writeErrors[0]) || !err.result) throw e;
        inserted += err.result.upsertedCount;
        updated += err.result.matchedCount;
        pending = pending.slice(writeErrors[0]!.index + 1);
      }
    }
    return { inserted, updated };
  }

  /** Imports recorded but not finished (their writer stopped): written now. */
  async function finishStalledImports(): Promise<number> {
    const cutoff = new Date((await serverNow()).getTime() - STALLED_IMPORT_MS);
    const stalled = await facilityImports
      .find({ startedAt: { $lt: cutoff } })
      .sort({ startedAt: 1 })
      .lean<Doc[]>();
    for (const imp of stalled) {
      await applyFacilities(imp.facilities as Facility[], imp.startedAt as Date);
      await facilityImports.deleteOne({ _id: imp._id });
    }
    return stalled.length;
  }

  /** Deletes what matches in batches of SWEEP_BATCH, so no single write runs long. */
  async function deleteInBatches(model: Models['sessions'] | Models['respondents'] | Models['sessionClaims'], filter: Doc): Promise<number> {
    let deleted = 0;
    for (;;) {
      const ids = (await model.find(filter, { _id: 1 }).limit(SWEEP_BATCH).lean<Doc[]>()).map((d) => d._id);
      if (ids.length === 0) return deleted;
      const r = await model.deleteMany({ ...filter, _id: { $in: ids } });
      deleted += r.deletedCount;
      if (ids.length < SWEEP_BATCH) return deleted;
    }
  }

  async function* streamResponses(filter: ResponseFilter): AsyncGenerator<StoredResponse> {
    // Keyset pages instead of one long cursor: each page is a short query on the index, so a
    // client that stalls holds no server cursor that could time out half-way through a file.
    const base = responseQuery(filter);
    const range = (base.startedAt as Doc | undefined) ?? {};
    const hint = exportIndex(filter);
    const page = (q: Doc, sort: Record<string, 1>) => responses.find(q).sort(sort).hint(hint).limit(EXPORT_PAGE).lean<Doc[]>();
    let docs = await page(base, { startedAt: 1, _id: 1 });
    for (;;) {
      for (const d of docs) yield toResponse(d);
      if (docs.length < EXPORT_PAGE) return;
      const last = docs[docs.length - 1]!;
      // the rest of the responses that started at the same instant, then the later ones
      for (let after = last._id; ; ) {
        const same = await page({ ...base, startedAt: last.startedAt, _id: { $gt: after } }, { startedAt: 1, _id: 1 });
        for (const d of same) yield toResponse(d);
        if (same.length < EXPORT_PAGE) break;
        after = same[same.length - 1]!._id;
      }
      docs = await page({ ...base, startedAt: { ...range, $gt: last.startedAt } }, { startedAt: 1, _id: 1 });
    }
  }

  async function dailyFigures(query: DailyFiguresQuery) {
    const days = { completedDay: { $gte: query.fromDay, $lte: query.toDay } };
    const key = { f: '$facilityCode', d: '$completedDay' };
    const questionIds = [...new Set(query.ratings.map((r) => r.questionId))];
    // simple group stages with one $sum each (see the notes at the top of this file): the
    // reports per facility and day, then each rating question's values per facility, day and version
    const [reports, ...perQuestion] = await Promise.all([
      responses.aggregate<{ _id: { f: string; d: string }; n: number }>([{ $match: days }, { $group: { _id: key, n: { $sum: 1 } } }]),
      ...questionIds.map((q) =>
        responses.aggregate<{ _id: { f: string; d: string; qn: string; qv: number; v: unknown }; n: number }>([
          { $match: { ...days, [answerField(q)]: { $exists: true } } },
          { $group: { _id: { ...key, qn: '$questionnaireId', qv: '$questionnaireVersion', v: `$${answerField(q)}.value` }, n: { $sum: 1 } } },
        ]),
      ),
    ]);
    return foldDailyFigures(
      reports.map((r) => ({ facilityCode: r._id.f, day: r._id.d, n: r.n })),
      perQuestion.flatMap((rows, i) =>
        rows.map((a) => ({ facilityCode: a._id.f, day: a._id.d, questionnaireId: a._id.qn, questionnaireVersion: a._id.qv, questionId: questionIds[i]!, value: a._id.v, n: a.n })),
      ),
      query,
    );
  }

  return {
    kind: 'mongo',
    durable: true,
    indexes,
    server,
    connection: conn,
    facilities: {
      async findByCode(code) {
        const doc = await facilities.findOne({ code: String(code) }).lean<Doc>();
        return doc ? plainFromDoc<Facility>(doc, FACILITY_INTERNAL) : null;
      },
      async list(filter = {}) {
        const q: Doc = {};
        if (filter.district) q.district = filter.district;
        if (filter.type) q.type = filter.type;
        if (filter.activeOnly) q.active = true;
        const docs = await facilities.find(q).sort({ code: 1 }).lean<Doc[]>();
        return docs.map((d) => plainFromDoc<Facility>(d, FACILITY_INTERNAL));
      },
      async count() {
        return facilities.countDocuments();
      },
      async managedBy(phone) {
        // FerretDB 1.x refuses $elemMatch with field conditions ("unknown operator: phone"): the
        // index on managers.phone finds the candidates, and "an active manager with this number" is checked here
        const docs = await facilities
          .find({ active: true, 'managers.phone': String(phone) })
          .sort({ code: 1 })
          .lean<Doc[]>();
        return docs.map((d) => plainFromDoc<Facility>(d, FACILITY_INTERNAL)).filter((f) => f.managers.some((m) => m.phone === phone && m.active));
      },
      async listsManager(phone) {
        return (await facilities.exists({ 'managers.phone': String(phone) })) !== null;
      },
      async insert(facility) {
        try {
          // the unique code decides between two concurrent creates: the second one gets false
          await facilities.collection.insertOne({ ...facility, writtenAt: await serverNow() });
          return true;
        } catch (e) {
          if (isDuplicateKey(e)) return false;
          throw e;
        }
      },
      async upsertMany(list) {
        if (list.length === 0) return { inserted: 0, updated: 0 };
        const at = await serverNow();
        // one replace is atomic by itself; more are recorded first (one document, one atomic
        // insert) and written after, so a failure part-way is finished by the sweep, never
        // left half-done. No server-specific transaction: this works on every supported server.
        if (list.length === 1) return applyFacilities(list, at);
        const id = randomUUID();
        await facilityImports.collection.insertOne({ _id: id as never, facilities: list, startedAt: at, by: instance });
        let result: Awaited<ReturnType<typeof applyFacilities>>;
        try {
          result = await applyFacilities(list, at);
        } catch (e) {
          throw new Error(
            `the import of ${list.length} facilities is recorded but stopped part-way (${e instanceof Error ? e.message : String(e)}); the next storage sweep writes the rest, or run the import again`,
            { cause: e },
          );
        }
        await facilityImports.deleteOne({ _id: id });
        return result;
      },
    },
    questionnaires: {
      async getVersion(id, version) {
        const doc = await questionnaires.findOne({ id, version }).lean<Doc>();
        return doc ? plainFromDoc<QuestionnaireVersion>(doc) : null;
      },
      async latestPublishedForFacilityType(facilityType) {
        const doc = await questionnaires
          .findOne({ 'definition.facilityTypes': facilityType, status: 'published' }, { id: 1, version: 1, _id: 0 })
          .sort({ version: -1 })
          .lean<{ id: string; version: number }>();
        return doc ? { id: doc.id, version: doc.version } : null;
      },
      async latestPublished(id) {
        return latest({ id });
      },
      async listVersions(id) {
        const docs = await questionnaires
          .find(id ? { id } : {})
          .sort({ id: 1, version: 1 })
          .lean<Doc[]>();
        return docs.map((d) => plainFromDoc<QuestionnaireVersion>(d));
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
        return plainFromDoc<QuestionnaireVersion>(doc);
      },
      async retireVersion(id, version) {
        const result = await questionnaires.updateOne({ id, version, status: 'published' }, { $set: { status: 'retired' } });
        return result.matchedCount === 1;
      },
    },
    responses: {
      async start(input: NewResponse) {
        const started = startedResponse(input);
        const { id, answers: _none, ...rest } = started;
        void _none;
        // an insert, not an upsert: FerretDB 1.24 drops null and empty values set by $setOnInsert
        try {
          await responses.collection.insertOne({ _id: id as never, ...rest, answers: {}, countSlot: uncountedSlot(id), rev: 0 });
          return structuredClone(started);
        } catch (e) {
          // this session already started one (a repeated or concurrent first hop): that one stands
          if (!isDuplicateKey(e)) throw e;
          const doc = await responses.findOne({ sourceKey: input.sourceKey }).lean<Doc>();
          if (doc) return toResponse(doc);
          throw e;
        }
      },
      get: getResponse,
      async recordAnswer(id, answer, resumeState) {
        // one write: sets or replaces this question's answer (a replay writes the same again)
        const result = await responses.updateOne(
          { _id: id, status: { $ne: 'complete' } },
          { $set: { [answerField(answer.questionId)]: { value: answer.value, at: answer.at }, resumeState, updatedAt: answer.at }, $inc: { rev: 1 } },
        );
        if (result.matchedCount === 0) await unlessComplete(id);
      },
      async withdrawAnswer(id, questionId, resumeState, at) {
        const result = await responses.updateOne({ _id: id, status: { $ne: 'complete' } }, { $unset: { [answerField(questionId)]: '' }, $set: { resumeState, updatedAt: at }, $inc: { rev: 1 } });
        if (result.matchedCount === 0) await unlessComplete(id);
      },
      async saveProgress(id, resumeState, at) {
        const result = await responses.updateOne({ _id: id, status: { $ne: 'complete' } }, { $set: { resumeState, updatedAt: at }, $inc: { rev: 1 } });
        if (result.matchedCount === 0) await unlessComplete(id);
      },
      async complete(id, at, countKey, day) {
        const done = { status: 'complete', completedAt: at, updatedAt: at, abandonedAt: null, completedDay: day };
        // a few rounds at most: only a concurrent writer can send us around again
        for (let attempt = 0; attempt < 5; attempt++) {
          const current = await responses.findById(id).lean<Doc>();
          if (!current) throw notFound(id);
          if (current.status === 'complete') return toResponse(current);
          // the revision read above: a write in between sends us round again
          const unchanged = { _id: id, rev: current.rev ?? null, status: { $ne: 'complete' } };
          try {
            const doc = await responses
              .findOneAndUpdate(unchanged, { $set: { ...done, counted: true, countKey, countSlot: countKey, duplicateOf: null }, $inc: { rev: 1 } }, { returnDocument: 'after' })
              .lean<Doc>();
            if (doc) return toResponse(doc);
            continue;
          } catch (e) {
            if (!isDuplicateKey(e)) throw e;
          }
          // another counted response holds this countKey: store this one as its duplicate
          const holder = await responses.findOne({ countSlot: countKey }, { _id: 1 }).lean<Doc>();
          if (!holder) continue; // the holder went away meanwhile: try to take the key again
          const doc = await responses.findOneAndUpdate(unchanged, { $set: { ...done, counted: false, duplicateOf: String(holder._id) }, $inc: { rev: 1 } }, { returnDocument: 'after' }).lean<Doc>();
          if (doc) return toResponse(doc);
        }
        throw new Error(`could not complete response ${id}: too many concurrent writers`);
      },
      async markAbandoned(id, at) {
        await responses.updateOne({ _id: id, status: 'in_progress' }, { $set: { status: 'abandoned', abandonedAt: at }, $inc: { rev: 1 } });
      },
      async resume(id, sessionId, at) {
        const result = await responses.updateOne(
          { _id: id, status: { $ne: 'complete' } },
          { $set: { status: 'in_progress', abandonedAt: null, updatedAt: at }, $addToSet: { sessionIds: sessionId }, $inc: { rev: 1 } },
        );
        if (result.matchedCount === 0) await unlessComplete(id);
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
        return doc ? toResponse(doc) : null;
      },
      stream: streamResponses,
      tallyCounted: (query) => tallyCountedInMongo(responses, query),
      dailyFigures,
    },
    sessions: {
      async get(channel, sessionId) {
        const doc = await sessions.findOne({ channel, sessionId, ttlAt: { $gt: await serverNow() } }).lean<Doc>();
        return doc ? plainFromDoc<HopSession>(doc, SESSION_INTERNAL) : null;
      },
      async create(session) {
        const ttlAt = await time.onServer(session.expiresAt, 'session');
        try {
          await sessions.create({ ...session, ttlAt });
          return true;
        } catch (e) {
          if (!isDuplicateKey(e)) throw e;
        }
        // the key is taken; an expired session the TTL monitor or the sweep has not removed yet does not count
        const result = await sessions.replaceOne({ channel: session.channel, sessionId: session.sessionId, ttlAt: { $lte: await serverNow() } }, { ...session, ttlAt });
        return result.matchedCount === 1;
      },
      async update(session, expectedRevision) {
        const next = { ...session, revision: expectedRevision + 1, ttlAt: await time.onServer(session.expiresAt, 'session') };
        const key = { channel: session.channel, sessionId: session.sessionId };
        if (server.atomicConditionalUpdates) {
          const result = await sessions.replaceOne({ ...key, revision: expectedRevision }, next);
          return result.matchedCount === 1;
        }
        // the server would read then write: let a unique insert pick the one writer of this revision
        try {
          await sessionClaims.collection.insertOne({ _id: `${session.channel}:${session.sessionId}@${session.createdAt.getTime()}#${next.revision}` as never, at: await serverNow() });
        } catch (e) {
          if (isDuplicateKey(e)) return false;
          throw e;
        }
        const result = await sessions.replaceOne(key, next);
        return result.matchedCount === 1;
      },
    },
    respondents: {
      async getLanguage(respondentKey) {
        const doc = await respondents.findById(respondentKey).lean<Doc>();
        return typeof doc?.language === 'string' ? doc.language : null;
      },
      async setLanguage(respondentKey, language, at) {
        const write = () => respondents.updateOne({ _id: respondentKey }, { $set: { language, updatedAt: at } }, { upsert: true });
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
    managerPins: createMongoManagerPins(conn),
    scorecards: createMongoScorecards(models.scorecards),
    outbox: createMongoOutbox(models.outbox, models.outboxClaims, time),
    charters,
    facilityTypes,
    cases,
    caseContacts,
    smsInbox: createMongoSmsInbox(conn),
    async sweep({ respondentsSince }) {
      const now = await serverNow();
      const sessionsDeleted = await deleteInBatches(sessions, { ttlAt: { $lte: now } });
      const respondentsDeleted = respondentsSince ? await deleteInBatches(respondents, { updatedAt: { $lt: respondentsSince } }) : 0;
      const claimsBefore = { at: { $lt: new Date(now.getTime() - CLAIM_KEEP_MS) } };
      await deleteInBatches(sessionClaims, claimsBefore);
      await deleteInBatches(models.outboxClaims, claimsBefore);
      const imports = await finishStalledImports();
      return { sessions: sessionsDeleted, respondents: respondentsDeleted, imports };
    },
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

/** The server's own clock: `hello`'s localTime, or failing that a server-side `$currentDate`. */
async function serverLocalTime(conn: Connection): Promise<Date> {
  const hello = await conn.db!.admin().command({ hello: 1 });
  if (hello.localTime instanceof Date) return hello.localTime;
  const doc = await conn.db!.collection<{ _id: string; at: Date }>('storage_meta').findOneAndUpdate({ _id: 'clock' }, { $currentDate: { at: true } }, { upsert: true, returnDocument: 'after' });
  if (doc?.at instanceof Date) return doc.at;
  throw new Error('the database server did not tell its time (hello.localTime, $currentDate)');
}
