import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { startTestService, type TestService } from '../support/service.js';
import type { Facility } from '../../src/storage/ports.js';
import { createOutboxSender } from '../../src/app/scorecards/send-outbox.js';
import { createAfricasTalkingGateway } from '../../src/gateways/sms/africastalking-gateway.js';

/**
 * The Africa's Talking gateway through the real SDK, with AT's HTTP intercepted by nock:
 * what the SDK sends is asserted field by field, and each reply shape drives the outbox.
 */

const AT = 'https://api.africastalking.com';
const API_KEY = 'at-test-api-key-0123456789';
const ENV = { AT_USERNAME: 'crc-test', AT_API_KEY: API_KEY, AT_SENDER_ID: 'CRC', SCORECARD_SCHEDULE: 'false', SEED_DEMO: 'false', SMS_MAX_ATTEMPTS: '3' };

type Seen = { headers: Record<string, string | string[] | undefined>; form: Record<string, string> };

const recipient = (number: string, statusCode: number, status: string, messageId = `ATXid_${number.slice(-3)}`) => ({
  statusCode,
  number,
  status,
  cost: statusCode < 200 ? 'KES 0.8000' : '0',
  messageId: statusCode < 200 ? messageId : 'None',
});
const sent = (...recipients: ReturnType<typeof recipient>[]) => ({
  SMSMessageData: { Message: `Sent to ${recipients.filter((r) => r.statusCode < 200).length}/${recipients.length}`, Recipients: recipients },
});

function clinic(code: string, phone: string, language = 'en'): Facility {
  return {
    code,
    name: `Clinic ${code}`,
    type: 'clinic',
    district: 'Riverside',
    active: true,
    managers: [{ name: `Manager ${code}`, phone, language, role: 'facility', active: true, optedOut: false }],
  };
}

let t: TestService;
let seen: Seen[];

/** Intercepts AT's messaging endpoint `times` times, answering with `reply(to)`. */
function interceptAt(reply: (to: string) => [number, unknown], times = 1) {
  return nock(AT)
    .post('/version1/messaging')
    .times(times)
    .reply(function (_uri, body) {
      const form = Object.fromEntries(new URLSearchParams(String(body)));
      seen.push({ headers: this.req.headers, form });
      return reply(form.to!);
    });
}

const outbox = async () => Object.fromEntries((await t.storage.outbox.list()).map((m) => [m.subjectCode, m]));

beforeEach(async () => {
  seen = [];
  t = await startTestService(ENV);
});
afterEach(async () => {
  nock.cleanAll();
  await t.stop();
});

