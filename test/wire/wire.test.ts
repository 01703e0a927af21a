import { afterEach, describe, expect, it } from 'vitest';
import { AtUssdSession, type Hop } from '../../src/channels/ussd/at-simulator.js';
import { createMongoStorage } from '../../src/storage/mongo/mongo-storage.js';
import type { StoredResponse } from '../../src/storage/ports.js';
import { DEMO_FACILITIES } from '../../src/app/facilities/demo-registry.js';
import { MONGO_SKIP_REASON, dropDatabase, mongoTarget, uniqueDbName, withDatabase } from '../storage/mongo-target.js';
import { createInputDigest } from '../../src/text/input-digest.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

/**
 * Over the wire, with real service processes (`src/main.ts`) sharing one database on the
 * server TEST_MONGODB_URI names, each test on a database of its own: a restart after
 * SIGKILL loses nothing, hops of one report may alternate between instances, two
 * schedulers send each scorecard SMS once, and twenty copies of one hop record one answer.
 */

const mongo = await mongoTarget();
console.log(mongo ? `wire tests: service processes on the Mongo adapter, ${mongo.server}` : `wire tests: skipped: ${MONGO_SKIP_REASON}`);

// a whole clinic report (as in test/api/staff-dashboard.test.ts): language, facility, consent, the questions
const REPORT = ['1', '1001', '1', '2', '4', '1', '5', '1', '98', '1', '00', '2'];
const HALF = 6; // language, facility, consent, and three answers: wait, staff, medicines

/** The closing screen quotes the response's reference, which differs between runs. */
const normalise = (body: string) => body.replace(/[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}/g, '<ref>');

/** What a stored report says, without what differs between runs (ids, times, respondent). */
function essence(r: StoredResponse) {
  return {
    facilityCode: r.facilityCode,
    facilityType: r.facilityType,
    district: r.district,
    questionnaire: `${r.questionnaireId}@${r.questionnaireVersion}`,
    channel: r.channel,
    language: r.language,
    status: r.status,
    counted: r.counted,
    duplicateOf: r.duplicateOf,
    answers: r.answers.map((a) => [a.questionId, a.value]),
  };
}

