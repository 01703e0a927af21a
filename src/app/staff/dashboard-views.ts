import type { Store } from '../../storage/ports.js';
import { type DashboardData, dashboardData, lastDays } from './staff-dashboard.js';

/**
 * The dashboard's figures for "the last N days", computed at most once per `maxAgeMs` for each
 * period. Why: the staff console shares one event loop with the citizens' hops, and a view of
 * a year costs a few milliseconds of it; staff reloading the page, or a screen left on
 * auto-refresh, would otherwise put that in front of every hop. The figures are per local
 * day, so seconds of staleness lose nothing, and `asOf` says how old they are.
 *
 * Concurrent views of one period share one computation. A failed computation is not kept.
 */

export type DashboardView = { data: DashboardData; asOf: Date };

export type DashboardViews = { lastDays(days: number): Promise<DashboardView>; maxAgeMs: number };

export function createDashboardViews(deps: { storage: Store; now: () => Date; timeZone: string; maxAgeMs: number; maxPeriods?: number }): DashboardViews {
  const maxPeriods = deps.maxPeriods ?? 16;
  const kept = new Map<string, { at: number; view: Promise<DashboardView> }>();

  return {
    maxAgeMs: deps.maxAgeMs,
    lastDays(days) {
      const now = deps.now();
      const range = lastDays(now, days, deps.timeZone);
      // the day range is part of the key, so a new day starts fresh figures
      const key = `${days}|${range.from.toISOString()}`;
      const hit = kept.get(key);
      const age = hit ? now.getTime() - hit.at : Number.POSITIVE_INFINITY;
      if (hit && age >= 0 && age < deps.maxAgeMs) return hit.view;

      const view = dashboardData(deps.storage, { ...range, timeZone: deps.timeZone }).then((data) => ({ data, asOf: now }));
      kept.delete(key);
      if (deps.maxAgeMs > 0) kept.set(key, { at: now.getTime(), view });
      for (const oldest of kept.keys()) {
        if (kept.size <= maxPeriods) break;
        kept.delete(oldest);
      }
      view.catch(() => {
        if (kept.get(key)?.view === view) kept.delete(key);
      });
      return view;
    },
  };
}