describe("Africa's Talking SMS gateway (SDK over nock)", () => {
  it('sends the real request and checks every recipient of a 201 with mixed statuses', async () => {
    await t.storage.facilities.upsertMany([
      clinic('1001', '+254711000101'),
      clinic('1002', '+254711000102', 'sw'),
      clinic('1003', '+254711000103'),
      clinic('1004', '+254711000104'),
      clinic('1005', '+254711000105'),
      clinic('1006', '+254711000106'),
    ]);
    const replies: Record<string, ReturnType<typeof sent>> = {
      '+254711000101': sent(recipient('+254711000101', 101, 'Success')),
      '+254711000102': sent(recipient('+254711000102', 102, 'Queued')),
      '+254711000103': sent(recipient('+254711000103', 403, 'InvalidPhoneNumber')),
      '+254711000104': sent(recipient('+254711000104', 406, 'UserInBlacklist')),
      '+254711000105': sent(recipient('+254711000105', 405, 'InsufficientBalance')),
      // a 201 listing another number that succeeded: ours is the one that counts
      '+254711000106': sent(recipient('+254799999999', 101, 'Success'), recipient('+254711000106', 500, 'InternalServerError')),
    };
    interceptAt((to) => [201, replies[to]], 6);

    const run = await t.service.scorecards.run('2026-10');
    expect(run.created.messages).toBe(6);
    const result = await t.service.scorecards.sender.drain();
    expect(result).toEqual({ sent: 2, failed: 3, retrying: 1 });

    expect(seen).toHaveLength(6);
    const texts = Object.fromEntries(run.messages.map((m) => [m.phone, m.text]));
    for (const request of seen) {
      expect(request.headers.apikey).toBe(API_KEY);
      expect(request.headers.accept).toBe('application/json');
      expect(String(request.headers['content-type'])).toMatch(/^application\/x-www-form-urlencoded/);
      expect(Object.keys(request.form).sort()).toEqual(['bulkSMSMode', 'from', 'message', 'to', 'username']);
      expect(request.form).toMatchObject({ username: 'crc-test', from: 'CRC', bulkSMSMode: '1' });
      expect(request.form.message).toBe(texts[request.form.to!]);
    }
    expect(seen.map((s) => s.form.to).sort()).toEqual(Object.keys(replies).sort());

    const m = await outbox();
    expect(m['1001']).toMatchObject({ status: 'sent', providerMessageId: 'ATXid_101', cost: 'KES 0.8000', attempts: 1 });
    expect(m['1002']).toMatchObject({ status: 'sent', providerMessageId: 'ATXid_102' });
    expect(m['1003']).toMatchObject({ status: 'failed', lastError: 'InvalidPhoneNumber (403)', attempts: 1 });
    expect(m['1004']).toMatchObject({ status: 'failed', lastError: 'UserInBlacklist (406)' });
    expect(m['1005']).toMatchObject({ status: 'failed', lastError: 'InsufficientBalance (405)' });
    expect(m['1006']).toMatchObject({ status: 'pending', lastError: 'InternalServerError (500)', attempts: 1 });

    // no phone number in the logs, in clear
    for (const phone of Object.keys(replies)) expect(t.logs.join('')).not.toContain(phone.slice(1));
  });

  it('retries a 5xx with backoff and sends once it recovers', async () => {
    await t.storage.facilities.upsertMany([clinic('1001', '+254711000101')]);
    await t.service.scorecards.run('2026-10');
    interceptAt(() => [503, 'Service Unavailable']);
    expect(await t.service.scorecards.sender.drain()).toEqual({ sent: 0, failed: 0, retrying: 1 });
    const waiting = (await outbox())['1001']!;
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 503' });
    expect(waiting.nextAttemptAt.getTime()).toBe(t.clock.now().getTime() + 60_000);

    // not before the backoff is over: no request is made
    t.clock.advance(59_000);
    expect(await t.service.scorecards.sender.drain()).toEqual({ sent: 0, failed: 0, retrying: 0 });
    expect(seen).toHaveLength(1);

    interceptAt((to) => [201, sent(recipient(to, 101, 'Success'))]);
    t.clock.advance(1_000);
    expect(await t.service.scorecards.sender.drain()).toEqual({ sent: 1, failed: 0, retrying: 0 });
    expect(seen).toHaveLength(2);
    expect(seen[1]!.form.message).toBe(seen[0]!.form.message);
    expect((await outbox())['1001']).toMatchObject({ status: 'sent', attempts: 2, providerMessageId: 'ATXid_101' });
  });

  it('gives up on a message after SMS_MAX_ATTEMPTS transient failures, doubling the wait each time', async () => {
    await t.storage.facilities.upsertMany([clinic('1001', '+254711000101')]);
    await t.service.scorecards.run('2026-10');
    interceptAt(() => [502, 'Bad Gateway'], 3);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      await t.service.scorecards.sender.drain();
      const m = (await outbox())['1001']!;
      if (m.status === 'pending') {
        waits.push(m.nextAttemptAt.getTime() - t.clock.now().getTime());
        t.clock.set(m.nextAttemptAt);
      }
    }
    expect(waits).toEqual([60_000, 120_000]);
    expect((await outbox())['1001']).toMatchObject({ status: 'failed', attempts: 3, lastError: 'gave up after 3 attempts: HTTP 502' });
    expect(seen).toHaveLength(3);
  });

  it('does not retry a permanent failure', async () => {
    await t.storage.facilities.upsertMany([clinic('1001', '+254711000101')]);
    await t.service.scorecards.run('2026-10');
    interceptAt((to) => [201, sent(recipient(to, 403, 'InvalidPhoneNumber'))], 5);
    expect(await t.service.scorecards.sender.drain()).toEqual({ sent: 0, failed: 1, retrying: 0 });
    for (let day = 0; day < 3; day++) {
      t.clock.advance(86_400_000);
      expect(await t.service.scorecards.sender.drain()).toEqual({ sent: 0, failed: 0, retrying: 0 });
    }
    expect(seen).toHaveLength(1);
    expect((await outbox())['1001']).toMatchObject({ status: 'failed', attempts: 1, lastError: 'InvalidPhoneNumber (403)' });
    expect(t.logs.filter((l) => l.includes('scorecard SMS failed'))).toHaveLength(1);
  });

  it('fails a number the SDK itself refuses without calling AT, and skips a malformed one before it reaches the outbox', async () => {
    await t.storage.facilities.upsertMany([clinic('1001', '+254000000000'), clinic('1002', '0711 000 111')]);
    const run = await t.service.scorecards.run('2026-10');
    expect(run.skipped).toEqual([{ subject: 'facility:1002', manager: 'Manager 1002', reason: 'invalid phone number 0711 *****11: expected E.164 such as +254711000111' }]);
    expect(await t.service.scorecards.sender.drain()).toEqual({ sent: 0, failed: 1, retrying: 0 });
    expect(seen).toHaveLength(0);
    const m = await outbox();
    expect(Object.keys(m)).toEqual(['1001']);
    expect(m['1001']!.lastError).toMatch(/^rejected by the SDK before sending: .*valid phone number/);
    // a second run of the period reports the malformed number again but never queues it
    await t.service.scorecards.run('2026-10');
    expect(Object.keys(await outbox())).toEqual(['1001']);
    expect(t.logs.filter((l) => l.includes('scorecard recipient skipped'))).toHaveLength(2);
    expect(t.logs.join('')).not.toContain('0711 000 111');
  });

  it('retries when AT cannot be reached at all', async () => {
    await t.storage.facilities.upsertMany([clinic('1001', '+254711000101')]);
    await t.service.scorecards.run('2026-10');
    nock(AT).post('/version1/messaging').replyWithError('socket hang up');
    expect(await t.service.scorecards.sender.drain()).toEqual({ sent: 0, failed: 0, retrying: 1 });
    expect((await outbox())['1001']!.lastError).toBe('network: socket hang up');
    // with no interceptor at all the connection is refused: also a network failure
    t.clock.advance(60_000);
    expect(await t.service.scorecards.sender.drain()).toEqual({ sent: 0, failed: 0, retrying: 1 });
    expect((await outbox())['1001']).toMatchObject({ attempts: 2, lastError: expect.stringMatching(/^network: /) });
  });

  it('counts a send with no reply in time as transient, so a hung connection cannot hold the loop', async () => {
    await t.storage.facilities.upsertMany([clinic('1001', '+254711000101')]);
    await t.service.scorecards.run('2026-10');
    nock(AT)
      .post('/version1/messaging')
      .delay(2_000)
      .reply(201, sent(recipient('+254711000101', 101, 'Success')));
    const sender = createOutboxSender({
      storage: t.storage,
      sms: createAfricasTalkingGateway({ username: 'crc-test', apiKey: API_KEY }),
      clock: t.clock,
      log: t.service.log,
      owner: 'impatient',
      settings: { leaseMs: 60_000, maxAttempts: 3, retryBaseMs: 1_000, retryMaxMs: 10_000, sendTimeoutMs: 50 },
    });
    expect(await sender.drain()).toEqual({ sent: 0, failed: 0, retrying: 1 });
    expect((await outbox())['1001']).toMatchObject({ status: 'pending', lastError: 'no reply within 0.05 s' });
  });
});
