import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatPeriod, isoWeeksInYear, nextPeriod, parsePeriod, periodBounds, periodContaining, periodJustEnded, previousPeriod, type PeriodKind } from '../../src/app/scorecards/period.js';

const iso = (d: Date) => d.toISOString();

describe('scorecard periods in the configured time zone', () => {
  it('puts a report at 23:30 local on the last day of the month in that month (Johannesburg, UTC+2)', () => {
    // 31 October 23:30 in Johannesburg is 21:30 UTC, still October in both
    expect(formatPeriod(periodContaining(new Date('2026-10-31T21:30:00Z'), 'month', 'Africa/Johannesburg'))).toBe('2026-10');
    // 30 September 23:30 local is 21:30 UTC; 1 October 00:30 local is 30 September 22:30 UTC
    expect(formatPeriod(periodContaining(new Date('2026-09-30T21:30:00Z'), 'month', 'Africa/Johannesburg'))).toBe('2026-09');
    expect(formatPeriod(periodContaining(new Date('2026-09-30T22:30:00Z'), 'month', 'Africa/Johannesburg'))).toBe('2026-10');
    const { from, to } = periodBounds(parsePeriod('2026-10')!, 'Africa/Johannesburg');
    expect([iso(from), iso(to)]).toEqual(['2026-09-30T22:00:00.000Z', '2026-10-31T22:00:00.000Z']);
  });

  it('puts a report at 23:30 local on the last day of the month in that month (Nairobi, UTC+3)', () => {
    const lastEvening = new Date('2026-10-31T20:30:00Z'); // 23:30 in Nairobi
    expect(formatPeriod(periodContaining(lastEvening, 'month', 'Africa/Nairobi'))).toBe('2026-10');
    const { from, to } = periodBounds(parsePeriod('2026-10')!, 'Africa/Nairobi');
    expect([iso(from), iso(to)]).toEqual(['2026-09-30T21:00:00.000Z', '2026-10-31T21:00:00.000Z']);
    expect(lastEvening >= from && lastEvening < to).toBe(true);
    // 00:30 on 1 November in Nairobi is still 31 October in UTC, but belongs to November
    const nextMorning = new Date('2026-10-31T21:30:00Z');
    expect(formatPeriod(periodContaining(nextMorning, 'month', 'Africa/Nairobi'))).toBe('2026-11');
    expect(nextMorning >= to).toBe(true);
  });

  it('bounds ISO weeks Monday to Monday at local midnight', () => {
    expect(parsePeriod('2026-W41')).toEqual({ kind: 'week', year: 2026, index: 41 });
    const { from, to } = periodBounds(parsePeriod('2026-W41')!, 'Africa/Nairobi');
    expect([iso(from), iso(to)]).toEqual(['2026-10-04T21:00:00.000Z', '2026-10-11T21:00:00.000Z']);
    // Sunday 11 October 23:30 in Nairobi is still week 41
    expect(formatPeriod(periodContaining(new Date('2026-10-11T20:30:00Z'), 'week', 'Africa/Nairobi'))).toBe('2026-W41');
    expect(formatPeriod(periodContaining(new Date('2026-10-11T21:30:00Z'), 'week', 'Africa/Nairobi'))).toBe('2026-W42');
  });

  it('handles ISO week years: 2026 has 53 weeks, and 1 January 2027 is in 2026-W53', () => {
    expect(isoWeeksInYear(2026)).toBe(53);
    expect(isoWeeksInYear(2025)).toBe(52);
    expect(formatPeriod(periodContaining(new Date('2027-01-01T10:00:00Z'), 'week', 'Africa/Johannesburg'))).toBe('2026-W53');
    expect(formatPeriod(periodContaining(new Date('2025-12-29T10:00:00Z'), 'week', 'Africa/Johannesburg'))).toBe('2026-W01');
    expect(parsePeriod('2025-W53')).toBeNull();
    expect(formatPeriod(nextPeriod(parsePeriod('2026-W53')!))).toBe('2027-W01');
    expect(formatPeriod(previousPeriod(parsePeriod('2027-W01')!))).toBe('2026-W53');
  });

  it('computes the period that just ended for a scheduled run', () => {
    // the default cron fires 08:00 local on the 1st
    expect(formatPeriod(periodJustEnded(new Date('2026-11-01T06:00:00Z'), 'month', 'Africa/Johannesburg'))).toBe('2026-10');
    expect(formatPeriod(periodJustEnded(new Date('2027-01-01T06:00:00Z'), 'month', 'Africa/Johannesburg'))).toBe('2026-12');
    // Monday 12 October 08:00 in Nairobi: week 41 just ended
    expect(formatPeriod(periodJustEnded(new Date('2026-10-12T05:00:00Z'), 'week', 'Africa/Nairobi'))).toBe('2026-W41');
  });

  it('refuses keys that name no period', () => {
    for (const bad of ['2026-13', '2026-00', '2026-W00', '2026-W54', '26-10', '2026-10-01', 'October', '']) expect(parsePeriod(bad)).toBeNull();
  });

  it('tiles time: every instant falls in exactly one period, consecutive periods touch (property)', () => {
    const zones = ['Africa/Johannesburg', 'Africa/Nairobi', 'Africa/Lagos', 'Europe/London', 'America/Sao_Paulo'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.constantFrom<PeriodKind>('week', 'month'),
        fc.constantFrom(...zones),
        (at, kind, zone) => {
          const p = periodContaining(at, kind, zone);
          const { from, to } = periodBounds(p, zone);
          expect(at >= from && at < to).toBe(true);
          expect(periodBounds(nextPeriod(p), zone).from).toEqual(to);
          expect(parsePeriod(formatPeriod(p))).toEqual(p);
          expect(previousPeriod(nextPeriod(p))).toEqual(p);
        },
      ),
      { numRuns: 500 },
    );
  });
});
