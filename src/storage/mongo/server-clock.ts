import { performance } from 'node:perf_hooks';

/**
 * The database server's clock, as seen from this process.
 *
 * Leases and session expiry must not depend on each instance's own clock: an instance whose
 * clock runs ahead would take live leases (and send an SMS twice) or drop live sessions.
 * MongoDB could compare with `$$NOW` inside `$expr`, but FerretDB 1.24 has neither, so the
 * adapter measures the offset between this machine's clock and the server's (`hello` answers
 * with the server's `localTime`) and places every instant it stores or compares for expiry
 * on the server's timeline. All instances then agree, whatever their clocks say, to within
 * one network round trip.
 *
 * The offset is measured again when it is older than the caller allows, and at once when
 * this machine's clock is seen to jump (its wall clock and its monotonic clock disagree by
 * more than a second since the last measurement).
 */
export type ServerClock = {
  /** measures the offset again if the last measurement is older than `maxAgeMs` (or the local clock jumped) */
  refreshIfOlder(maxAgeMs: number): Promise<void>;
  /** an instant of this machine's clock, moved onto the server's clock */
  toServer(local: Date): Date;
  /** server minus local, in milliseconds, as last measured */
  offsetMs(): number;
};

export function createServerClock(serverTime: () => Promise<Date>, localClock: () => Date = () => new Date()): ServerClock {
  let offset = 0;
  let measuredAtMono = -Infinity;
  let measuredAtLocal = 0;
  let measuring: Promise<void> | null = null;

  async function measure(): Promise<void> {
    const before = performance.now();
    const localBefore = localClock().getTime();
    const server = (await serverTime()).getTime();
    const roundTrip = performance.now() - before;
    // the server read its clock somewhere within the round trip: assume the middle
    offset = server - (localBefore + roundTrip / 2);
    measuredAtMono = performance.now();
    measuredAtLocal = localClock().getTime();
  }

  function stale(maxAgeMs: number): boolean {
    const age = performance.now() - measuredAtMono;
    if (age > maxAgeMs) return true;
    const jumped = Math.abs(localClock().getTime() - measuredAtLocal - age) > 1000;
    return jumped;
  }

  return {
    async refreshIfOlder(maxAgeMs) {
      if (!stale(maxAgeMs)) return;
      measuring ??= measure().finally(() => {
        measuring = null;
      });
      await measuring;
    },
    toServer: (local) => new Date(local.getTime() + offset),
    offsetMs: () => offset,
  };
}
