import { describe, expect, it } from 'vitest';
import { countCell, partitionCells, shareCell } from '../../src/app/public/honest-cells.js';
import { summarise } from '../../src/app/public/case-figures.js';
import type { Case } from '../../src/storage/case-ports.js';

/** The one honesty rule of published figures, and complementary suppression in a partition. */

const shownKeys = (cells: Array<{ key: string; cell: { shown: boolean } }>) => cells.filter((c) => c.cell.shown).map((c) => c.key);

describe('honest cells', () => {
  it('a share below the minimum is not a percentage; at the minimum it is', () => {
    expect(shareCell(4, 9, 10)).toEqual({ shown: false, reason: 'too_few' });
    expect(shareCell(4, 10, 10)).toEqual({ shown: true, count: 4, of: 10, pct: 40 });
    expect(shareCell(0, 0, 1)).toEqual({ shown: false, reason: 'too_few' });
    expect(countCell(9, 40, 10)).toEqual({ shown: false, reason: 'too_few' });
    expect(countCell(10, 40, 10)).toEqual({ shown: true, count: 10, of: 40, pct: 25 });
  });

  it('one small cell is not left alone: the next smallest is suppressed too, so total minus the others gives nothing away', () => {
    const cells = partitionCells(
      40,
      [
        { key: 'woman', count: 22 },
        { key: 'man', count: 12 },
        { key: 'other', count: 2 },
        { key: 'none', count: 4 },
      ],
      5,
    );
    // other (2) and none (4) are small; together 6 >= 5: enough
    expect(shownKeys(cells)).toEqual(['woman', 'man']);
    const single = partitionCells(
      40,
      [
        { key: 'woman', count: 22 },
        { key: 'man', count: 15 },
        { key: 'other', count: 3 },
      ],
      5,
    );
    expect(single.map((c) => c.cell)).toEqual([
      { shown: true, count: 22, of: 40, pct: 55 },
      { shown: false, reason: 'complementary' },
      { shown: false, reason: 'too_few' },
    ]);
    // the recovered sum (40 - 22 = 18) is a group of 18, not of 3
  });

  it('suppressed cells whose sum is still small pull in more cells', () => {
    const cells = partitionCells(
      30,
      [
        { key: 'a', count: 20 },
        { key: 'b', count: 7 },
        { key: 'c', count: 2 },
        { key: 'd', count: 1 },
      ],
      5,
    );
    // c + d = 3 < 5 could be read off as 30 - 20 - 7: b goes too
    expect(shownKeys(cells)).toEqual(['a']);
    expect(cells.reduce((n, c) => n + (c.cell.shown ? 0 : c.count), 0)).toBeGreaterThanOrEqual(5);
  });

  it('empty cells need no cover: 0 other and 0 did not say give no one away', () => {
    const cells = partitionCells(
      14,
      [
        { key: 'woman', count: 7 },
        { key: 'man', count: 7 },
        { key: 'other', count: 0 },
        { key: 'none', count: 0 },
      ],
      5,
    );
    expect(shownKeys(cells)).toEqual(['woman', 'man']);
    expect(cells[2]!.cell).toEqual({ shown: false, reason: 'too_few' });
  });

  it('a cover-only cell (named no problem) needs no cover itself but covers the others', () => {
    const problems = (total: number, counts: Record<string, number>) =>
      shownKeys(
        partitionCells(
          total,
          Object.entries(counts).map(([key, count]) => ({ key, count })),
          5,
          'none',
        ),
      );
    // 6 of 10 named long wait, 4 named no problem: long wait is the finding, and nobody is exposed
    expect(problems(10, { long_wait: 6, none: 4 })).toEqual(['long_wait']);
    // 2 named rude staff: with 3 "no problem" the 5 hidden cover each other; with 1 they do not
    expect(problems(11, { long_wait: 6, rude: 2, none: 3 })).toEqual(['long_wait']);
    expect(problems(10, { long_wait: 7, rude: 2, none: 1 })).toEqual([]);
  });

  it('below the minimum total, every cell is suppressed', () => {
    expect(shownKeys(partitionCells(4, [{ key: 'a', count: 4 }], 5))).toEqual([]);
  });

  it('case figures use the same rule and never carry a reference or a concern', () => {
    const opened = new Date('2026-10-02T08:00:00Z');
    const kase = (n: number, over: Partial<Case>): Case => ({
      reference: `REF-${n}`,
      responseId: `r${n}`,
      facilityCode: '1001',
      district: 'Riverside',
      questionnaireId: 'clinic',
      concern: { problem: 'long_wait' },
      lang: 'en',
      status: 'open',
      contactConsent: false,
      openedAt: opened,
      updatedAt: opened,
      firstActionAt: null,
      actionTakenAt: null,
      closedAt: null,
      resolvedByTimeout: false,
      revision: 1,
      ...over,
    });
    const acted = (days: number) => new Date(opened.getTime() + days * 86_400_000);
    const list = [...[1, 2, 3, 4, 5, 6].map((n) => kase(n, { status: 'resolved', firstActionAt: acted(n) })), kase(7, { status: 'escalated' }), kase(8, {})];
    const figures = summarise(list, 5);
    expect(figures).toMatchObject({
      received: 8,
      actedOn: { shown: true, count: 6 },
      confirmedSolved: { shown: true, count: 6 },
      escalated: { shown: false },
      open: { shown: false },
      medianDaysToAction: 4,
    });
    expect(JSON.stringify(figures)).not.toMatch(/REF-|long_wait/);
  });
});
