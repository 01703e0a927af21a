import { describe, expect, it } from 'vitest';
import { createPublicFigures } from '../../src/app/public/public-figures.js';
import { parsePeriod } from '../../src/app/scorecards/period.js';
import { manualClock } from '../../src/gateways/clock.js';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import type { Store } from '../../src/storage/ports.js';

/** A complete month's figures are computed once; the running month's on every request. */
describe('public figures cache', () => {
  it('tallies a complete month once and the running month every time', async () => {
    const clock = manualClock('2026-11-03T08:00:00Z');
    const inner = createMemoryStorage({ now: () => clock.now() });
    let tallies = 0;
    const storage: Store = {
      ...inner,
      responses: {
        ...inner.responses,
        tallyCounted: (q) => {
          tallies++;
          return inner.responses.tallyCounted(q);
        },
      },
    };
    const figures = createPublicFigures({ storage, clock, settings: { timeZone: 'Africa/Johannesburg', minCount: 5 } });
    const october = parsePeriod('2026-10')!;
    const november = parsePeriod('2026-11')!;
    expect(figures.isComplete(october)).toBe(true);
    expect(figures.isComplete(november)).toBe(false);
    await figures.figures(october);
    await figures.figures(october);
    expect(tallies).toBe(1);
    await figures.figures(november);
    await figures.figures(november);
    expect(tallies).toBe(3);
    // once November ends, it is kept too
    clock.set('2026-12-01T08:00:00Z');
    await figures.figures(november);
    await figures.figures(november);
    expect(tallies).toBe(4);
  });
});
