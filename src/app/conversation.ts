import {
  factsNeeded,
  render,
  step,
  type EngineInput,
  type Effect,
  type FacilityRef,
  type Prompt,
  type ResumeOffer,
  type SessionState,
  type StepFacts,
  type SystemTextSource,
} from '../engine/session.js';
import type { Clock } from '../gateways/clock.js';
import { formatReference, type IdGenerator } from '../gateways/ids.js';
import type { Channel, Facility, Storage } from '../storage/ports.js';
import { countKey, localDay } from './count-window.js';
import type { QuestionnaireCatalog } from './questionnaire-catalog.js';

/**
 * Drives the engine for any channel in two halves: `decide` gathers what a step needs from
 * storage and runs the pure step (it writes nothing), `record` stores what the step says
 * happened. A hop handler claims the hop (compare-and-set on the session) between the two,
 * so a hop that loses a race, or a stale retry, never writes an answer. Each answer is
 * written as it arrives; replaying a decision rewrites the same values.
 */

export type ConversationDeps = {
  storage: Storage;
  questionnaires: QuestionnaireCatalog;
  texts: SystemTextSource;
  clock: Clock;
  ids: IdGenerator;
  settings: {
    resumeWindowMinutes: number;
    countWindowHours: number;
    timeZone: string;
    maxFacilityAttempts: number;
  };
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
};

export type ConversationContext = {
  channel: Channel;
  sessionId: string;
  respondentKey: string;
  /** languages this channel can offer (voice offers only languages with recordings) */
  languages: string[];
  responseId: string | null;
};

/** What a step decided: the next state and screen, and the effects `record` still has to store. */
export type Decision = { state: SessionState; prompt: Prompt; responseId: string | null; effects: Effect[] };

