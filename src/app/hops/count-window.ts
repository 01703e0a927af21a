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

/** The local calendar day (YYYY-MM-DD) of an instant in the programme's time zone. */
export function localDay(at: Date, timeZone: string): string {
  return new Date(at.getTime() + offsetMs(at, timeZone)).toISOString().slice(0, 10);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The time zone's offset from UTC at that instant, in milliseconds. */
export function offsetMs(at: Date, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}
