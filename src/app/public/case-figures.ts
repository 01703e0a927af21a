import type { Case, CaseFilter } from '../../storage/case-ports.js';
import type { Storage } from '../../storage/ports.js';
import { countCell, type Cell } from './honest-cells.js';

/**
 * "You said, we did": what became of the cases opened in a period, under the same minimum-count
 * rule as every other figure. Only counts and a median leave here: no case reference, no
 * concern, no citizen's words.
 */

export type CaseFigures = {
  received: number;
  actedOn: Cell;
  confirmedSolved: Cell;
  open: Cell;
  escalated: Cell;
  /** whole days from opening to the first action, median of the cases acted on; null below the minimum */
  medianDaysToAction: number | null;
  /** the listing stopped at its limit: the figures cover the newest cases only */
  truncated: boolean;
};

const LIMIT = 10_000;
const DAY = 86_400_000;
const OPEN = new Set(['open', 'acknowledged', 'action_taken', 'reopened']);

export async function caseFigures(storage: Storage, filter: CaseFilter, bounds: { from: Date; to: Date }, minCount: number): Promise<CaseFigures> {
  const listed = await storage.cases.list(filter, LIMIT);
  const inPeriod = listed.filter((c) => c.openedAt >= bounds.from && c.openedAt < bounds.to);
  return summarise(inPeriod, minCount, listed.length >= LIMIT);
}

export function summarise(list: Case[], minCount: number, truncated = false): CaseFigures {
  const n = list.length;
  const acted = list.filter((c) => c.firstActionAt !== null);
  const days = acted.map((c) => (c.firstActionAt!.getTime() - c.openedAt.getTime()) / DAY).sort((a, b) => a - b);
  const median = days.length === 0 ? null : days.length % 2 ? days[(days.length - 1) / 2]! : (days[days.length / 2 - 1]! + days[days.length / 2]!) / 2;
  return {
    received: n,
    actedOn: countCell(acted.length, n, minCount),
    confirmedSolved: countCell(list.filter((c) => c.status === 'resolved' && !c.resolvedByTimeout).length, n, minCount),
    open: countCell(list.filter((c) => OPEN.has(c.status)).length, n, minCount),
    escalated: countCell(list.filter((c) => c.status === 'escalated').length, n, minCount),
    medianDaysToAction: acted.length >= minCount && median !== null ? Math.round(median) : null,
    truncated,
  };
}
