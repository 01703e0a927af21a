import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../src/entry/config.js';
import { AFTER_THE_REPLY, startTestService, type TestService } from '../support/service.js';

describe('scorecard and SMS configuration', () => {
  it('defaults to a monthly run at 08:00 on the 1st, a minimum of 10 reports and the log gateway', () => {
    const c = loadConfig({});
    expect(c.scorecards).toEqual({ cron: '0 8 1 * *', period: 'month', minCount: 10, schedule: true, shortCode: '*384*123#' });
    expect(c.sms).toMatchObject({ gateway: 'log', at: undefined, sendIntervalMs: 30_000, maxAttempts: 8, leaseMs: 120_000 });
  });

  it("uses Africa's Talking when both credentials are set", () => {
    const c = loadConfig({ AT_USERNAME: 'sandbox', AT_API_KEY: 'key-0123456789', AT_SENDER_ID: 'CRC', SCORECARD_PERIOD: 'week', SCORECARD_CRON: '0 7 * * 1' });
    expect(c.sms).toMatchObject({ gateway: 'africastalking', at: { username: 'sandbox', apiKey: 'key-0123456789', senderId: 'CRC' } });
    expect(c.scorecards).toMatchObject({ period: 'week', cron: '0 7 * * 1' });
    expect(loadConfig({ AT_USERNAME: 'sandbox', AT_API_KEY: 'key-0123456789', SMS_GATEWAY: 'log' }).sms.gateway).toBe('log');
  });

  it('stops at start naming the variable when a value is wrong', () => {
    expect(() => loadConfig({ SCORECARD_CRON: '61 * * * *' })).toThrow(/SCORECARD_CRON: must be a cron expression/);
    expect(() => loadConfig({ SCORECARD_PERIOD: 'year' })).toThrow(/SCORECARD_PERIOD/);
    expect(() => loadConfig({ SCORECARD_MIN_COUNT: '0' })).toThrow(/SCORECARD_MIN_COUNT/);
    expect(() => loadConfig({ SHORT_CODE: 'dial us' })).toThrow(/SHORT_CODE/);
    expect(() => loadConfig({ SMS_GATEWAY: 'africastalking' })).toThrow(ConfigError);
    expect(() => loadConfig({ SMS_GATEWAY: 'africastalking' })).toThrow(/needs AT_USERNAME and AT_API_KEY/);
  });
});

describe('the in-process schedule', () => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('runs the period that just ended, in the configured time zone, when the cron fires', async () => {
    // every second, so the test does not wait for the 1st of a month
    const service = await startTestService({ SCORECARD_CRON: '* * * * * *', TIME_ZONE: 'Africa/Nairobi', SCORECARD_PERIOD: 'week' });
    t = service;
    t.clock.set('2026-10-12T05:00:00Z'); // Monday 08:00 in Nairobi: week 41 just ended
    // (the catch-up at start has sent week 40's already: its tick passed before the test clock's start)
    await vi.waitFor(async () => expect((await service.storage.outbox.list({ period: '2026-W41' })).filter((m) => m.status === 'sent')).toHaveLength(8), AFTER_THE_REPLY);
    const sent = await t.storage.outbox.list({ period: '2026-W41' });
    expect(sent).toHaveLength(8);
    expect(sent.every((m) => m.status === 'sent')).toBe(true);
    expect(t.logs.some((l) => l.includes('scorecard schedule started'))).toBe(true);
  });
});
