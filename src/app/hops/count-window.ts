import { offsetMs } from '../../text/time.js';

/**
 * "At most one counted report per respondent per facility per window": a window is a
 * bucket of `hours` aligned to local midnight in the programme's time zone, so the default
 * of 24 hours means one local calendar day.
 */
export function countBucket(at: Date, hours: number, timeZone: string): number {
  const local = at.getTime() + offsetMs(at, timeZone);
  return Math.floor(local / (hours * 3_600_000));
}

export function countKey(respondentKey: string, facilityCode: string, at: Date, hours: number, timeZone: string): string {
  return `${respondentKey}|${facilityCode}|${hours}h${countBucket(at, hours, timeZone)}`;
}
