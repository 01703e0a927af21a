import { afterEach, expect, it } from 'vitest';
import { manualClock } from '../../src/gateways/clock.js';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import { startTestService, type TestService } from '../support/service.js';

/**
 * A scheduled scorecard run that no instance was up for is run at the next start; a start
 * before the tick, or after a run that happened, sends nothing (the outbox's unique keys).
 */

const SCHEDULE = { SCORECARD_SCHEDULE: 'true', SCORECARD_CRON: '0 0 6 1 * *', SCORECARD_PERIOD: 'month', TIME_ZONE: 'UTC' };
let running: TestService[] = [];
afterEach(async () => {
  await Promise.all(running.map((t) => t.stop()));
  running = [];
});

async function startAt(at: string, storage = createMemoryStorage({ now: () => clock.now() }), clock = manualClock(at)) {
  const t = await startTestService(SCHEDULE, { clock, storage });
  running.push(t);
  await t.service.scorecards.scheduler.caughtUp();
  return t;
}

it('runs and sends the period whose tick passed while no instance was up', async () => {
  const t = await startAt('2026-11-03T09:00:00Z'); // the 2026-10 tick was 1 November 06:00
  const outbox = await t.storage.outbox.list();
  expect(outbox.length).toBeGreaterThan(0);
  expect(new Set(outbox.map((m) => m.period))).toEqual(new Set(['2026-10']));
  expect(outbox.every((m) => m.status === 'sent')).toBe(true);
  expect(t.logs.some((l) => l.includes('scorecard run caught up at start'))).toBe(true);
});

it('sends nothing twice when an instance starts again after the run', async () => {
  const clock = manualClock('2026-11-03T09:00:00Z');
  const storage = createMemoryStorage({ now: () => clock.now() });
  const first = await startAt('2026-11-03T09:00:00Z', storage, clock);
  const sent = await first.storage.outbox.list();
  await first.stop();
  running = [];
  clock.set('2026-11-04T09:00:00Z');
  const again = await startAt('2026-11-04T09:00:00Z', storage, clock);
  const after = await again.storage.outbox.list();
  expect(after.map((m) => [m.key, m.status, m.attempts])).toEqual(sent.map((m) => [m.key, m.status, m.attempts]));
});

it('leaves the period to its tick when the instance starts before it', async () => {
  const t = await startAt('2026-11-01T05:00:00Z'); // October has ended; its tick is at 06:00
  expect(await t.storage.outbox.list()).toEqual([]);
  expect(t.logs.some((l) => l.includes('caught up'))).toBe(false);
});
