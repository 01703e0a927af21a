import { afterEach, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { createMongoStorage } from '../../src/storage/mongo/mongo-storage.js';
import { IndexProblem, REBUILD_AFTER_MS } from '../../src/storage/mongo/indexes.js';
import { selectStorage } from '../../src/storage/select.js';
import type { Facility, HopSession } from '../../src/storage/ports.js';
import { MONGO_SKIP_REASON, dropDatabase, mongoTarget, uniqueDbName, withDatabase } from './mongo-target.js';

/**
 * What only the Mongo adapter has to get right, over the wire: clocks that disagree, index
 * problems an operator must fix, servers without TTL indexes, imports that stop part-way, the
 * write concern. Runs when TEST_MONGODB_URI is set (see mongo-target.ts).
 */

const mongo = await mongoTarget();
if (!mongo) console.log(`mongo adapter tests: skipped: ${MONGO_SKIP_REASON}`);

const TEN_MINUTES = 10 * 60_000;
const facility = (code: string, name = `Facility ${code}`): Facility => ({ code, name, type: 'clinic', district: 'north', active: true, managers: [] });

describe.skipIf(!mongo)(`mongo adapter on ${mongo?.server ?? 'no server'}`, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });
  /** a storage on a database of its own; `skewMs` sets this "machine's" clock ahead of the real one */
  async function open(dbName: string, options: { skewMs?: number } = {}) {
    const skewed = () => new Date(Date.now() + (options.skewMs ?? 0));
    const storage = await createMongoStorage(mongo!.uri, { dbName, now: skewed, localClock: skewed, serverSelectionTimeoutMS: 10_000 });
    cleanups.push(() => storage.close());
    return { storage, now: skewed };
  }
  function database(prefix: string) {
    const name = uniqueDbName(prefix);
    cleanups.push(() => dropDatabase(mongo!.uri, name));
    return name;
  }
  async function raw(dbName: string) {
    const conn = await mongoose.createConnection(withDatabase(mongo!.uri, dbName), { serverSelectionTimeoutMS: 10_000 }).asPromise();
    cleanups.push(() => conn.close());
    return conn.db!;
  }

  it('names the server it runs on and states the write concern: majority, journaled, unless told otherwise', async () => {
    const db = database('wc');
    const { storage } = await open(db);
    expect(storage.server.description).toBe(mongo!.server);
    expect(storage.connection.getClient().options.writeConcern).toMatchObject({ w: 'majority', journal: true });
    const one = await createMongoStorage(mongo!.uri, { dbName: db, writeConcern: 1 });
    cleanups.push(() => one.close());
    expect(one.connection.getClient().options.writeConcern).toMatchObject({ w: 1, journal: true });
  });

  it('keeps an SMS lease live for a sender whose clock runs ten minutes ahead', async () => {
    const db = database('skew_lease');
    const honest = await open(db);
    const fast = await open(db, { skewMs: TEN_MINUTES });
    const createdAt = new Date(honest.now().getTime() - 1000);
    await honest.storage.outbox.enqueue({
      key: 'facility:1001|2026-10|t',
      subjectKind: 'facility',
      subjectCode: '1001',
      district: 'north',
      period: '2026-10',
      recipientTag: 't',
      recipientName: 'A',
      phone: '+254711000111',
      language: 'en',
      text: 'hi',
      segments: 1,
      createdAt,
    });
    const claimed = await honest.storage.outbox.claimNext('honest', honest.now(), 60_000);
    expect(claimed?.leaseOwner).toBe('honest');
    // by its own clock the lease ran out nine minutes ago; by the server's it has a minute to go
    expect(await fast.storage.outbox.claimNext('fast', fast.now(), 60_000)).toBeNull();
    // and a short lease does run out for everyone, on the server's clock
    await honest.storage.outbox.enqueue({ ...claimed!, key: 'facility:1002|2026-10|t', subjectCode: '1002', createdAt });
    const short = await honest.storage.outbox.claimNext('honest', honest.now(), 500);
    expect(short?.key).toBe('facility:1002|2026-10|t');
    await new Promise((ok) => setTimeout(ok, 800));
    expect((await fast.storage.outbox.claimNext('fast', fast.now(), 60_000))?.key).toBe('facility:1002|2026-10|t');
  });

  it('keeps a live session live for an instance whose clock runs ten minutes ahead, and expires it on the server clock', async () => {
    const db = database('skew_session');
    const honest = await open(db);
    const fast = await open(db, { skewMs: TEN_MINUTES });
    const now = honest.now();
    const session: HopSession = {
      channel: 'ussd',
      sessionId: 'ATUid_skew',
      respondentKey: 'rk',
      lastInput: '1',
      lastReply: 'CON x',
      page: 0,
      responseId: null,
      revision: 0,
      createdAt: now,
      updatedAt: now,
      expiresAt: new Date(now.getTime() + 5 * 60_000),
      engine: {
        value: 'language',
        context: {
          languages: ['en'],
          maxFacilityAttempts: 3,
          maxRetries: null,
          lang: null,
          facilityAttempts: 0,
          prefilledFacilityCode: null,
          pendingCode: null,
          facility: null,
          questionnaire: null,
          resumeOffer: null,
          answers: {},
          path: [],
          error: null,
          end: null,
          retries: 0,
        },
      },
    };
    expect(await honest.storage.sessions.create(session)).toBe(true);
    // the fast instance would call it expired five minutes ago by its own clock
    expect((await fast.storage.sessions.get('ussd', 'ATUid_skew'))?.lastInput).toBe('1');
    // so it cannot take the id over as if it were free
    expect(await fast.storage.sessions.create({ ...session, lastInput: 'stolen' })).toBe(false);
    // a session written by the fast instance is placed on the server clock too: it lives its full five minutes
    const fastNow = fast.now();
    expect(await fast.storage.sessions.create({ ...session, sessionId: 'ATUid_fast', createdAt: fastNow, updatedAt: fastNow, expiresAt: new Date(fastNow.getTime() + 5 * 60_000) })).toBe(true);
    expect(await honest.storage.sessions.get('ussd', 'ATUid_fast')).not.toBeNull();
  });

  it('says which index conflicts and how to fix it, and builds nothing in its place', async () => {
    const db = database('conflict');
    const d = await raw(db);
    // an index of the name this version needs, but not unique
    await d.collection('responses').createIndex({ countSlot: 1 }, { name: 'countSlot_1' });
    const failure = await createMongoStorage(mongo!.uri, { dbName: db }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(IndexProblem);
    const message = (failure as IndexProblem).message;
    expect(message).toContain('responses.countSlot_1');
    expect(message).toContain("db.responses.dropIndex('countSlot_1')");
    expect(message).toMatch(/not unique, while it must be unique/);

    await d.collection('responses').dropIndex('countSlot_1');
    const fixed = await createMongoStorage(mongo!.uri, { dbName: db });
    cleanups.push(() => fixed.close());
    const indexes = await d.collection('responses').listIndexes().toArray();
    expect(indexes.find((i) => i.name === 'countSlot_1')).toMatchObject({ unique: true });
  });

  it('says which documents break a unique key, records the failed build, and does not rebuild it on every start', async () => {
    const db = database('duplicates');
    const d = await raw(db);
    await d.collection('facilities').insertMany([facility('1001', 'One'), facility('1001', 'Other')] as never[]);
    const first = (await createMongoStorage(mongo!.uri, { dbName: db, instance: 'instance-a' }).catch((e: unknown) => e)) as IndexProblem;
    expect(first).toBeInstanceOf(IndexProblem);
    expect(first.message).toContain('facilities.code_1');
    expect(first.message).toMatch(/share a value of code/);
    expect(first.message).toContain('$group');
    const recorded = await d.collection('storage_meta').findOne({ _id: 'index:facilities.code_1' as never });
    expect(recorded).toMatchObject({ by: 'instance-a' });

    // another instance starting now reports the recorded failure instead of building again
    const second = (await createMongoStorage(mongo!.uri, { dbName: db, instance: 'instance-b' }).catch((e: unknown) => e)) as IndexProblem;
    expect(second).toBeInstanceOf(IndexProblem);
    expect(second.message).toContain('by instance-a');
    expect(second.message).toContain(`Not retried before ${new Date((recorded!.at as Date).getTime() + REBUILD_AFTER_MS).toISOString()}`);
    expect(await d.collection('storage_meta').findOne({ _id: 'index:facilities.code_1' as never })).toMatchObject({ by: 'instance-a' });
  });

  it('waits with the fix in the log instead of exiting while an index problem lasts, then starts once it is fixed', async () => {
    const db = database('wait');
    const d = await raw(db);
    await d.collection('facilities').insertMany([facility('2001'), facility('2001')] as never[]);
    const warnings: string[] = [];
    let fixed = false;
    const log = {
      info: () => undefined,
      warn: (_o: object, msg: string) => {
        warnings.push(msg);
        if (fixed) return;
        fixed = true;
        // the operator resolves the duplicate and clears the record, as the message says
        void d
          .collection('facilities')
          .deleteOne({ name: 'Facility 2001' })
          .then(() => d.collection('storage_meta').deleteOne({ _id: 'index:facilities.code_1' as never }));
      },
    };
    const selected = await selectStorage({ mongodbUri: withDatabase(mongo!.uri, db), dataDir: '/nonexistent', production: true, indexRetryMs: 300 }, log);
    cleanups.push(() => selected.stop());
    expect(warnings[0]).toContain('facilities.code_1');
    expect(warnings[0]).toContain('does not exit');
    expect(selected.storage.kind).toBe('mongo');
    expect(await selected.storage.facilities.count()).toBe(1);
  });

  it(`reports whether the server has TTL indexes (${mongo?.ferretdb ? 'FerretDB 1.24 has none: the sweep expires sessions' : 'MongoDB has them'})`, async () => {
    const { storage } = await open(database('ttl'));
    if (mongo!.ferretdb) expect(storage.indexes.ttlNotSupported).toEqual(['sessions.ttlAt_1']);
    else expect(storage.indexes.ttlNotSupported).toEqual([]);
  });

  it('finishes an import that stopped part-way, keeping a facility edited after the import began', async () => {
    const db = database('import');
    const { storage } = await open(db);
    const d = await raw(db);
    // written three minutes ago; an import recorded two minutes ago whose writer died before writing anything
    await d.collection('facilities').insertMany([
      { ...facility('3001', 'Before import'), writtenAt: new Date(Date.now() - 3 * 60_000) },
      { ...facility('3002', 'Before import'), writtenAt: new Date(Date.now() - 3 * 60_000) },
    ] as never[]);
    const startedAt = new Date(Date.now() - 2 * 60_000);
    await d
      .collection('facility_imports')
      .insertOne({ _id: 'stalled' as never, startedAt, by: 'dead-instance', facilities: [facility('3001', 'Imported'), facility('3002', 'Imported'), facility('3003', 'Imported')] });
    // meanwhile someone edited 3002 (after the import began)
    await storage.facilities.upsertMany([facility('3002', 'Edited later')]);

    expect(await storage.sweep({ respondentsSince: null })).toMatchObject({ imports: 1 });
    expect((await storage.facilities.list()).map((f) => `${f.code} ${f.name}`)).toEqual(['3001 Imported', '3002 Edited later', '3003 Imported']);
    expect(await d.collection('facility_imports').countDocuments()).toBe(0);
    expect(await storage.sweep({ respondentsSince: null })).toMatchObject({ imports: 0 });
  });

  it('writes a many-facility import completely, and a later import wins over an earlier one', async () => {
    const { storage } = await open(database('import2'));
    const many = Array.from({ length: 120 }, (_, i) => facility(String(4000 + i)));
    expect(await storage.facilities.upsertMany(many)).toEqual({ inserted: 120, updated: 0 });
    expect(await storage.facilities.upsertMany(many.map((f) => ({ ...f, name: 'Second' })))).toEqual({ inserted: 0, updated: 120 });
    expect(new Set((await storage.facilities.list()).map((f) => f.name))).toEqual(new Set(['Second']));
  }, 120_000);
});
