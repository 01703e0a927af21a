import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/gateways/clock.js';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import { startTestService, type TestService } from '../support/service.js';

/**
 * A scheduled scorecard run that no instance was up for is run at the next start; a start
 * before the tick, or after a run that happened, sends nothing (the outbox's unique keys).
 * Only on a durable store: the memory store forgets those keys at every restart, so there a
 * start catches nothing up (it would send the last period again at every restart) and says
 * why, while the ticks of a running instance still send.
 */

const SCHEDULE = { SCORECARD_SCHEDULE: 'true', SCORECARD_CRON: '0 0 6 1 * *', SCORECARD_PERIOD: 'month', TIME_ZONE: 'UTC' };
let running: TestService[] = [];
afterEach(async () => {
  await Promise.all(running.map((t) => t.stop()));
  running = [];
});

/** A memory store kept across the service's restarts here, so it stands in for MongoDB: durable. */
const durableStore = (now: () => Date) => createMemoryStorage({ now, durable: true });

async function startAt(at: string, storage = durableStore(() => clock.now()), clock = manualClock(at)) {
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
  const storage = durableStore(() => clock.now());
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

describe('on a store that is not durable (the memory fallback)', () => {
  it('sends nothing at start although a past period is due, and says why in the start log', async () => {
    const clock = manualClock('2026-11-03T09:00:00Z'); // the 2026-10 tick was 1 November 06:00
    const t = await startAt('2026-11-03T09:00:00Z', createMemoryStorage({ now: () => clock.now() }), clock);
    expect(t.storage.durable).toBe(false);
    // the follow-up pass of the start has run too (its digests come from cases, which a fresh memory store has none of)
    await t.service.followUp.pass();
    // with the catch-up, the demo facilities' managers got a "0 reports" scorecard at every start
    expect(await t.storage.outbox.list()).toEqual([]);
    const skipped = t.logs.map((l) => JSON.parse(l) as { msg: string; period?: string }).find((l) => l.msg.startsWith('scorecard catch-up at start skipped'));
    expect(skipped?.msg).toContain('the store is not durable');
    expect(skipped?.msg).toContain('2026-10');
    expect(t.logs.some((l) => l.includes('scorecard run caught up at start'))).toBe(false);
  });

  it('still sends at a scheduled tick while the instance runs', async () => {
    const clock = manualClock('2026-11-03T09:00:00Z');
    const storage = createMemoryStorage({ now: () => clock.now() });
    // every second, so the real schedule (not a test's call) fires while the test waits
    const t = await startTestService({ ...SCHEDULE, SCORECARD_CRON: '* * * * * *' }, { clock, storage });
    running.push(t);
    let outbox = await t.storage.outbox.list();
    for (let waited = 0; waited < 10_000 && !(outbox.length > 0 && outbox.every((m) => m.status === 'sent')); waited += 100) {
      await new Promise((ok) => setTimeout(ok, 100));
      outbox = await t.storage.outbox.list();
    }
    expect(outbox.length).toBeGreaterThan(0);
    expect(new Set(outbox.map((m) => m.period))).toEqual(new Set(['2026-10']));
    expect(outbox.every((m) => m.status === 'sent')).toBe(true);
    expect(t.logs.some((l) => l.includes('scheduled scorecards done'))).toBe(true);
  });
});
