import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { startTestService, type TestService } from '../support/service.js';
import { DEMO_FACILITIES } from '../../src/app/facilities/demo-registry.js';
import { createAfricasTalkingGateway } from '../../src/gateways/sms/africastalking-gateway.js';

/**
 * Exactly-once across instances: two services share one store (as instances share one
 * MongoDB), each with its own scheduler and sender. AT's HTTP is intercepted and every
 * request it receives is recorded.
 */

const API_KEY = 'at-test-api-key-0123456789';
const ENV = { AT_USERNAME: 'crc-test', AT_API_KEY: API_KEY, SCORECARD_SCHEDULE: 'false', SMS_LEASE_SECONDS: '120' };
const RECIPIENTS = [...new Set(DEMO_FACILITIES.flatMap((f) => f.managers.map((m) => m.phone)))].sort();
// 08:00 in Johannesburg on 1 November: the default cron's moment for October
const CRON_MOMENT = '2026-11-01T06:00:00Z';

let requests: string[];
let instances: TestService[];

function atAcceptsEverything() {
  nock('https://api.africastalking.com')
    .post('/version1/messaging')
    .times(1000)
    .delay(5) // let the other instance's work interleave with each send
    .reply((_uri, body) => {
      const to = new URLSearchParams(String(body)).get('to')!;
      requests.push(to);
      return [201, { SMSMessageData: { Message: 'Sent to 1/1', Recipients: [{ statusCode: 101, number: to, status: 'Success', cost: 'KES 0.8000', messageId: `ATXid_${requests.length}` }] } }];
    });
}

async function twoInstances() {
  const a = await startTestService(ENV);
  const b = await startTestService(ENV, { storage: a.storage });
  instances = [a, b];
  for (const i of instances) i.clock.set(CRON_MOMENT);
  return [a, b] as const;
}

beforeEach(() => {
  requests = [];
  instances = [];
});
afterEach(async () => {
  nock.cleanAll();
  for (const i of instances.reverse()) await i.stop();
});

describe('scorecards are sent exactly once', () => {
  it('when two schedulers run the same period at the same time', async () => {
    const [a, b] = await twoInstances();
    atAcceptsEverything();
    const periods = await Promise.all([a.service.scorecards.scheduler.tick(), b.service.scorecards.scheduler.tick()]);
    expect(periods).toEqual(['2026-10', '2026-10']);
    await Promise.all([a.service.scorecards.sender.drain(), b.service.scorecards.sender.drain()]);

    expect(requests.slice().sort()).toEqual(RECIPIENTS);
    const outbox = await a.storage.outbox.list({ period: '2026-10' });
    expect(outbox).toHaveLength(RECIPIENTS.length);
    expect(outbox.every((m) => m.status === 'sent' && m.attempts === 1)).toBe(true);
    expect(await a.storage.scorecards.list({ period: '2026-10' })).toHaveLength(DEMO_FACILITIES.length);

    // and again, later, from either instance: nothing more
    await Promise.all([a.service.scorecards.scheduler.tick(), b.service.scorecards.scheduler.tick()]);
    expect(requests).toHaveLength(RECIPIENTS.length);
  });

  it('when an instance crashes between enqueue and send, and another (or a restart) carries on', async () => {
    const [a, b] = await twoInstances();
    atAcceptsEverything();
    // instance a computes and enqueues, then dies before its sender runs
    const enqueued = await a.service.scorecards.run('2026-10');
    expect(enqueued.created.messages).toBe(RECIPIENTS.length);
    expect(requests).toHaveLength(0);

    // the restart runs the same tick: it enqueues nothing new and sends what is waiting
    const again = await b.service.scorecards.run('2026-10');
    expect(again.created).toEqual({ scorecards: 0, messages: 0 });
    await b.service.scorecards.sender.drain();
    expect(requests.slice().sort()).toEqual(RECIPIENTS);
    await b.service.scorecards.scheduler.tick();
    expect(requests).toHaveLength(RECIPIENTS.length);
  });

  it('when a sender dies holding a claim: the message waits for the lease to run out, then goes once', async () => {
    const [a, b] = await twoInstances();
    atAcceptsEverything();
    await a.service.scorecards.run('2026-10');
    // a's sender claims one message and dies before sending it
    const stuck = (await a.storage.outbox.claimNext('instance-a-that-died', a.clock.now(), 120_000))!;

    await b.service.scorecards.sender.drain();
    expect(requests).toHaveLength(RECIPIENTS.length - 1);
    expect(requests).not.toContain(stuck.phone);

    b.clock.advance(119_000);
    await b.service.scorecards.sender.drain();
    expect(requests).toHaveLength(RECIPIENTS.length - 1);

    b.clock.advance(1_000);
    await b.service.scorecards.sender.drain();
    expect(requests.slice().sort()).toEqual(RECIPIENTS);
    expect(await b.storage.outbox.get(stuck.key)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('has one honest at-least-once window: a crash after AT accepted but before the message was marked sent', async () => {
    const [a, b] = await twoInstances();
    atAcceptsEverything();
    await a.service.scorecards.run('2026-10');
    const claimed = (await a.storage.outbox.claimNext('instance-a-that-died', a.clock.now(), 120_000))!;
    // AT takes it, then instance a dies before markSent
    const outcome = await createAfricasTalkingGateway({ username: 'crc-test', apiKey: API_KEY }).send(claimed.phone, claimed.text);
    expect(outcome.kind).toBe('accepted');
    b.clock.advance(120_000);
    await b.service.scorecards.sender.drain();
    expect(requests.filter((to) => to === claimed.phone)).toHaveLength(2);
    expect(requests).toHaveLength(RECIPIENTS.length + 1);
  });
});