export function createConversation(deps: ConversationDeps) {
  const { storage, questionnaires, clock } = deps;

  async function gatherFacts(state: SessionState | null, input: EngineInput, ctx: ConversationContext, now: Date): Promise<StepFacts> {
    let needed = factsNeeded(state, input);
    const facts: StepFacts = {
      now,
      languages: ctx.languages,
      texts: deps.texts,
      maxFacilityAttempts: deps.settings.maxFacilityAttempts,
      responseRef: ctx.responseId ? formatReference(ctx.responseId) : null,
    };
    if (needed.questionnaire) {
      facts.questionnaire = await questionnaires.get(needed.questionnaire.id, needed.questionnaire.version);
      needed = factsNeeded(state, input, facts.questionnaire);
    }
    if (needed.facilityCode) {
      const facility = await storage.facilities.findByCode(needed.facilityCode);
      const usable = facility && facility.active ? facility : null;
      facts.facilityLookup = {
        code: needed.facilityCode,
        facility: usable ? facilityRef(usable) : null,
        questionnaire: usable ? await questionnaires.currentForFacilityType(usable.type) : null,
      };
    }
    return facts;
  }

  /** What a new session starts with: remembered language, resume offer, pre-filled code. */
  async function startInput(ctx: ConversationContext, prefilledFacilityCode: string | null, now: Date): Promise<EngineInput> {
    const since = new Date(now.getTime() - deps.settings.resumeWindowMinutes * 60_000);
    const [rememberedLanguage, unfinished] = await Promise.all([
      storage.respondents.getLanguage(ctx.respondentKey),
      storage.responses.findResumable(ctx.respondentKey, ctx.channel, since),
    ]);
    let resumable: ResumeOffer | null = null;
    // dialling another facility's code directly means a new report, not the unfinished one
    const sameFacility = !prefilledFacilityCode || unfinished?.facilityCode === prefilledFacilityCode;
    if (unfinished?.resumeState && sameFacility && ctx.languages.includes(unfinished.language)) {
      const facility = await storage.facilities.findByCode(unfinished.facilityCode);
      if (facility) {
        resumable = {
          responseId: unfinished.id,
          lang: unfinished.language,
          facility: facilityRef(facility),
          questionnaire: { id: unfinished.questionnaireId, version: unfinished.questionnaireVersion },
          machine: unfinished.resumeState,
        };
      }
    }
    return { type: 'start', rememberedLanguage, prefilledFacilityCode, resumable };
  }

  async function decide(state: SessionState | null, input: EngineInput, ctx: ConversationContext): Promise<Decision> {
    const now = clock.now();
    const facts = await gatherFacts(state, input, ctx, now);
    const result = step(state, input, facts);
    // a new response's id is chosen here, so the session claimed before recording already names it
    let responseId = ctx.responseId;
    for (const effect of result.effects) {
      if (effect.type === 'responseStarted') responseId = deps.ids.responseId();
      if (effect.type === 'responseResumed') responseId = effect.responseId;
    }
    // the closing screen quotes the reference, which exists only once the response does
    const prompt = responseId !== ctx.responseId && result.state.phase === 'ended' ? render(result.state, { ...facts, responseRef: formatReference(responseId!) }) : result.prompt;
    return { state: result.state, prompt, responseId, effects: result.effects };
  }

  /** Stores what a decision says happened; returns the response id it ended on. */
  async function record(decision: Decision, ctx: ConversationContext): Promise<string | null> {
    return applyEffects(decision.effects, decision.state, ctx, decision.responseId);
  }

  /** Re-renders the current screen of a stored state (for paging and repeats). */
  async function currentPrompt(state: SessionState, ctx: ConversationContext): Promise<Prompt> {
    const facts = await gatherFacts(state, { type: 'back' }, ctx, clock.now());
    return render(state, facts);
  }

  async function applyEffects(effects: Effect[], state: SessionState, ctx: ConversationContext, decidedId: string | null): Promise<string | null> {
    let responseId = ctx.responseId;
    const lastProgress = [...effects].reverse().find((e) => e.type === 'progress');
    const resumeState = lastProgress && lastProgress.type === 'progress' ? lastProgress.machine : state.machine;
    let wroteProgress = false;
    for (const effect of effects) {
      switch (effect.type) {
        case 'languageChosen':
          await storage.respondents.setLanguage(ctx.respondentKey, effect.lang, clock.now());
          break;
        case 'responseStarted': {
          const started = await storage.responses.start({
            id: decidedId ?? deps.ids.responseId(),
            sourceKey: `${ctx.channel}:${ctx.sessionId}`,
            facilityCode: effect.facility.code,
            facilityType: effect.facility.type,
            district: effect.facility.district,
            questionnaireId: effect.questionnaire.id,
            questionnaireVersion: effect.questionnaire.version,
            channel: ctx.channel,
            language: effect.lang,
            respondentKey: ctx.respondentKey,
            resumeState: state.machine,
            sessionIds: [ctx.sessionId],
            startedAt: effect.at,
          });
          responseId = started.id;
          wroteProgress = true;
          break;
        }
        case 'responseResumed':
          await storage.responses.resume(effect.responseId, ctx.sessionId, effect.at);
          responseId = effect.responseId;
          break;
        case 'resumeDeclined':
          await storage.responses.markAbandoned(effect.responseId, effect.at);
          break;
        case 'answerRecorded':
          await storage.responses.recordAnswer(mustHave(responseId), { questionId: effect.questionId, value: effect.value, at: effect.at }, resumeState!);
          wroteProgress = true;
          break;
        case 'answerWithdrawn':
          await storage.responses.withdrawAnswer(mustHave(responseId), effect.questionId, resumeState!, effect.at);
          wroteProgress = true;
          break;
        case 'progress':
          break;
        case 'responseCompleted': {
          const id = mustHave(responseId);
          const key = countKey(ctx.respondentKey, state.facility!.code, effect.at, deps.settings.countWindowHours, deps.settings.timeZone);
          const done = await storage.responses.complete(id, effect.at, key, localDay(effect.at, deps.settings.timeZone));
          if (!done.counted) deps.log.info({ responseId: id, duplicateOf: done.duplicateOf }, 'report stored but not counted: same respondent and facility within the count window');
          break;
        }
        case 'facilityNotFound':
          deps.log.info({ channel: ctx.channel, attempt: effect.attempt }, 'unknown facility code');
          break;
        case 'declined':
          break;
      }
    }
    if (lastProgress && !wroteProgress && responseId && lastProgress.type === 'progress') {
      await storage.responses.saveProgress(responseId, lastProgress.machine, lastProgress.at);
    }
    return responseId;
  }

  return { decide, record, startInput, currentPrompt };
}

export type Conversation = ReturnType<typeof createConversation>;

function mustHave(responseId: string | null): string {
  if (!responseId) throw new Error('an answer arrived before its response was started');
  return responseId;
}

export function facilityRef(f: Facility): FacilityRef {
  return { code: f.code, name: f.name, type: f.type, district: f.district };
}
