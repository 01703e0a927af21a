import { describe, expect, it } from 'vitest';
import { countBucket, countKey } from '../../src/app/hops/count-window.js';
import { offsetMs } from '../../src/text/time.js';

describe('count windows in the programme time zone', () => {
  it('knows the offset of a zone at an instant', () => {
    expect(offsetMs(new Date('2026-10-05T12:00:00Z'), 'Africa/Johannesburg')).toBe(2 * 3_600_000);
    expect(offsetMs(new Date('2026-10-05T12:00:00Z'), 'Africa/Nairobi')).toBe(3 * 3_600_000);
    expect(offsetMs(new Date('2026-10-05T12:00:00Z'), 'UTC')).toBe(0);
  });
  it('puts 21:59 and 22:01 UTC on different local days in Johannesburg (midnight is 22:00 UTC)', () => {
    const tz = 'Africa/Johannesburg';
    expect(countBucket(new Date('2026-10-05T21:59:00Z'), 24, tz)).not.toBe(countBucket(new Date('2026-10-05T22:01:00Z'), 24, tz));
    expect(countBucket(new Date('2026-10-05T22:01:00Z'), 24, tz)).toBe(countBucket(new Date('2026-10-06T21:59:00Z'), 24, tz));
  });
  it('keys by respondent, facility and window', () => {
    const at = new Date('2026-10-05T08:00:00Z');
    expect(countKey('r1', '1001', at, 24, 'UTC')).not.toBe(countKey('r2', '1001', at, 24, 'UTC'));
    expect(countKey('r1', '1001', at, 24, 'UTC')).not.toBe(countKey('r1', '1002', at, 24, 'UTC'));
    expect(countKey('r1', '1001', at, 24, 'UTC')).toBe(countKey('r1', '1001', new Date('2026-10-05T23:59:00Z'), 24, 'UTC'));
  });
});
