import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LoggedSms } from '../../src/gateways/sms/log-gateway.js';
import { maskPhone } from '../../src/gateways/sms/port.js';
import { AFTER_THE_REPLY, startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';
import { dialReport } from '../support/reports.js';

/** Scorecards from the console: "send now" with a confirmation, through the same exactly-once outbox, and the history of what was sent. */

const CALLBACK_TOKEN = 'callback-token-0123456789';
let t: TestService;
let editor: string;
let viewer: string;
let sent: LoggedSms[];

async function report(phone: string, satisfaction: number, problem: number, recommend: number) {
  const last = await dialReport(t.phone(phone, undefined, CALLBACK_TOKEN), ['1', '1001', '1', '1', '4', '1', String(satisfaction), String(problem), String(recommend), '00', '00']);
  expect(last.body).toMatch(/^END Thank you/);
}
const form = (path: string, token: string, fields: Record<string, string>) =>
  fetch(`${t.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });

beforeAll(async () => {
  t = await startTestService({ SCORECARD_SCHEDULE: 'false', SCORECARD_MIN_COUNT: '3', AT_CALLBACK_TOKEN: CALLBACK_TOKEN });
  sent = (t.service.scorecards.gateway as unknown as { sent: LoggedSms[] }).sent;
  editor = await tokenFor(t, 'editor', 'Alice');
  viewer = await tokenFor(t, 'viewer');
  await report('+254711000001', 5, 2, 1); // long wait
  await report('+254711000002', 4, 2, 2); // long wait
  await report('+254711000003', 2, 1, 4);
});
afterAll(() => t.stop());

describe('send now', () => {
  it('refuses a period that has not ended, and a viewer', async () => {
    t.clock.set('2026-10-20T06:00:00Z');
    const early = await api(t, editor).get('/staff/scorecards/send?period=2026-10');
    expect(early.status).toBe(400);
    expect(early.text).toContain('2026-10 has not ended yet');
    expect((await form('/staff/scorecards/send', editor, { period: '2026-10' })).status).toBe(400);
    expect((await form('/staff/scorecards/send', viewer, { period: '2026-09' })).status).toBe(403);
    expect(await t.storage.outbox.list({ period: '2026-10' })).toEqual([]);
  });

  it('asks first, then sends through the outbox exactly once, however often it is pressed', async () => {
    t.clock.set('2026-11-01T06:00:00Z');
    const confirm = await api(t, editor).get('/staff/scorecards/send?period=2026-10');
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Yes, send the scorecards of 2026-10');
    expect(await t.storage.outbox.list({ period: '2026-10' })).toEqual([]); // asking writes nothing

    const res = await form('/staff/scorecards/send', editor, { period: '2026-10' });
    expect(res.status).toBe(303);
    const queued = (await t.storage.outbox.list({ period: '2026-10' })).length;
    expect(queued).toBeGreaterThan(0);
    expect(res.headers.get('location')).toBe(`/staff/scorecards/history?period=2026-10&queued=${queued}&new=${queued}`);
    await vi.waitFor(async () => expect(await t.storage.outbox.list({ period: '2026-10', status: 'sent' })).toHaveLength(queued), AFTER_THE_REPLY); // every message sent
    expect(sent).toHaveLength(queued);

    // pressed again, and the schedule's own run: nothing new, nothing sent twice
    const again = await form('/staff/scorecards/send', editor, { period: '2026-10' });
    expect(again.headers.get('location')).toBe(`/staff/scorecards/history?period=2026-10&queued=${queued}&new=0`);
    expect(await t.service.scorecards.scheduler.tick()).toBe('2026-10');
    await t.service.scorecards.sender.drain();
    expect(sent).toHaveLength(queued);
    const audit = (await api(t, editor).get('/staff/audit')).text;
    expect(audit).toContain(`Alice (editor) sent the scorecards of 2026-10 now`);
  });

  it('shows per facility what was sent to whom, masked, with each delivery status and its failure reason', async () => {
    const [first] = (await t.storage.outbox.list({ period: '2026-10', subjectCode: '1001' })).map((m) => sent.find((x) => x.providerMessageId === m.providerMessageId)!);
    await fetch(`${t.url}/sms/delivery-reports?token=${CALLBACK_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id: first!.providerMessageId, status: 'Failed', failureReason: 'AbsentSubscriber', phoneNumber: first!.to }),
    });
    await vi.waitFor(async () => expect((await t.storage.outbox.list({ period: '2026-10' })).some((m) => m.delivery?.status === 'Failed')).toBe(true), AFTER_THE_REPLY);
    const page = (await api(t, viewer).get('/staff/scorecards/history?period=2026-10&facility=1001')).text;
    expect(page).toContain('<caption>Riverside Clinic (1001)</caption>');
    expect(page).toContain('not delivered');
    expect(page).toContain('<span class="status-bad">AbsentSubscriber</span>');
    expect(page).toContain('accepted by the SMS provider');
    const messages = await t.storage.outbox.list({ period: '2026-10', subjectCode: '1001' });
    for (const m of messages) {
      expect(page).not.toContain(m.phone); // never a number in clear
      expect(page).toContain(`<code>${maskPhone(m.phone)}</code>`); // the existing masking helper
    }
    const all = (await api(t, viewer).get('/staff/scorecards/history?period=2026-10')).text;
    expect(all).toContain('District summary');
  });

  it('previews the most common problem in words, not its code', async () => {
    const page = (await api(t, viewer).get('/staff/scorecards?facility=1001&period=2026-10')).text;
    const problem = /<th scope="row">Most common problem<\/th><td>([^<]*)<\/td>/.exec(page)![1]!;
    expect(problem).not.toContain('long_wait');
    expect(problem).toBe('Long wait: 2 of 3, fewer than 3, so not named in the SMS');
  });
});
