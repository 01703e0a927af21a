import type { Hop } from '../../src/channels/ussd/at-simulator.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { api } from '../support/staff.js';
import { dialReport } from '../support/reports.js';

/** Dashboard figures from real USSD reports: reports per local day and average satisfaction per facility. */

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ TIME_ZONE: 'Africa/Johannesburg' });
});
afterAll(() => t.stop());

async function report(phone: string, facility: string, satisfaction: number) {
  const last = await dialReport(t.phone(phone), ['1', facility, '1', '2', '4', '1', String(satisfaction), '1', '98', '1', '00', '2']);
  expect(last.body).toMatch(/^END Thank you/);
}

it('counts complete reports per local day and averages satisfaction per facility per day', async () => {
  t.clock.set('2026-10-03T21:30:00Z'); // 23:30 on 3 October in Johannesburg
  await report('+27820000901', '1001', 5);
  t.clock.set('2026-10-03T22:30:00Z'); // 00:30 on 4 October there
  await report('+27820000902', '1001', 3);
  await report('+27820000903', '1002', 2);
  t.clock.set('2026-10-05T08:00:00Z');
  await report('+27820000904', '1001', 4);

  const d = (await api(t).get('/api/v1/dashboard?days=3')).json;
  expect(d.days).toEqual(['2026-10-03', '2026-10-04', '2026-10-05']);
  expect(d.reportsPerDay).toEqual([1, 2, 1]);
  const riverside = d.facilities.find((f: { code: string }) => f.code === '1001');
  expect(riverside.satisfaction).toEqual([
    { day: '2026-10-03', average: 5, n: 1 },
    { day: '2026-10-04', average: 3, n: 1 },
    { day: '2026-10-05', average: 4, n: 1 },
  ]);
  expect(d.facilities.find((f: { code: string }) => f.code === '1002').satisfaction).toEqual([null, { day: '2026-10-04', average: 2, n: 1 }, null]);

  const page = await api(t).get('/staff?days=7');
  expect(page.text).toContain('<svg class="chart"');
  expect(page.text).toContain('Riverside Clinic (1001)');
  expect(page.text).toContain('4.00 (3 ratings)');
});

it('keeps a period’s figures for DASHBOARD_MAX_AGE_SECONDS, says how old they are, then recomputes them', async () => {
  const kept = await startTestService({ TIME_ZONE: 'Africa/Johannesburg', DASHBOARD_MAX_AGE_SECONDS: '15' });
  try {
    const reportOn = async (phone: string) => {
      const p = kept.phone(phone);
      await p.dial();
      let last: Hop | undefined;
      for (const input of ['1', '1001', '1', '2', '4', '1', '5', '1', '98', '1', '00', '2']) last = await p.send(input);
      expect(last!.body).toMatch(/^END/);
    };
    kept.clock.set('2026-10-05T08:00:00Z');
    await reportOn('+27820000911');
    const first = (await api(kept).get('/api/v1/dashboard?days=3')).json;
    expect(first.total).toBe(1);
    expect(first.asOf).toBe('2026-10-05T08:00:00.000Z');

    kept.clock.set('2026-10-05T08:00:10Z');
    await reportOn('+27820000912');
    const within = (await api(kept).get('/api/v1/dashboard?days=3')).json;
    expect(within).toEqual(first); // 10 s old: the kept figures, with their time
    expect((await api(kept).get('/staff?days=7')).text).toContain('recomputed at most every 15 s');

    kept.clock.set('2026-10-05T08:00:15Z');
    const after = (await api(kept).get('/api/v1/dashboard?days=3')).json;
    expect(after.total).toBe(2);
    expect(after.asOf).toBe('2026-10-05T08:00:15.000Z');

    kept.clock.set('2026-10-05T07:59:00Z'); // a clock set back never serves figures "from the future"
    expect((await api(kept).get('/api/v1/dashboard?days=3')).json.asOf).toBe('2026-10-05T07:59:00.000Z');
  } finally {
    await kept.stop();
  }
});

it('recomputes on every view with DASHBOARD_MAX_AGE_SECONDS=0', async () => {
  const fresh = await startTestService({ TIME_ZONE: 'Africa/Johannesburg', DASHBOARD_MAX_AGE_SECONDS: '0' });
  try {
    fresh.clock.set('2026-10-05T08:00:00Z');
    expect((await api(fresh).get('/api/v1/dashboard?days=3')).json.total).toBe(0);
    const p = fresh.phone('+27820000913');
    await p.dial();
    for (const input of ['1', '1001', '1', '2', '4', '1', '5', '1', '98', '1', '00', '2']) await p.send(input);
    expect((await api(fresh).get('/api/v1/dashboard?days=3')).json.total).toBe(1);
    expect((await api(fresh).get('/staff?days=7')).text).not.toContain('recomputed at most');
  } finally {
    await fresh.stop();
  }
});
