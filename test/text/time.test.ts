import { describe, expect, it } from 'vitest';
import { formatLocalTime, isCalendarDay, localDay, offsetMs, startOfLocalDay, timestampWithOffset } from '../../src/text/time.js';

describe('time in the programme time zone (one helper)', () => {
  it('knows the offset of a zone at an instant, DST included', () => {
    expect(offsetMs(new Date('2026-10-05T12:00:00Z'), 'Africa/Johannesburg')).toBe(2 * 3_600_000);
    expect(offsetMs(new Date('2026-10-05T12:00:00Z'), 'Africa/Nairobi')).toBe(3 * 3_600_000);
    expect(offsetMs(new Date('2026-07-01T12:00:00Z'), 'Europe/London')).toBe(3_600_000);
    expect(offsetMs(new Date('2026-01-01T12:00:00Z'), 'Europe/London')).toBe(0);
  });
  it('gives the local day and the instant it starts', () => {
    expect(localDay(new Date('2026-10-05T21:59:00Z'), 'Africa/Johannesburg')).toBe('2026-10-05');
    expect(localDay(new Date('2026-10-05T22:00:00Z'), 'Africa/Johannesburg')).toBe('2026-10-06');
    expect(startOfLocalDay('2026-10-06', 'Africa/Johannesburg').toISOString()).toBe('2026-10-05T22:00:00.000Z');
    // the day the clocks go forward in London starts at midnight GMT
    expect(startOfLocalDay('2026-03-29', 'Europe/London').toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(startOfLocalDay('2026-03-30', 'Europe/London').toISOString()).toBe('2026-03-29T23:00:00.000Z');
  });
  it('writes RFC 3339 with the offset, and the staff reading with the zone named', () => {
    expect(timestampWithOffset(new Date('2026-10-05T08:00:00Z'), 'Africa/Johannesburg')).toBe('2026-10-05T10:00:00.000+02:00');
    expect(timestampWithOffset(new Date('2026-10-05T08:00:00Z'), 'UTC')).toBe('2026-10-05T08:00:00.000+00:00');
    expect(timestampWithOffset(new Date('2026-10-05T08:00:00Z'), 'America/St_Johns')).toBe('2026-10-05T05:30:00.000-02:30');
    expect(formatLocalTime(new Date('2026-10-05T08:00:00Z'), 'Africa/Johannesburg')).toBe('2026-10-05 10:00 (Africa/Johannesburg, UTC+02:00)');
    expect(formatLocalTime(new Date('2026-10-05T08:00:00Z'), 'UTC')).toBe('2026-10-05 08:00 (UTC)');
  });
  it('accepts only real calendar days from a date input', () => {
    expect(isCalendarDay('2026-02-28')).toBe(true);
    expect(isCalendarDay('2026-02-30')).toBe(false);
    expect(isCalendarDay('2026-2-3')).toBe(false);
    expect(isCalendarDay('yesterday')).toBe(false);
  });
});
