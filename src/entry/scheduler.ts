import { Cron } from 'croner';
import type { Clock } from '../gateways/clock.js';
import type { OutboxSender } from '../app/scorecards/send-outbox.js';
import { formatPeriod, periodJustEnded, type PeriodKind } from '../app/scorecards/period.js';

/**
 * In-process schedule: at each cron tick (in the programme's time zone) run the scorecards
 * of the period that just ended, then send; between ticks the sender loop polls the
 * outbox. Every instance runs it: unique keys in storage, not an elected leader, make a
 * period's messages go out once.
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

  return {
    tick,
    start() {
      if (job) return;
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
      await deps.sender.stop();
    },
  };
}
export type Scheduler = ReturnType<typeof createScheduler>;
