import { afterEach, describe, expect, it } from 'vitest';
import { createMongoStorage } from '../../src/storage/mongo/mongo-storage.js';
import type { Case, CaseTransition } from '../../src/storage/ports.js';
import { MONGO_SKIP_REASON, dropDatabase, mongoTarget, uniqueDbName } from './mongo-target.js';

/**
 * What only the Mongo cases adapter has to get right, over the wire: a writer that stopped
 * between claiming a step (the unique (reference, seq) insert) and saving the case is rolled
 * forward by the next writer, so a case is never stuck at a revision. Runs when
 * TEST_MONGODB_URI is set.
 */

const mongo = await mongoTarget();
if (!mongo) console.log(`mongo cases tests: skipped: ${MONGO_SKIP_REASON}`);

const at = new Date('2026-10-05T08:00:00Z');
const base: Case = {
  reference: 'K7M3-P9QX-AB',
  responseId: 'K7M3P9QXAB',
  facilityCode: '1001',
  district: 'Riverside',
  questionnaireId: 'clinic',
  concern: { problem: 'long_wait' },
  lang: 'en',
  status: 'open',
  contactConsent: false,
  openedAt: at,
  updatedAt: at,
  firstActionAt: null,
  actionTakenAt: null,
  closedAt: null,
  resolvedByTimeout: false,
  revision: 0,
};
const step = (seq: number, over: Partial<CaseTransition>): CaseTransition => ({
  seq,
  at,
  by: { kind: 'staff', label: 'Thandi (editor)' },
  event: 'acknowledge',
  from: 'open',
  to: 'acknowledged',
  actionCode: null,
  note: null,
  channel: 'api',
  ...over,
});

describe.skipIf(!mongo)(`mongo cases adapter on ${mongo?.server ?? 'no server'}`, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  it('rolls forward a step that was claimed but whose case was never saved', async () => {
    const dbName = uniqueDbName('cases');
    cleanups.push(() => dropDatabase(mongo!.uri, dbName));
    const storage = await createMongoStorage(mongo!.uri, { dbName, serverSelectionTimeoutMS: 10_000 });
    cleanups.push(() => storage.close());
    expect(await storage.cases.open(base, step(1, { event: 'open', from: null, to: 'open', by: { kind: 'citizen', label: 'citizen report' }, channel: 'ussd' }))).toBe(true);

    // a writer that stopped after its claim: the step is stored, the case is not
    const acknowledged = { ...base, status: 'acknowledged' as const, firstActionAt: at, revision: 1 };
    const { reference, ...rest } = acknowledged;
    await storage.connection.db!.collection('case_transitions').insertOne({ _id: `${reference}#2` as never, reference, ...step(2, {}), after: { _id: reference, ...rest } });
    expect((await storage.cases.get(reference))!.revision).toBe(0);

    // the next writer at revision 0 loses (the step is taken) and finishes the stopped one
    expect(await storage.cases.transition({ ...base, status: 'escalated' }, step(2, { event: 'refer', to: 'escalated' }), 0)).toBe(false);
    expect(await storage.cases.get(reference)).toStrictEqual(acknowledged);
    // and the case goes on from there
    expect(await storage.cases.transition({ ...acknowledged, status: 'escalated' }, step(3, { event: 'refer', from: 'acknowledged', to: 'escalated' }), 1)).toBe(true);
    expect((await storage.cases.history(reference)).map((t) => t.to)).toEqual(['open', 'acknowledged', 'escalated']);
  });
});
