import type { Clock } from '../../gateways/clock.js';
import { maskPhone } from '../../gateways/sms/port.js';
import type { DeliveryStatus, OutboxMessage, OutboxStatus, Store } from '../../storage/ports.js';
import { recordAudit } from '../staff/audit.js';
import { parsePeriod, periodBounds } from './period.js';
import type { ScorecardRunReport } from './run-scorecards.js';

/**
 * "Send now" from the console: the same run the schedule makes (scorecards stored first
 * writer wins, messages enqueued under their unique keys), then a nudge to the outbox
 * sender. Pressing it twice, or the schedule running too, sends nothing twice. A period
 * that has not ended is refused: its scorecard would be fixed with part of its reports.
 */

export type SendNowDeps = {
  storage: Store;
  clock: Clock;
  settings: { timeZone: string };
  run(period: string): Promise<ScorecardRunReport>;
  /** starts sending what is due; not awaited (the history shows how it goes) */
  kickSender(): void;
};

export type SendNowResult = { ok: true; period: string; scorecards: number; queued: number; newMessages: number } | { ok: false; message: string };

/** What the confirmation page says will happen, before anything is written. */
export async function sendNowPlan(
  deps: Pick<SendNowDeps, 'storage' | 'clock' | 'settings'>,
  periodKey: string,
): Promise<{ ok: true; period: string; alreadyQueued: number } | { ok: false; message: string }> {
  const refused = periodProblem(deps, periodKey);
  if (refused) return { ok: false, message: refused };
  return { ok: true, period: periodKey, alreadyQueued: (await deps.storage.outbox.list({ period: periodKey, limit: 100_000 })).length };
}

function periodProblem(deps: Pick<SendNowDeps, 'clock' | 'settings'>, periodKey: string): string | null {
  const period = parsePeriod(periodKey);
  if (!period) return `"${periodKey}" is not a period: use a month such as 2026-10 or an ISO week such as 2026-W41`;
  if (periodBounds(period, deps.settings.timeZone).to > deps.clock.now()) return `${periodKey} has not ended yet: its scorecards can be sent once it is over`;
  return null;
}

export async function sendScorecardsNow(deps: SendNowDeps, periodKey: string, by: string): Promise<SendNowResult> {
  const refused = periodProblem(deps, periodKey);
  if (refused) return { ok: false, message: refused };
  const report = await deps.run(periodKey);
  await recordAudit(deps, {
    actor: by,
    action: 'scorecards.sent_now',
    target: `period ${report.period}`,
    details: { scorecards: report.scorecards.length, messages: report.messages.length, newMessages: report.created.messages },
  });
  deps.kickSender();
  return { ok: true, period: report.period, scorecards: report.scorecards.length, queued: report.messages.length, newMessages: report.created.messages };
}

const STATUS_WORDS: Record<OutboxStatus, string> = { pending: 'waiting to be sent', sending: 'being sent', sent: 'accepted by the SMS provider', failed: 'not sent' };
const DELIVERY_WORDS: Record<DeliveryStatus, string> = {
  Success: 'delivered to the phone',
  Failed: 'not delivered',
  Rejected: 'rejected by the network',
  AbsentSubscriber: 'not delivered: the phone was off or out of reach',
  Expired: 'not delivered: it expired before the phone was reachable',
  Sent: 'on its way to the phone',
  Submitted: 'on its way to the phone',
  Buffered: 'held by the network until the phone is reachable',
};

export type SentRow = {
  recipientName: string;
  /** masked: never the number in clear */
  phone: string;
  language: string;
  status: string;
  delivery: string;
  /** why it was not sent or not delivered, if it was not */
  problem: string | null;
  attempts: number;
  sentAt: Date | null;
  deliveredAt: Date | null;
  text: string;
};
export type SentGroup = { subject: string; subjectKind: 'facility' | 'district'; subjectCode: string; rows: SentRow[] };

/** What was sent to whom for a period (optionally one facility), grouped per facility and district summary. */
export async function sendHistory(storage: Store, filter: { period: string; facility?: string }, facilityNames: Map<string, string>): Promise<SentGroup[]> {
  const messages = await storage.outbox.list({ period: filter.period, subjectCode: filter.facility, limit: 100_000 });
  const groups = new Map<string, SentGroup>();
  for (const m of [...messages].sort((a, b) => a.key.localeCompare(b.key))) {
    // the follow-up loop's messages share the outbox; this history is the scorecards'
    if (m.subjectKind === 'case') continue;
    const id = `${m.subjectKind}:${m.subjectCode}`;
    let group = groups.get(id);
    if (!group) {
      const subject = m.subjectKind === 'facility' ? `${facilityNames.get(m.subjectCode) ?? 'Facility'} (${m.subjectCode})` : `District summary: ${m.subjectCode}`;
      groups.set(id, (group = { subject, subjectKind: m.subjectKind, subjectCode: m.subjectCode, rows: [] }));
    }
    group.rows.push(sentRow(m));
  }
  return [...groups.values()];
}

function sentRow(m: OutboxMessage): SentRow {
  const delivery = m.delivery ? (DELIVERY_WORDS[m.delivery.status] ?? m.delivery.status) : m.status === 'sent' ? 'no delivery report yet' : '—';
  const problem = m.delivery?.failureReason ?? (m.status === 'failed' || (m.status === 'pending' && m.attempts > 0) ? m.lastError : null);
  return {
    recipientName: m.recipientName,
    phone: maskPhone(m.phone),
    language: m.language,
    status: m.status === 'pending' && m.attempts > 0 ? `waiting to try again (${m.attempts} attempt${m.attempts === 1 ? '' : 's'} so far)` : STATUS_WORDS[m.status],
    delivery,
    problem,
    attempts: m.attempts,
    sentAt: m.sentAt,
    deliveredAt: m.delivery?.at ?? null,
    text: m.text,
  };
}
