import type { Case, CaseFilter } from '../../storage/case-ports.js';
import type { Store } from '../../storage/ports.js';
import { countCell, type Cell } from './honest-cells.js';
import { localDay } from '../../text/time.js';

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
  /**
   * "We did": what managers and staff recorded as done on this facility's cases in the period,
   * newest first (facility pages only; empty elsewhere). Their action and note only: no
   * reference, no concern, no citizen's words (notes that look like a number are refused when written).
   */
  actionsTaken: ActionTaken[];
};

/** `day`: the local day in the programme's time zone */
export type ActionTaken = { day: string; actionCode: string | null; note: string | null };

const LIMIT = 10_000;
const DAY = 86_400_000;
const OPEN = new Set(['open', 'acknowledged', 'action_taken', 'reopened']);

export async function caseFigures(
  storage: Store,
  filter: CaseFilter,
  bounds: { from: Date; to: Date },
  minCount: number,
  shown: { actions: number; timeZone: string } | null = null,
): Promise<CaseFigures> {
  const listed = await storage.cases.list(filter, LIMIT);
  const inPeriod = listed.filter((c) => c.openedAt >= bounds.from && c.openedAt < bounds.to);
  const figures = summarise(inPeriod, minCount, listed.length >= LIMIT);
  if (shown) figures.actionsTaken = await actionsTakenOn(storage, inPeriod, shown.actions, shown.timeZone);
  return figures;
}

/** The latest `limit` actions taken on these cases (the list is newest first, so its head holds them). */
async function actionsTakenOn(storage: Store, cases: Case[], limit: number, timeZone: string): Promise<ActionTaken[]> {
  const acted = cases.filter((c) => c.firstActionAt !== null).slice(0, limit * 2);
  const steps = (await Promise.all(acted.map((c) => storage.cases.history(c.reference)))).flat();
  return steps
    .filter((s) => s.event === 'action_taken' && (s.by.kind === 'manager' || s.by.kind === 'staff'))
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, limit)
    .map((s) => ({ day: localDay(s.at, timeZone), actionCode: s.actionCode, note: s.note }));
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
    actionsTaken: [],
  };
}
