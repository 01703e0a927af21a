import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';
import { dialReport } from '../support/reports.js';

/** The scorecard preview: reports dialled over USSD, previewed as the SMS a manager would get. */

let t: TestService;
let viewer: string;

async function report(phone: string, answers: string[]) {
  const last = await dialReport(t.phone(phone), ['1', '1001', '1', ...answers]);
  expect(last.body).toMatch(/^END Thank you/);
}

beforeAll(async () => {
  t = await startTestService({ SCORECARD_SCHEDULE: 'false', SCORECARD_MIN_COUNT: '2' });
  viewer = await tokenFor(t, 'viewer');
  // three reports at Riverside Clinic in October: two satisfied (4, 5), one not (2)
  await report('+254711000501', ['1', '4', '1', '4', '2', '1', '00', '00']);
  await report('+254711000502', ['2', '5', '1', '5', '2', '2', '00', '00']);
  await report('+254711000503', ['5', '1', '3', '2', '3', '5', '00', '00']);
  t.clock.set('2026-11-02T09:00:00Z');
});
afterAll(() => t.stop());

describe('scorecard preview', () => {
  it('shows the figures and the exact SMS for the facility manager, storing nothing', async () => {
    const res = await api(t, viewer).get('/api/v1/scorecards/preview?facility=1001&period=2026-10');
    expect(res.status).toBe(200);
    expect(res.json.scorecard).toMatchObject({ facilityCode: '1001', reports: 3, shown: true, satisfiedPct: 67, recommendPct: 67 });
    expect(res.json.scorecard.topProblem).toMatchObject({ code: 'long_wait', count: 2 });
    const manager = res.json.messages.find((m: { subjectKind: string }) => m.subjectKind === 'facility');
    expect(manager).toMatchObject({ recipientName: 'Nomsa Dlamini', language: 'zu', encoding: 'GSM-7' });
    expect(manager.segments).toBeLessThanOrEqual(2);
    expect(manager.text).toContain('67%');
    expect(res.json.alreadyStored).toBe(false);
    expect(await t.storage.scorecards.get('1001', '2026-10')).toBeNull();
    expect(await t.storage.outbox.list({ period: '2026-10' })).toEqual([]);
  });

  it('defaults to the period that just ended', async () => {
    const res = await api(t, viewer).get('/api/v1/scorecards/preview?facility=1001');
    expect(res.json.period).toBe('2026-10');
  });

  it('names a bad field and an unknown facility', async () => {
    const bad = await api(t, viewer).get('/api/v1/scorecards/preview?facility=1001&period=October');
    expect(bad.status).toBe(400);
    expect(bad.json.fields[0].field).toBe('period');
    // the staff API's one error shape: the summary names the field too
    expect(bad.json.error).toMatch(/^bad request: period: /);
    const missing = await api(t, viewer).get('/api/v1/scorecards/preview?period=2026-10');
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ error: 'bad request: facility: is required', fields: [{ field: 'facility', message: 'is required' }] });
    expect((await api(t, viewer).get('/api/v1/scorecards/preview?facility=9999&period=2026-10')).status).toBe(404);
  });

  it('renders the page with the SMS text, escaped', async () => {
    const res = await fetch(`${t.url}/staff/scorecards?facility=1001&period=2026-10`, { headers: { authorization: `Bearer ${viewer}` } });
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(body).toContain('<h2>Riverside Clinic, 2026-10</h2>');
    expect(body).toMatch(/<pre>[^<]*67%[^<]*<\/pre>/);
    expect(body).toContain('1 SMS segment');
    const wrong = await fetch(`${t.url}/staff/scorecards?facility=1001&period=nope`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('period: must be a month such as 2026-10');
  });
});
