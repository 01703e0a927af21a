import { percent } from '../scorecards/metrics.js';

/**
 * The one honesty rule of every published figure (public pages, open data): a count below the
 * configured minimum is "not enough reports yet", never a number or a percentage, and a share
 * is shown only when the reports it is a share of reach the minimum. Within a partition (the
 * groups of a total: women, men, other, did not answer) a suppressed cell must not be
 * computable as the total minus the others: when the suppressed cells together hold some
 * reports but fewer than the minimum, the next smallest cells are suppressed too
 * (complementary suppression). Cells that together hold nobody need no cover: that
 * "0 other, 0 did not say" can be worked out discloses no one.
 */

export type Cell = { shown: true; count: number; of: number; pct: number | null } | { shown: false; reason: 'too_few' | 'complementary' };

/** A share: `part` of `whole`, shown only when `whole` reaches the minimum. */
export function shareCell(part: number, whole: number, minCount: number): Cell {
  if (whole < minCount || whole === 0) return { shown: false, reason: 'too_few' };
  return { shown: true, count: part, of: whole, pct: percent(part, whole) };
}

/** A count of reports: shown when it reaches the minimum; its share of `total` is given when the total does too. */
export function countCell(count: number, total: number, minCount: number): Cell {
  if (count < minCount) return { shown: false, reason: 'too_few' };
  return { shown: true, count, of: total, pct: total >= minCount ? percent(count, total) : null };
}

/**
 * Cells of a partition of `total` (their counts add up to it), each shown or suppressed by the
 * rule above. Returned in the order given. `coverOnly` names a cell that tells nothing about
 * anyone (the reports that named no problem): it is suppressed below the minimum like any
 * cell, but it needs no cover of its own, so a top problem is not hidden only because few
 * said "no problem"; it still covers the others.
 */
export function partitionCells<K extends string>(total: number, parts: Array<{ key: K; count: number }>, minCount: number, coverOnly?: K): Array<{ key: K; count: number; cell: Cell }> {
  const out = parts.map((p) => ({ key: p.key, count: p.count, cell: countCell(p.count, total, minCount) }));
  // the total itself too small: every cell is, and nothing can be subtracted from it
  if (total < minCount) return out.map((o) => ({ ...o, cell: { shown: false, reason: 'too_few' } as Cell }));
  const hidden = () => out.filter((o) => !o.cell.shown);
  const hiddenSum = () => hidden().reduce((n, o) => n + o.count, 0);
  const needsCover = () => hidden().some((o) => o.key !== coverOnly && o.count > 0);
  // what a reader can recover is the sum of the suppressed cells: it must be nobody, or a group as large as the minimum
  while (needsCover() && hiddenSum() < minCount) {
    const next = out.filter((o) => o.cell.shown).sort((a, b) => a.count - b.count)[0];
    if (!next) break;
    next.cell = { shown: false, reason: 'complementary' };
  }
  return out;
}
