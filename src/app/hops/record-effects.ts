import type { Effect } from '../../engine/conversation.js';
import type { ManagerMenuEffect, ManagerMenuState } from '../../engine/manager-menu.js';
import { isManagerMenuState } from '../../engine/session-state.js';
import { resumePointOf } from '../../engine/prompt.js';
import type { ConversationState } from '../../engine/stepping.js';
import type { SessionEffect, SessionState } from './session-runner.js';
import type { Channel, Store } from '../../storage/ports.js';
import type { CaseDesk } from './case-desk.js';
import { countKey } from './count-window.js';
import { localDay } from '../../text/time.js';

/**
 * Stores what the conversation said happened in a hop, as it arrives: the response started
 * or resumed, each answer (replaying one rewrites the same value, so nothing is recorded
 * twice), the place to resume from, the language for next time, and completion, counted at
 * most once per respondent, facility and window.
 */

export type RecordDeps = {
  storage: Store;
  settings: { countWindowHours: number; timeZone: string };
  log: { info(obj: object, msg: string): void; warn?(obj: object, msg: string): void };
  /** the follow-up loop's cases; without it a concern is only logged */
  cases?: Omit<CaseDesk, 'find'>;
};

export type HopRecord = {
  channel: Channel;
  sessionId: string;
  respondentKey: string;
  /** the response this hop works on; a new one's id when this hop starts it */
  responseId: string | null;
  now: Date;
  /** the caller's number as the provider gave it: asked for only when a citizen consents to follow-up SMS */
  phone?: () => string;
};

/**
 * Returns the id of the response the hop worked on, as stored (a start that finds its response
 * already there returns that one). A manager's session works on no response.
 */
export async function recordEffects(deps: RecordDeps, effects: SessionEffect[], state: SessionState, hop: HopRecord): Promise<string | null> {
  if (isManagerMenuState(state)) {
    await recordManagerEffects(deps, effects as ManagerMenuEffect[], state);
    return hop.responseId;
  }
  return recordReportEffects(deps, effects as Effect[], state, hop);
}

/** What the manager decided on a case, applied once the hop is claimed (so a repeated hop applies nothing twice). */
async function recordManagerEffects(deps: RecordDeps, effects: ManagerMenuEffect[], state: ManagerMenuState): Promise<void> {
  for (const effect of effects) {
    if (effect.type !== 'caseActed') continue;
    if (!deps.cases) throw new Error('a manager acted on a case, but no case store is wired');
    const { actor, facilities } = state.context;
    await deps.cases.managerActed({ reference: effect.reference, event: effect.event, actionCode: effect.actionCode, note: effect.note, actor, facilities });
  }
}

async function recordReportEffects(deps: RecordDeps, effects: Effect[], state: ConversationState, hop: HopRecord): Promise<string | null> {
  const { storage } = deps;
  const at = hop.now;
  const resumeState = resumePointOf(state);
  let responseId = hop.responseId;
  const response = () => {
    if (!responseId) throw new Error('an answer arrived before its response was started');
    return responseId;
  };
  for (const effect of effects) {
    switch (effect.type) {
      case 'languageChosen':
        await storage.respondents.setLanguage(hop.respondentKey, effect.lang, at);
        break;
      case 'responseStarted': {
        const started = await storage.responses.start({
          id: response(),
          sourceKey: `${hop.channel}:${hop.sessionId}`,
          facilityCode: effect.facility.code,
          facilityType: effect.facility.type,
          district: effect.facility.district,
          questionnaireId: effect.questionnaire.id,
          questionnaireVersion: effect.questionnaire.version,
          channel: hop.channel,
          language: effect.lang,
          respondentKey: hop.respondentKey,
          resumeState,
          sessionIds: [hop.sessionId],
          startedAt: at,
        });
        responseId = started.id;
        break;
      }
      case 'responseResumed':
        await storage.responses.resume(effect.responseId, hop.sessionId, at);
        break;
      case 'resumeDeclined':
        await storage.responses.markAbandoned(effect.responseId, at);
        break;
      case 'answerRecorded':
        await storage.responses.recordAnswer(response(), { questionId: effect.questionId, value: effect.value, at }, resumeState ?? finished(state));
        break;
      case 'answerWithdrawn':
        await storage.responses.withdrawAnswer(response(), effect.questionId, resumeState ?? finished(state), at);
        break;
      case 'questionSkipped':
        await storage.responses.saveProgress(response(), resumeState ?? finished(state), at);
        break;
      case 'responseCompleted': {
        const id = response();
        const facility = state.context.facility;
        if (!facility) throw new Error('a report completed without its facility');
        const done = await storage.responses.complete(
          id,
          at,
          countKey(hop.respondentKey, facility.code, at, deps.settings.countWindowHours, deps.settings.timeZone),
          localDay(at, deps.settings.timeZone),
        );
        if (!done.counted) deps.log.info({ responseId: id, duplicateOf: done.duplicateOf }, 'report stored but not counted: same respondent and facility within the count window');
        break;
      }
      case 'facilityNotFound':
        deps.log.info({ channel: hop.channel, attempt: effect.attempt }, 'unknown facility code');
        break;
      case 'gaveUp':
        deps.log.info({ sessionId: hop.sessionId, screen: effect.screen }, 'no usable answer after the allowed repeats; ending politely');
        break;
      case 'concernReported': {
        const id = response();
        if (!deps.cases) {
          deps.log.info({ responseId: id, consent: effect.consent }, 'the report names a concern, but no case store is wired');
          break;
        }
        // the number is asked for, and passed on to be sealed with the case, only with consent
        await deps.cases.reportConcern({ responseId: id, consent: effect.consent, phone: effect.consent && hop.phone ? hop.phone() : null });
        break;
      }
      case 'caseAnswered':
        if (deps.cases) await deps.cases.answer({ reference: effect.reference, answer: effect.answer, channel: hop.channel });
        break;
      case 'caseNotFound':
        deps.log.info({ channel: hop.channel, attempt: effect.attempt }, 'unknown report reference');
        break;
      case 'lookupFacility':
      case 'lookupCase':
      case 'declined':
        break;
    }
  }
  return responseId;
}

/** The resume point once the last question is answered: nothing left to ask. */
function finished(state: ConversationState) {
  return { value: 'complete', context: { answers: { ...state.context.answers }, path: [...state.context.path] } };
}
