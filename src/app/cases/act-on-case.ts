import { followUpOf } from '../../engine/cases/concern.js';
import { isClosedCaseStatus, nextCaseStatus, allowedCaseEvents } from '../../engine/cases/case-machine.js';
import type { Clock } from '../../gateways/clock.js';
import { parseReference } from '../../gateways/ids.js';
import type { Case, CaseActor, CaseEventType, CaseTransition, Store } from '../../storage/ports.js';
import { WRITTEN_NUMBER } from '../../text/phone-numbers.js';

export type ActOnCaseInput = {
  actor: CaseActor;
  /** the facilities the actor may act on; null: every facility */
  facilities: string[] | null;
  /** as typed or read out: "K7M3-P9QX-AB", "k7m3p9qxab" */
  reference: string;
  event: CaseEventType;
  /** what was done, one of the questionnaire's followUp.actions; required with action_taken only */
  actionCode?: string | null;
  note?: string | null;
  /** 'console', 'api', 'ussd', 'sms', 'schedule' */
  channel: string;
  /** with resolve: the citizen did not reply within M days */
  byTimeout?: boolean;
};

export type ActOnCaseResult =
  | { ok: true; case: Case; transition: CaseTransition }
  | { ok: false; reason: 'not_found' | 'forbidden' | 'invalid' | 'conflict'; message: string }
  | { ok: false; reason: 'not_allowed'; message: string; allowed: CaseEventType[] };

export const MAX_CASE_NOTE = 280;
const ATTEMPTS = 3;

/**
 * Someone acts on a case: the case machine says whether the event applies in its status and
 * where it leads; the change is stored with who, when and what as the next line of its history,
 * compare-and-set on the case's revision (another writer in between: read again, try again).
 * A case that closes (resolved, closed unresolved) has its citizen's contact deleted at once.
 */
export async function actOnCase(deps: { storage: Store; clock: Clock }, input: ActOnCaseInput): Promise<ActOnCaseResult> {
  const reference = parseReference(input.reference);
  if (!reference) return { ok: false, reason: 'not_found', message: `"${input.reference}" is not a report reference` };
  const note = input.note?.trim() || null;
  if (note && note.length > MAX_CASE_NOTE) return { ok: false, reason: 'invalid', message: `a note is at most ${MAX_CASE_NOTE} characters` };
  if (note && WRITTEN_NUMBER.test(note)) return { ok: false, reason: 'invalid', message: 'a note may not hold a phone number or other long number' };
  if (input.event === 'note' && !note) return { ok: false, reason: 'invalid', message: 'write the note' };

  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await deps.storage.cases.get(reference);
    if (!current) return { ok: false, reason: 'not_found', message: `no case ${reference}` };
    if (input.facilities && !input.facilities.includes(current.facilityCode)) return { ok: false, reason: 'forbidden', message: `case ${reference} is not at one of your facilities` };
    const to = nextCaseStatus(current.status, input.event);
    if (!to) {
      return { ok: false, reason: 'not_allowed', message: `a case that is ${current.status} cannot take "${input.event}"`, allowed: allowedCaseEvents(current.status) };
    }
    const actionCode = await checkedActionCode(deps.storage, current, input);
    if (actionCode !== null && typeof actionCode === 'object') return actionCode;

    const at = deps.clock.now();
    const acting = input.event === 'acknowledge' || input.event === 'action_taken' || input.event === 'refer';
    const next: Case = {
      ...current,
      status: to,
      updatedAt: at,
      firstActionAt: current.firstActionAt ?? (acting ? at : null),
      actionTakenAt: input.event === 'action_taken' ? at : current.actionTakenAt,
      closedAt: isClosedCaseStatus(to) && !isClosedCaseStatus(current.status) ? at : isClosedCaseStatus(to) ? current.closedAt : null,
      resolvedByTimeout: to !== 'resolved' ? false : input.event === 'resolve' ? input.byTimeout === true : current.resolvedByTimeout,
    };
    const transition: CaseTransition = {
      seq: current.revision + 2,
      at,
      by: input.actor,
      event: input.event,
      from: current.status,
      to,
      actionCode,
      note,
      channel: input.channel,
    };
    if (!(await deps.storage.cases.transition(next, transition, current.revision))) continue;
    if (isClosedCaseStatus(to)) await deps.storage.caseContacts.remove(reference);
    return { ok: true, case: { ...next, revision: current.revision + 1 }, transition };
  }
  return { ok: false, reason: 'conflict', message: `case ${reference} kept changing while this was saved; look at it again` };
}

async function checkedActionCode(storage: Store, current: Case, input: ActOnCaseInput): Promise<string | null | { ok: false; reason: 'invalid'; message: string }> {
  const code = input.actionCode?.trim() || null;
  if (input.event !== 'action_taken') {
    return code ? { ok: false, reason: 'invalid', message: 'say what was done only with "action_taken"' } : null;
  }
  const actions = await caseActions(storage, current);
  if (!code) return { ok: false, reason: 'invalid', message: `say what was done: one of ${actions.join(', ')}` };
  if (!actions.includes(code)) return { ok: false, reason: 'invalid', message: `"${code}" is not an action of this questionnaire: one of ${actions.join(', ')}` };
  return code;
}

/** What a manager can say was done about this case: its questionnaire version's followUp.actions (or the defaults). */
export async function caseActions(storage: Store, c: Case): Promise<string[]> {
  const response = await storage.responses.get(c.responseId);
  const version = response ? await storage.questionnaires.getVersion(response.questionnaireId, response.questionnaireVersion) : await storage.questionnaires.latestPublished(c.questionnaireId);
  return version ? followUpOf(version.definition).actions : followUpOf({ id: c.questionnaireId, facilityTypes: ['none'], questions: [] }).actions;
}
