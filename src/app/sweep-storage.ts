import type { Clock } from '../gateways/clock.js';
import type { Storage, SweepResult } from '../storage/ports.js';

/**
 * Storage housekeeping as a small periodic job on every instance (no leader needed: each
 * step is idempotent): expired hop sessions (their only expiry where the server has no TTL
 * index, as on FerretDB), remembered languages past their retention, facility imports that
 * stopped part-way.
 */
export const SWEEP_INTERVAL_MS = 5 * 60_000;

export function createStorageSweeper(deps: {
  storage: Storage;
  clock: Clock;
  log: { info(o: object, m: string): void; error(o: object, m: string): void };
  respondentRetentionDays: number;
  intervalMs?: number;
}) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<SweepResult | null> | null = null;

  async function sweep(): Promise<SweepResult> {
    const since = new Date(deps.clock.now().getTime() - deps.respondentRetentionDays * 86_400_000);
    const result = await deps.storage.sweep({ respondentsSince: since });
    if (result.sessions || result.respondents || result.imports) deps.log.info({ ...result }, 'storage sweep: removed expired sessions and forgotten languages, finished stalled imports');
    return result;
  }

  return {
    sweep,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        running ??= sweep()
          .catch((err) => {
            deps.log.error({ err }, 'storage sweep failed; it runs again at the next interval');
            return null;
          })
          .finally(() => {
            running = null;
          });
      }, deps.intervalMs ?? SWEEP_INTERVAL_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
