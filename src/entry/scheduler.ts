import { Cron } from 'croner';
import type { Clock } from '../gateways/clock.js';
import type { OutboxSender } from '../app/scorecards/send-outbox.js';
import { formatPeriod, periodBounds, periodJustEnded, type PeriodKind } from '../app/scorecards/period.js';

/**
 * In-process schedule: at each cron tick (in the programme's time zone) run the scorecards
 * of the period that just ended, then send; between ticks the sender loop polls the
 * outbox. Every instance runs it: unique keys in storage, not an elected leader, make a
 * period's messages go out once. The same keys make a catch-up at start safe: a tick that
 * fell while no instance was up is run when one starts.
 */
export type SchedulerDeps = {
  clock: Clock;
  log: { info(o: object, m: string): void; error(o: object, m: string): void };
  settings: { cron: string; timeZone: string; periodKind: PeriodKind; sendIntervalMs: number };
  runPeriod: (period: string) => Promise<unknown>;
  sender: OutboxSender;
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
      catchingUp = catchUp().then(
        (period) => {
          if (period) log.info({ period }, 'scorecard run caught up at start (sends only what a missed or unfinished run left)');
        },
        (err) => log.error({ err }, 'scorecard catch-up at start failed; the next tick or a manual run (npm run scorecards) can finish it'),
      );
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
