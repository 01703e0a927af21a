import type { Clock } from '../gateways/clock.js';
import type { Store, SweepResult } from '../storage/ports.js';
import { purgeExpiredContacts } from './cases/open-case.js';

/**
 * Storage housekeeping as a small periodic job on every instance (no leader needed: each
 * step is idempotent): expired hop sessions (their only expiry where the server has no TTL
 * index, as on FerretDB), remembered languages past their retention, facility imports that
 * stopped part-way, and the sealed contacts of follow-up cases past their retention.
 */
export const SWEEP_INTERVAL_MS = 5 * 60_000;

/** What one sweep removed or finished; `contacts`: sealed follow-up contacts past their retention. */
export type StorageSweepResult = SweepResult & { contacts: number };

export function createStorageSweeper(deps: {
  storage: Store;
  clock: Clock;
  log: { info(o: object, m: string): void; error(o: object, m: string): void };
  respondentRetentionDays: number;
  intervalMs?: number;
}) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<StorageSweepResult | null> | null = null;

  async function sweep(): Promise<StorageSweepResult> {
    const since = new Date(deps.clock.now().getTime() - deps.respondentRetentionDays * 86_400_000);
    const result = { ...(await deps.storage.sweep({ respondentsSince: since })), contacts: await purgeExpiredContacts(deps) };
    if (result.sessions || result.respondents || result.imports || result.contacts)
      deps.log.info({ ...result }, 'storage sweep: removed expired sessions, forgotten languages and follow-up contacts past retention, finished stalled imports');
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
