import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK_PATHS, createMetrics, HOP_CHANNELS, HOP_OUTCOMES, SMS_OUTCOMES } from '../../src/http/metrics.js';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import type { NewOutboxMessage } from '../../src/storage/ports.js';
import { AtVoiceCall } from '../../src/channels/voice/at-simulator.js';
import { ADMIN, startTestService, type TestService } from '../support/service.js';
import { tokenFor } from '../support/staff.js';
import { servedCallbackPaths } from '../support/served-callbacks.js';

/**
 * GET /metrics over the real server: guarded like the staff API (viewer role), Prometheus
 * text, the figures move with real hops, SMS sends through the real SDK (AT's HTTP
 * intercepted by nock), delivery reports and storage failures; every label value is from a
 * fixed list, so no phone number or free text can appear; and two services in one process
 * count only their own.
 */

const AT = 'https://api.africastalking.com';
const TOKEN = 'callback-token-for-metrics-0123';
const ENV = {
  AT_USERNAME: 'crc-test',
  AT_API_KEY: 'at-test-api-key-0123456789',
  SCORECARD_SCHEDULE: 'false',
  SMS_MAX_ATTEMPTS: '3',
  AT_CALLBACK_TOKEN: TOKEN,
  PUBLIC_BASE_URL: 'https://crc.example.org',
};
const PHONES = ['+254711000771', '+254711000772', '+254711000773', '+254711000774'];
const FREE_TEXT = 'Nurse Wanjiru was rude; call me on 0711000775';

type Sample = { name: string; labels: Record<string, string>; value: number };

function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

async function scrape(t: TestService, token = ADMIN): Promise<{ status: number; type: string | null; text: string; samples: Sample[] }> {
  const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text, samples: res.status === 200 ? parse(text) : [] };
}

const outboxMessage = (n: number, phone: string, at: Date): NewOutboxMessage => ({
  key: `facility:100${n}|2026-10|tag${n}`,
  subjectKind: 'facility',
  subjectCode: `100${n}`,
  district: 'Riverside',
  period: '2026-10',
  recipientTag: `tag${n}`,
  recipientName: `Manager ${n}`,
  phone,
  language: 'en',
  text: `Scorecard ${n}`,
  segments: 1,
  createdAt: at,
});