describe.skipIf(!mongo)('over the wire: service processes on one database', () => {
  const processes: ServiceProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const p of processes.splice(0)) await p.kill().catch(() => undefined);
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  async function database(prefix: string) {
    const dbName = uniqueDbName(prefix);
    const uri = withDatabase(mongo!.uri, dbName);
    const storage = await createMongoStorage(uri, { serverSelectionTimeoutMS: 10_000 });
    cleanups.push(async () => {
      await storage.close();
      await dropDatabase(mongo!.uri, dbName);
    });
    return { uri, storage };
  }
  async function start(name: string, env: Record<string, string>) {
    const p = await startServiceProcess(name, env);
    processes.push(p);
    return p;
  }
  async function responsesIn(storage: Awaited<ReturnType<typeof database>>['storage']) {
    const out: StoredResponse[] = [];
    for await (const r of storage.responses.stream({})) out.push(r);
    return out;
  }

  it('loses nothing when the service is killed half-way: the redial, on a new process, offers to resume with every answer', async () => {
    const { uri, storage } = await database('restart');
    const first = await start('first', { MONGODB_URI: uri });
    const phone = new AtUssdSession({ baseUrl: first.url, phoneNumber: '+254711000901', sessionId: 'ATUid_wire_restart_1' });
    await phone.dial();
    for (const input of REPORT.slice(0, HALF)) expect((await phone.send(input)).body).toMatch(/^CON /);
    await first.kill(); // SIGKILL: no graceful stop, no flush

    const second = await start('second', { MONGODB_URI: uri });
    const stored = await responsesIn(storage);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.answers.map((a) => [a.questionId, a.value])).toEqual([
      ['wait', 'm30_1h'],
      ['staff', 4],
      ['medicines', 'all'],
    ]);

    const redial = new AtUssdSession({ baseUrl: second.url, phoneNumber: '+254711000901', sessionId: 'ATUid_wire_restart_2' });
    const offer = await redial.dial();
    expect(offer.body).toMatch(/^CON You have an unfinished report for Riverside Clinic/);
    const next = await redial.send('1'); // continue
    expect(next.body).toMatch(/^CON /);
    expect(next.body).toMatch(/^CON Overall, how was your visit\?/); // the first unanswered question
    let last: Hop = next;
    for (const input of REPORT.slice(HALF)) last = await redial.send(input);
    expect(last.body).toMatch(/^END /);

    const [done] = await responsesIn(storage);
    expect(done).toMatchObject({ status: 'complete', counted: true, sessionIds: ['ATUid_wire_restart_1', 'ATUid_wire_restart_2'] });
    expect(done!.answers.slice(0, 3).map((a) => a.questionId)).toEqual(['wait', 'staff', 'medicines']);
    expect(done!.answers.length).toBeGreaterThan(3);
  }, 240_000);

  it('gives the same transcript and the same stored report when the hops of one report alternate between two processes', async () => {
    const { uri, storage } = await database('alternate');
    const [a, b] = await Promise.all([start('a', { MONGODB_URI: uri }), start('b', { MONGODB_URI: uri })]);

    async function run(sessionId: string, phoneNumber: string, instanceFor: (hop: number) => ServiceProcess) {
      const screens: string[] = [];
      const on = (hop: number) => new AtUssdSession({ baseUrl: instanceFor(hop).url, phoneNumber, sessionId });
      // each hop is posted by a fresh simulator aimed at that hop's instance, carrying the whole text so far
      const inputs: string[] = [];
      screens.push(normalise((await on(0).dial()).body));
      for (const [i, input] of REPORT.entries()) {
        inputs.push(input);
        const phone = on(i + 1);
        screens.push(normalise((await phone.dial(inputs)).body));
      }
      return screens;
    }
    const alone = await run('ATUid_wire_alone', '+254711000911', () => a);
    const alternating = await run('ATUid_wire_alt', '+254711000912', (hop) => (hop % 2 === 0 ? a : b));
    expect(alternating).toEqual(alone);
    expect(alone.at(-1)).toMatch(/^END /);

    const stored = await responsesIn(storage);
    expect(stored).toHaveLength(2);
    const [one, two] = stored.map(essence);
    expect(two).toEqual(one);
    expect(one).toMatchObject({ status: 'complete', counted: true });
  }, 240_000);

  it('sends every scorecard SMS exactly once when two schedulers in two processes run the same period at the same moment', async () => {
    const { uri, storage } = await database('schedulers');
    // both processes run the schedule; its one tick is far enough ahead for both to be up by then
    const tick = new Date(Date.now() + 40_000);
    const cron = `${tick.getUTCSeconds()} ${tick.getUTCMinutes()} ${tick.getUTCHours()} * * *`;
    const env = { MONGODB_URI: uri, SCORECARD_SCHEDULE: 'true', SCORECARD_CRON: cron, TIME_ZONE: 'UTC', SMS_SEND_INTERVAL_SECONDS: '1', SMS_GATEWAY: 'log' };
    const [a, b] = await Promise.all([start('scheduler-a', env), start('scheduler-b', env)]);
    expect(Date.now(), 'both schedulers must be up before the tick').toBeLessThan(tick.getTime() - 2000);

    const recipients = new Set(DEMO_FACILITIES.flatMap((f) => f.managers.map((m) => m.phone))).size;
    const deadline = Date.now() + 120_000;
    let outbox = await storage.outbox.list();
    // each process also catches up at start (the period's tick passed before it was up): wait for the tick too
    const bothTicked = () => [a, b].every((p) => p.logs.some((l) => l.msg === 'scheduled scorecards done'));
    while (Date.now() < deadline && !(outbox.length === recipients && outbox.every((m) => m.status === 'sent') && bothTicked())) {
      await new Promise((ok) => setTimeout(ok, 500));
      outbox = await storage.outbox.list();
    }
    // give a duplicate every chance to go out: both sender loops run every second
    await new Promise((ok) => setTimeout(ok, 4000));
    await Promise.all([a.stop(), b.stop()]);

    outbox = await storage.outbox.list();
    expect(outbox).toHaveLength(recipients);
    expect(outbox.every((m) => m.status === 'sent' && m.attempts === 1)).toBe(true);
    // both schedulers ran the tick
    for (const p of [a, b])
      expect(
        p.logs.some((l) => l.msg === 'scheduled scorecards done'),
        `${p.name} ran the tick`,
      ).toBe(true);
    // what the log gateway printed, across both processes: each stored message once, nothing else
    const printed = [a, b].flatMap((p) => p.logs.filter((l) => l.msg === 'SMS (log gateway, not sent)').map((l) => (l.sms as { providerMessageId: string }).providerMessageId));
    expect(printed.slice().sort()).toEqual(outbox.map((m) => m.providerMessageId).sort());
    expect(new Set(printed).size).toBe(recipients);
  }, 240_000);

  it('records one answer when twenty identical copies of a hop arrive at once, on two processes', async () => {
    const { uri, storage } = await database('concurrent');
    const env = { MONGODB_URI: uri, RESPONDENT_KEY_SECRET: 'wire-test-secret-of-at-least-32-characters' };
    const [a, b] = await Promise.all([start('a', env), start('b', env)]);
    const sessionId = 'ATUid_wire_twenty';
    const phone = new AtUssdSession({ baseUrl: a.url, phoneNumber: '+254711000921', sessionId });
    await phone.dial();
    for (const input of REPORT.slice(0, 3)) await phone.send(input); // language, facility, consent: now on "wait"
    const before = (await storage.sessions.get('ussd', sessionId))!;

    const text = [...REPORT.slice(0, 3), '2'].join('*');
    const copies = await Promise.all(Array.from({ length: 20 }, (_, i) => new AtUssdSession({ baseUrl: (i % 2 ? b : a).url, phoneNumber: '+254711000921', sessionId }).dial(text.split('*'))));
    expect(new Set(copies.map((c) => c.body)).size).toBe(1);
    expect(copies[0]!.body).toMatch(/^CON /);

    const after = (await storage.sessions.get('ussd', sessionId))!;
    // the session keeps a digest of the text, never the text
    expect(after.lastInput).toBe(createInputDigest(env.RESPONDENT_KEY_SECRET)(text));
    expect(after.revision).toBe(before.revision + 1);
    const [response] = await responsesIn(storage);
    expect(response!.answers.map((x) => [x.questionId, x.value])).toEqual([['wait', 'm30_1h']]);

    // and the report goes on from there as one
    const on = new AtUssdSession({ baseUrl: b.url, phoneNumber: '+254711000921', sessionId });
    const next = await on.dial([...text.split('*'), '4']);
    expect(next.body).toMatch(/^CON /);
    const [later] = await responsesIn(storage);
    expect(later!.answers.map((x) => [x.questionId, x.value])).toEqual([
      ['wait', 'm30_1h'],
      ['staff', 4],
    ]);
  }, 240_000);
});
