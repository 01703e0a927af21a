import { isE164 } from '../../gateways/sms/port.js';
import type { Case, Manager } from '../../storage/ports.js';
import { localDay, startOfLocalDay } from '../../text/time.js';
import { type FollowUpDeps, FOLLOW_UP_BATCH, problemWords } from './follow-up-run.js';
import { CASE_SMS_SEGMENTS, caseSms } from './follow-up-sms.js';

/**
 * The facility managers' daily digest of new cases: for each local day that has ended (the
 * programme's time zone), one SMS per facility manager of a facility that got new cases, in the
 * manager's language, within 2 segments: the count, then each case's reference and problem, as
 * many as fit ("and 3 more"). Exactly once per facility, day and manager (the outbox key
 * `digest:<facility>|<day>|<manager tag>`). A pass looks back over the last DIGEST_CATCH_UP_DAYS
 * ended days, so a day missed while no instance was up is sent at the next start; the keys keep
 * the days already sent from going again.
 */
export const DIGEST_CATCH_UP_DAYS = 3;

export async function queueDailyDigests(deps: FollowUpDeps & { timeZone: string }): Promise<number> {
  const now = deps.clock.now();
  const listed = await deps.storage.cases.list({}, FOLLOW_UP_BATCH);
  let queued = 0;
  let dayEnd = startOfLocalDay(localDay(now, deps.timeZone), deps.timeZone);
  for (let back = 0; back < DIGEST_CATCH_UP_DAYS; back++) {
    const day = localDay(new Date(dayEnd.getTime() - 1), deps.timeZone);
    const from = startOfLocalDay(day, deps.timeZone);
    queued += await queueDigestsOfDay(
      deps,
      day,
      listed.filter((c) => c.openedAt >= from && c.openedAt < dayEnd),
      now,
    );
    dayEnd = from;
  }
  return queued;
}

async function queueDigestsOfDay(deps: FollowUpDeps, day: string, opened: Case[], now: Date): Promise<number> {
  const byFacility = new Map<string, Case[]>();
  for (const c of opened) byFacility.set(c.facilityCode, [...(byFacility.get(c.facilityCode) ?? []), c]);
  let queued = 0;
  for (const [code, cases] of byFacility) {
    const facility = await deps.storage.facilities.findByCode(code);
    if (!facility) continue;
    cases.sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime() || a.reference.localeCompare(b.reference));
    const problems = await Promise.all(cases.map((c) => problemWords(deps, c)));
    const managers = facility.managers.filter((m: Manager) => m.role === 'facility' && m.active && !m.optedOut && isE164(m.phone));
    for (const m of managers) {
      const tag = deps.recipientTag(m.phone);
      const key = `digest:${code}|${day}|${tag}`;
      if (await deps.storage.outbox.get(key)) continue;
      const language = deps.texts[m.language] ? m.language : deps.defaultLanguage;
      const items = cases.map((c, i) => `${c.reference} ${problems[i]!(language)}`);
      let shown = items.length;
      const compose = () =>
        caseSms(deps, language, 'sms.digest', { facility: facility.name, day, count: cases.length, list: items.slice(0, shown).join('; '), more: items.length - shown, code: deps.settings.shortCode });
      let sms = compose();
      while (sms.segments > CASE_SMS_SEGMENTS && shown > 1) {
        shown--;
        sms = compose();
      }
      const { created } = await deps.storage.outbox.enqueue({
        key,
        subjectKind: 'facility',
        subjectCode: code,
        district: facility.district,
        period: day,
        recipientTag: tag,
        recipientName: m.name,
        phone: m.phone,
        language,
        text: sms.text,
        segments: sms.segments,
        createdAt: now,
      });
      if (created) queued++;
    }
  }
  return queued;
}