describe('GET /metrics', () => {
  let t: TestService;
  let other: TestService;
  let viewer: string;
  let before: Sample[];
  let after: Sample[];
  let afterText: string;

  beforeAll(async () => {
    t = await startTestService(ENV);
    other = await startTestService(ENV);
    viewer = await tokenFor(t, 'viewer');
    before = (await scrape(t, viewer)).samples;

    // a whole USSD report, a free-text answer where a choice was asked, an invalid hop, forged hops
    const phone = t.phone(PHONES[0], 'ATUid_metrics_1', TOKEN);
    await phone.dial();
    // rated 5 with no problem, so no follow-up question: the report ends on its last answer
    for (const input of ['1', FREE_TEXT, '1001', '1', '1', '4', '1', '5', '1', '1', '00', '00']) await phone.send(input);
    const invalid = await fetch(`${t.url}/ussd?token=${TOKEN}`, { method: 'POST', body: new URLSearchParams({ sessionId: 'ATUid_metrics_bad', phoneNumber: PHONES[1]! }) });
    expect(invalid.status).toBe(400);
    for (const path of ['/ussd', '/voice']) expect((await fetch(`${t.url}${path}?token=wrong-${PHONES[1]}`, { method: 'POST', body: new URLSearchParams({ text: FREE_TEXT }) })).status).toBe(401);

    // a voice call: greeting, a facility code, then the end of the call
    const call = new AtVoiceCall({ baseUrl: t.url, callerNumber: PHONES[1]!, sessionId: 'ATVId_metrics_1', callbackToken: TOKEN });
    await call.dial();
    await call.press('1001#');
    await call.hangup();

    // a storage call that fails inside a hop
    const real = t.storage.sessions.update;
    t.storage.sessions.update = async () => {
      throw new Error('disk full');
    };
    const failing = t.phone(PHONES[2], 'ATUid_metrics_2', TOKEN);
    await failing.dial();
    await failing.send('1');
    t.storage.sessions.update = real;

    // SMS: one accepted, one refused for good, one to retry later
    const now = t.clock.now();
    for (const [i, p] of PHONES.slice(1).entries()) await t.storage.outbox.enqueue(outboxMessage(i + 1, p, now));
    const replies: Record<string, [number, unknown]> = {
      [PHONES[1]!]: [201, { SMSMessageData: { Message: 'Sent to 1/1', Recipients: [{ statusCode: 101, number: PHONES[1], status: 'Success', cost: 'KES 0.8000', messageId: 'ATXid_metrics_1' }] } }],
      [PHONES[2]!]: [201, { SMSMessageData: { Message: 'Sent to 0/1', Recipients: [{ statusCode: 403, number: PHONES[2], status: 'InvalidPhoneNumber', cost: '0', messageId: 'None' }] } }],
      [PHONES[3]!]: [503, 'Service Unavailable'],
    };
    nock(AT)
      .post('/version1/messaging')
      .times(3)
      .reply((_uri, body) => replies[new URLSearchParams(String(body)).get('to')!]!);
    expect((await scrape(t, viewer)).samples.find((s) => s.name === 'crc_sms_outbox_depth' && s.labels.status === 'pending')?.value).toBe(3);
    expect(await t.service.scorecards.sender.drain()).toEqual({ sent: 1, failed: 1, retrying: 1 });
    nock.cleanAll();
    // the same delivery report twice (AT repeats), and a report about a message we never sent
    for (const id of ['ATXid_metrics_1', 'ATXid_metrics_1', 'ATXid_unknown']) {
      // AT repeats a report later, not within the same millisecond
      t.clock.advance(1000);
      const res = await fetch(`${t.url}/sms/delivery-reports?token=${TOKEN}`, {
        method: 'POST',
        body: new URLSearchParams({ id, status: 'Success', phoneNumber: PHONES[1]!, networkCode: '63902', retryCount: '0' }),
      });
      expect(res.status).toBe(200);
    }

    // the route answers AT before it records a report: wait until both copies of the known one are recorded
    let scraped = await scrape(t, viewer);
    for (let i = 0; i < 100 && value(scraped.samples, 'crc_sms_delivery_reports_total', { status: 'Success' }) < 2; i++) {
      await new Promise((ok) => setTimeout(ok, 50));
      scraped = await scrape(t, viewer);
    }
    after = scraped.samples;
    afterText = scraped.text;
  });
  afterAll(async () => {
    await t.stop();
    await other.stop();
  });

  it('is guarded like the staff API: 401 without a token, 200 in Prometheus text with a viewer token', async () => {
    const anonymous = await fetch(`${t.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect((await scrape(t, 'not-a-real-token-0123456789')).status).toBe(401);
    const ok = await scrape(t, viewer);
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(ok.text).toContain('# TYPE crc_hop_duration_seconds histogram');
    expect(ok.text).toContain('# TYPE process_resident_memory_bytes gauge');
  });

  it('times every hop per channel and counts hops by outcome', () => {
    const ussd = value(after, 'crc_hop_duration_seconds_count', { channel: 'ussd' }) - value(before, 'crc_hop_duration_seconds_count', { channel: 'ussd' });
    // 13 hops of the report, 1 invalid, 2 of the failing session
    expect(ussd).toBe(16);
    expect(value(after, 'crc_hops_total', { channel: 'ussd', outcome: 'end' })).toBe(2);
    expect(value(after, 'crc_hops_total', { channel: 'ussd', outcome: 'continue' })).toBe(13);
    expect(value(after, 'crc_hops_total', { channel: 'ussd', outcome: 'invalid' })).toBe(1);
    expect(value(after, 'crc_hop_duration_seconds_bucket', { channel: 'ussd', le: '+Inf' })).toBe(16);
    expect(value(after, 'crc_hop_duration_seconds_sum', { channel: 'ussd' })).toBeGreaterThan(0);
    expect(value(after, 'crc_hops_total', { channel: 'voice', outcome: 'continue' })).toBe(2);
    expect(value(after, 'crc_hops_total', { channel: 'voice', outcome: 'call_ended' })).toBe(1);
    expect(value(after, 'crc_hop_duration_seconds_count', { channel: 'voice' })).toBe(3);
    expect(value(after, 'crc_callbacks_refused_total', { path: '/ussd' })).toBe(1);
    expect(value(after, 'crc_callbacks_refused_total', { path: '/voice' })).toBe(1);
  });

  it('counts a refused callback under its own path on every callback, however the request spells the path', async () => {
    const refused = async () => (await scrape(t, viewer)).samples;
    const start = await refused();
    const served = servedCallbackPaths(t.service);
    // each callback twice: as Africa's Talking spells it (the lean path) and as Express also routes it
    for (const path of served) {
      for (const spelt of [path, `${path.toUpperCase()}/`]) {
        const res = await fetch(`${t.url}${spelt}?token=wrong`, { method: 'POST', body: new URLSearchParams({ id: 'ATXid_refused', from: PHONES[1]! }) });
        expect(res.status, spelt).toBe(401);
      }
    }
    const end = await refused();
    const counted = (path: string) => value(end, 'crc_callbacks_refused_total', { path }) - value(start, 'crc_callbacks_refused_total', { path });
    expect(Object.fromEntries(served.map((path) => [path, counted(path)]))).toEqual(Object.fromEntries(served.map((path) => [path, 2])));
    expect(counted('other')).toBe(0);
    expect(served).toContain('/sms/incoming');
  });

  it('counts SMS sent, failed, retried and delivered, and the outbox depth', () => {
    expect(value(after, 'crc_sms_total', { outcome: 'sent' })).toBe(1);
    expect(value(after, 'crc_sms_total', { outcome: 'failed' })).toBe(1);
    expect(value(after, 'crc_sms_total', { outcome: 'retrying' })).toBe(1);
    expect(value(after, 'crc_sms_delivery_reports_total', { status: 'Success' })).toBe(2);
    // the repeated report is not a second delivery; the unknown id is not one at all
    expect(value(after, 'crc_sms_delivered_total')).toBe(1);
    expect(value(after, 'crc_sms_outbox_depth', { status: 'pending' })).toBe(1);
    expect(value(after, 'crc_sms_outbox_depth', { status: 'sending' })).toBe(0);
  });

  it('counts failed storage calls by repository and method', () => {
    // the hop's save, then the save of its apology screen
    expect(value(after, 'crc_storage_errors_total', { operation: 'sessions.update' })).toBe(2);
    expect(value(after, 'crc_storage_errors_total')).toBe(2);
  });

  it('has no phone number, session id or free text in any label', () => {
    const allowed: Record<string, (v: string) => boolean> = {
      channel: (v) => (HOP_CHANNELS as readonly string[]).includes(v),
      outcome: (v) => [...HOP_OUTCOMES, ...SMS_OUTCOMES].includes(v as never),
      path: (v) => [...CALLBACK_PATHS, 'other'].includes(v as never),
      status: (v) => ['pending', 'sending', 'Success', 'Failed', 'Rejected', 'AbsentSubscriber', 'Expired', 'Sent', 'Submitted', 'Buffered'].includes(v),
      operation: (v) => /^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)?$/.test(v),
      le: (v) => v === '+Inf' || Number.isFinite(Number(v)),
      // prom-client's process metrics
      version: (v) => /^v?\d+\.\d+\.\d+$/.test(v),
      major: (v) => /^\d+$/.test(v),
      minor: (v) => /^\d+$/.test(v),
      patch: (v) => /^\d+$/.test(v),
      space: (v) => /^[a-z_]+$/.test(v),
      kind: (v) => /^[a-z_]+$/.test(v),
      type: (v) => /^[A-Za-z_]+$/.test(v),
      quantile: (v) => Number.isFinite(Number(v)),
    };
    const odd = after.flatMap((s) =>
      Object.entries(s.labels)
        .filter(([k, v]) => !allowed[k]?.(v))
        .map(([k, v]) => `${s.name}{${k}="${v}"}`),
    );
    expect(odd).toEqual([]);
    for (const secret of [...PHONES, ...PHONES.map((p) => p.slice(4)), '0711000775', 'Wanjiru', 'ATUid_metrics', 'ATVId_metrics', 'ATXid_metrics', TOKEN]) expect(afterText).not.toContain(secret);
  });

  it('keeps one registry per service: another service in the same process counted nothing of this', async () => {
    const theirs = (await scrape(other)).samples;
    expect(value(theirs, 'crc_hop_duration_seconds_count')).toBe(0);
    expect(value(theirs, 'crc_sms_total')).toBe(0);
    expect(value(theirs, 'crc_storage_errors_total')).toBe(0);
    // and the process metrics are there too, once
    expect(theirs.filter((s) => s.name === 'process_resident_memory_bytes')).toHaveLength(1);
  });
});

it('renders hop latency as a cumulative Prometheus histogram', async () => {
  const storage = createMemoryStorage();
  const metrics = createMetrics({ storage: () => storage });
  // started 30 ms, 300 ms and 12 s ago: buckets 0.05, 0.5 and above 10 s
  for (const ago of [30, 300, 12_000]) metrics.hop('voice', 'continue', metrics.now() - ago);
  const samples = parse(await metrics.text());
  const bucket = (le: string) => value(samples, 'crc_hop_duration_seconds_bucket', { channel: 'voice', le });
  expect([bucket('0.025'), bucket('0.05'), bucket('0.25'), bucket('0.5'), bucket('10'), bucket('+Inf')]).toEqual([0, 1, 1, 2, 2, 3]);
  expect(value(samples, 'crc_hop_duration_seconds_count', { channel: 'voice' })).toBe(3);
  expect(value(samples, 'crc_hop_duration_seconds_sum', { channel: 'voice' })).toBeCloseTo(12.33, 1);
  expect(value(samples, 'crc_hop_duration_seconds_count', { channel: 'ussd' })).toBe(0);
  expect(value(samples, 'crc_hops_total', { channel: 'voice', outcome: 'continue' })).toBe(3);
});
