import type { Clock } from '../../gateways/clock.js';
import { isE164, maskPhone } from '../../gateways/sms/port.js';
import type { Case, CaseTransition, Manager } from '../../storage/ports.js';
import { actOnCase } from './act-on-case.js';
import { queueDailyDigests } from './case-digest.js';
import { caseLanguage, caseSms, queueCitizenActionSms, type CaseSmsDeps } from './follow-up-sms.js';

/**
 * The follow-up pass, run on a schedule by every instance (src/entry/scheduler.ts) and once at
 * start (so a pass no instance was up for is caught up). Each part is safe to run any number
 * of times: case steps are compare-and-set on the case's revision, and every SMS has a unique
 * outbox key per case and step.
 *
 * 1. The citizen who consented is told what was done (one SMS per action_taken step).
 * 2. Escalation to the district managers, by SMS, and the case flagged `escalated`:
 *    - nobody acknowledged or acted on it within `escalateAfterDays` of its opening;
 *    - the citizen reopened it;
 *    - the facility referred it up ("cannot act here", already escalated by that step).
 * 3. A case in action_taken with no reply from the citizen within `autoResolveDays` is
 *    closed as resolved, marked resolvedByTimeout.
 * 4. The facility managers' daily digest of the new cases of the day just ended (case-digest.ts).
 */

export type FollowUpSettings = {
  escalateAfterDays: number;
  autoResolveDays: number;
  shortCode: string;
  /** the programme's time zone, for the day a daily digest covers; absent: no digests */
  timeZone?: string;
};

export type FollowUpDeps = CaseSmsDeps & {
  clock: Clock;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
  /** a keyed hash of a manager's number for the outbox key (the scorecards' tagger) */
  recipientTag: (phone: string) => string;
  settings: FollowUpSettings;
};

export type FollowUpResult = { citizenSms: number; escalated: number; districtSms: number; resolvedByTimeout: number; digests: number };

/** How many cases of one status a pass looks at; more wait for the next pass. */
export const FOLLOW_UP_BATCH = 5000;
const DAY_MS = 86_400_000;
const SYSTEM = { kind: 'system', label: 'follow-up schedule' } as const;

export type EscalationReason = 'unacknowledged' | 'reopened' | 'referred';

export async function runCaseFollowUp(deps: FollowUpDeps): Promise<FollowUpResult> {
  const { storage, settings } = deps;
  const result: FollowUpResult = { citizenSms: 0, escalated: 0, districtSms: 0, resolvedByTimeout: 0, digests: 0 };
  const now = deps.clock.now().getTime();

  for (const c of await storage.cases.list({ statuses: ['action_taken'] }, FOLLOW_UP_BATCH)) {
    if (c.actionTakenAt && now - c.actionTakenAt.getTime() >= settings.autoResolveDays * DAY_MS) {
      const done = await actOnCase(deps, { actor: SYSTEM, facilities: null, reference: c.reference, event: 'resolve', byTimeout: true, channel: 'schedule' });
      if (done.ok) result.resolvedByTimeout++;
      continue;
    }
    if (await queueCitizenActionSms(deps, c)) result.citizenSms++;
  }

  const late = (c: Case) => c.firstActionAt === null && now - c.openedAt.getTime() >= settings.escalateAfterDays * DAY_MS;
  for (const c of await storage.cases.list({ statuses: ['open', 'reopened'] }, FOLLOW_UP_BATCH)) {
    if (c.status === 'open' && !late(c)) continue;
    const done = await actOnCase(deps, { actor: SYSTEM, facilities: null, reference: c.reference, event: 'escalate', channel: 'schedule' });
    if (done.ok) result.escalated++;
  }

  for (const c of await storage.cases.list({ statuses: ['escalated'] }, FOLLOW_UP_BATCH)) {
    result.districtSms += await queueEscalationSms(deps, c);
  }
  if (settings.timeZone) result.digests = await queueDailyDigests({ ...deps, timeZone: settings.timeZone });
  if (result.citizenSms + result.escalated + result.districtSms + result.resolvedByTimeout + result.digests > 0) deps.log.info({ ...result }, 'case follow-up pass');
  return result;
}

/** Why the step into `escalated` was taken. */
export function escalationReason(step: Pick<CaseTransition, 'event' | 'from'>): EscalationReason {
  if (step.event === 'refer') return 'referred';
  return step.from === 'reopened' ? 'reopened' : 'unacknowledged';
}

/**
 * One SMS to each district manager of the case's district about its latest step into
 * `escalated`, once per case, step and manager (the outbox key). Returns how many were queued.
 */
export async function queueEscalationSms(deps: FollowUpDeps, c: Case): Promise<number> {
  const history = await deps.storage.cases.history(c.reference);
  const step = [...history].reverse().find((t) => t.to === 'escalated' && t.from !== 'escalated');
  if (!step) return 0;
  const facilities = await deps.storage.facilities.list({ district: c.district });
  const facility = facilities.find((f) => f.code === c.facilityCode);
  const managers = new Map<string, Manager>();
  for (const f of facilities) for (const m of f.managers) if (m.role === 'district' && m.active && !m.optedOut) managers.set(m.phone, m);
  const problem = await problemWords(deps, c);
  let queued = 0;
  for (const m of managers.values()) {
    if (!isE164(m.phone)) {
      deps.log.warn({ case: c.reference, manager: m.name, phone: maskPhone(m.phone) }, 'district manager skipped: the number is not E.164');
      continue;
    }
    const tag = deps.recipientTag(m.phone);
    const key = `case:${c.reference}|step-${step.seq}|${tag}`;
    if (await deps.storage.outbox.get(key)) continue;
    const language = deps.texts[m.language] ? m.language : deps.defaultLanguage;
    const sms = caseSms(deps, language, 'sms.escalation', {
      ref: c.reference,
      facility: facility?.name ?? c.facilityCode,
      problem: problem(language),
      reason: escalationReason(step),
      days: deps.settings.escalateAfterDays,
      code: deps.settings.shortCode,
    });
    const { created } = await deps.storage.outbox.enqueue({
      key,
      subjectKind: 'case',
      subjectCode: c.reference,
      district: c.district,
      period: `step-${step.seq}`,
      recipientTag: tag,
      recipientName: m.name,
      phone: m.phone,
      language,
      text: sms.text,
      segments: sms.segments,
      createdAt: deps.clock.now(),
    });
    if (created) queued++;
  }
  return queued;
}

/** The case's concern in words: its first concern answer's option label in `lang` (or the code). */
export async function problemWords(deps: Pick<FollowUpDeps, 'storage' | 'texts' | 'defaultLanguage'>, c: Case): Promise<(lang: string) => string> {
  const version = await deps.storage.questionnaires.latestPublished(c.questionnaireId);
  const [questionId, value] = Object.entries(c.concern)[0] ?? ['', ''];
  return (lang) => {
    const of = (l: string) => version?.texts[l]?.questions[questionId]?.options?.[String(value)];
    return of(lang) ?? of(deps.defaultLanguage) ?? of(caseLanguage(deps, c)) ?? String(value);
  };
}
