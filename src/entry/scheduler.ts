import { Cron } from 'croner';
import type { Clock } from '../gateways/clock.js';
import type { OutboxSender } from '../app/scorecards/send-outbox.js';
import { formatPeriod, periodBounds, periodJustEnded, type PeriodKind } from '../app/scorecards/period.js';

/**
 * In-process schedule: at each cron tick (in the programme's time zone) run the scorecards
 * of the period that just ended, then send; between ticks the sender loop polls the
 * outbox. Every instance runs it: unique keys in storage, not an elected leader, make a
 * period's messages go out once. The same keys make a catch-up at start safe: a tick that
 * fell while no instance was up is run when one starts. Only on a durable store: on the
 * memory store every start begins with an empty outbox, so a catch-up would send the last
 * period's scorecards again at every restart (to real managers, with AT credentials); there
 * the start skips it and says so, and the ticks while the instance runs still send.
 */
export type SchedulerDeps = {
  clock: Clock;
  log: { info(o: object, m: string): void; error(o: object, m: string): void };
  settings: { cron: string; timeZone: string; periodKind: PeriodKind; sendIntervalMs: number };
  runPeriod: (period: string) => Promise<unknown>;
  sender: OutboxSender;
  /** whether the store remembers what was sent across restarts (Storage.durable); false skips the catch-up at start */
  durable: boolean;
};

export function createScheduler(deps: SchedulerDeps) {
  const { clock, log, settings } = deps;
  let job: Cron | null = null;

  /** What one cron tick does; exposed so tests and operators can trigger it. */
  async function tick(): Promise<string> {
    const period = formatPeriod(periodJustEnded(clock.now(), settings.periodKind, settings.timeZone));
    await deps.runPeriod(period);
    await deps.sender.drain();
    return period;
  }

  /** The period whose scheduled tick has passed (the first tick after the period ended), or null before that tick. */
  function periodDue(now: Date): string | null {
    const ended = periodJustEnded(now, settings.periodKind, settings.timeZone);
    const firstTick = new Cron(settings.cron, { timezone: settings.timeZone, paused: true }).nextRun(periodBounds(ended, settings.timeZone).to);
    return firstTick && firstTick.getTime() <= now.getTime() ? formatPeriod(ended) : null;
  }

  let catchingUp: Promise<void> = Promise.resolve();
  /** Runs the period just ended if its tick has passed: a no-op when it ran already, the missed run when no instance was up. */
  async function catchUp(): Promise<string | null> {
    const period = periodDue(clock.now());
    if (!period) return null;
    await deps.runPeriod(period);
    await deps.sender.drain();
    return period;
  }

  return {
    tick,
    catchUp,
    /** settles when the catch-up begun by start() has finished (for tests and a clean stop) */
    caughtUp: () => catchingUp,
    start() {
      if (job) return;
      if (deps.durable) {
        catchingUp = catchUp().then(
          (period) => {
            if (period) log.info({ period }, 'scorecard run caught up at start (sends only what a missed or unfinished run left)');
          },
          (err) => log.error({ err }, 'scorecard catch-up at start failed; the next tick or a manual run (npm run scorecards) can finish it'),
        );
      } else {
        const period = periodDue(clock.now());
        log.info(
          { period, durable: false },
          `scorecard catch-up at start skipped: the store is not durable, so it cannot know whether ${period ? `the scorecards of ${period} were` : 'a past period was'} already sent, and catching up would send them again at every restart. Scheduled runs while this instance is up still send; set MONGODB_URI to catch up missed runs`,
        );
      }
      job = new Cron(settings.cron, { timezone: settings.timeZone, protect: true }, async () => {
        try {
          const period = await tick();
          log.info({ period }, 'scheduled scorecards done');
        } catch (err) {
          log.error({ err }, 'scheduled scorecards failed; the next tick or a manual run (npm run scorecards) can finish it');
        }
      });
      deps.sender.start(settings.sendIntervalMs);
      log.info({ cron: settings.cron, timeZone: settings.timeZone, period: settings.periodKind, next: job.nextRun()?.toISOString() }, 'scorecard schedule started');
    },
    async stop() {
      job?.stop();
      job = null;
      await catchingUp;
      await deps.sender.stop();
    },
  };
}
export type Scheduler = ReturnType<typeof createScheduler>;

/**
 * The follow-up pass of the cases (src/app/cases/follow-up-run.ts: the citizen's SMS,
 * escalations, resolution after no reply) every `intervalMs` on every instance, and once at
 * start, so a pass no instance was up for is caught up: its unique keys and compare-and-set
 * steps make any number of runs safe. After a pass that queued SMS the sender drains.
 */
export function createFollowUpSchedule(deps: {
  log: { info(o: object, m: string): void; error(o: object, m: string): void };
  intervalMs: number;
  run: () => Promise<{ citizenSms: number; districtSms: number; digests: number }>;
  sender: Pick<OutboxSender, 'drain'>;
}) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const pass = () => {
    running ??= deps
      .run()
      .then(async (r) => {
        if (r.citizenSms + r.districtSms + r.digests > 0) await deps.sender.drain();
      })
      .catch((err) => deps.log.error({ err }, 'case follow-up pass failed; the next one tries again'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  return {
    /** one pass now (the start's catch-up, tests, operators) */
    pass,
    start() {
      if (timer) return;
      void pass();
      timer = setInterval(() => void pass(), deps.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
