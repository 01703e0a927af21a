import type { Channel, Store } from '../../storage/ports.js';
import type { Clock } from '../../gateways/clock.js';
import type { VoiceCallRecord } from '../../storage/voice-calls.js';
import type { CaseDesk } from './case-desk.js';

type EndDeps = { storage: Store; clock: Clock; cases?: Pick<CaseDesk, 'reportConcern'> };

/**
 * The provider says a session is over (AT's USSD end-of-session notification, or a voice
 * call's last request): an unfinished report becomes abandoned, and can still be resumed
 * by dialling again within the window. A finished report that names a concern, left on
 * "May we SMS you?", becomes a case all the same, with no contact: no answer is no consent.
 */
export async function abandonUnfinished(deps: EndDeps, channel: Channel, sessionId: string): Promise<{ abandoned: boolean; responseId: string | null; respondentKey: string | null }> {
  const session = await deps.storage.sessions.get(channel, sessionId);
  if (!session?.responseId) return { abandoned: false, responseId: null, respondentKey: session?.respondentKey ?? null };
  if (session.engine.value === 'followUp' && deps.cases) await deps.cases.reportConcern({ responseId: session.responseId, consent: false, phone: null });
  const response = await deps.storage.responses.get(session.responseId);
  if (response?.status !== 'in_progress') return { abandoned: false, responseId: session.responseId, respondentKey: session.respondentKey };
  await deps.storage.responses.markAbandoned(response.id, deps.clock.now());
  return { abandoned: true, responseId: session.responseId, respondentKey: session.respondentKey };
}

/** A voice call's end: its duration, cost and hangup cause, kept once (no phone numbers), and an unfinished report abandoned. */
export async function recordCallEnd(deps: EndDeps, call: Omit<VoiceCallRecord, 'respondentKey' | 'responseId' | 'endedAt'>): Promise<{ recorded: boolean; abandoned: boolean }> {
  const session = await deps.storage.sessions.get('voice', call.sessionId);
  const recorded = await deps.storage.voiceCalls.recordEnd({ ...call, respondentKey: session?.respondentKey ?? null, responseId: session?.responseId ?? null, endedAt: deps.clock.now() });
  const { abandoned } = await abandonUnfinished(deps, 'voice', call.sessionId);
  return { recorded, abandoned };
}
