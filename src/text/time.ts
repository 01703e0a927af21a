/**
 * Time in the programme's time zone, in one place: the zone's offset at an instant, the local
 * day, local midnight, and how staff see a time (always with the zone named, never bare UTC).
 * Pure: every function takes the instant it works on; nothing here reads a clock.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
/** the last second asked about, per zone: formatToParts is slow, and a completing hop asks twice in the same second */
const lastOffset = new Map<string, { second: number; offset: number }>();

/** The time zone's offset from UTC at that instant, in milliseconds (it depends only on the instant's whole second). */
export function offsetMs(at: Date, timeZone: string): number {
  const second = Math.floor(at.getTime() / 1000);
  const last = lastOffset.get(timeZone);
  if (last?.second === second) return last.offset;
  const offset = computeOffsetMs(at, second, timeZone);
  lastOffset.set(timeZone, { second, offset });
  return offset;
}

function computeOffsetMs(at: Date, second: number, timeZone: string): number {
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
  return asUtc - second * 1000;
}

/** The wall-clock reading of an instant in the zone, as an ISO text without zone (YYYY-MM-DDTHH:mm:ss.sss). */
function wallClock(at: Date, timeZone: string): string {
  return new Date(at.getTime() + offsetMs(at, timeZone)).toISOString().slice(0, 23);
}

/** The local calendar day (YYYY-MM-DD) of an instant in the programme's time zone. */
export function localDay(at: Date, timeZone: string): string {
  return wallClock(at, timeZone).slice(0, 10);
}

/** The instant local midnight starts a calendar day (YYYY-MM-DD) in the zone; two rounds settle a DST change. */
export function startOfLocalDay(day: string, timeZone: string): Date {
  const wall = Date.parse(`${day}T00:00:00Z`);
  let guess = wall - offsetMs(new Date(wall), timeZone);
  guess = wall - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** "+02:00": the zone's offset at that instant as ISO 8601 writes it (never Z). */
export function offsetText(at: Date, timeZone: string): string {
  const offset = offsetMs(at, timeZone);
  const minutes = Math.round(Math.abs(offset) / 60_000);
  return `${offset < 0 ? '-' : '+'}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** RFC 3339 with the zone's offset: 2026-10-05T14:00:00.000+02:00. */
export function timestampWithOffset(at: Date, timeZone: string): string {
  return `${wallClock(at, timeZone)}${offsetText(at, timeZone)}`;
}

/** How staff read a time: "2026-10-05 14:00 (Africa/Johannesburg, UTC+02:00)"; the zone is always named. */
export function formatLocalTime(at: Date, timeZone: string): string {
  const wall = wallClock(at, timeZone);
  const zone = timeZone === 'UTC' || timeZone === 'Etc/UTC' ? 'UTC' : `${timeZone}, UTC${offsetText(at, timeZone)}`;
  return `${wall.slice(0, 10)} ${wall.slice(11, 16)} (${zone})`;
}

/** A date input's value (YYYY-MM-DD) is a real calendar day. */
export function isCalendarDay(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
}
