import { FRONT_DOOR, versionForStep, type ConversationEvent, type ConversationInput, type Effect, type FacilityRef, type LoadedQuestionnaire, type ResumeOffer } from '../../engine/conversation.js';
import { promptFor, type Prompt, type SystemTextSource } from '../../engine/prompt.js';
import { cached, type ConversationState, type Step, type Stepper } from '../../engine/stepping.js';
import type { Channel, Facility, Store } from '../../storage/ports.js';
import type { QuestionnaireCatalog } from '../questionnaires/questionnaire-catalog.js';
import type { CaseDesk } from './case-desk.js';

/**
 * Runs the conversation machine for one hop: picks the machine the session is pinned to,
 * steps it, and answers the lookups it asks for (a facility by its code) from storage, so
 * that what comes back is the screen the respondent sees next and every effect to store.
 */

export type Turn = { state: ConversationState; effects: Effect[]; questionnaire: LoadedQuestionnaire | null };

export type RunnerDeps = {
  storage: Store;
  questionnaires: QuestionnaireCatalog;
  texts: SystemTextSource;
  settings: { resumeWindowMinutes: number; maxFacilityAttempts: number };
  /** how the machines are stepped (the bench compares XState's transition() with the cached scope); default `cached` */
  stepper?: Stepper;
  /** the follow-up loop's cases; without it "check a report" is not offered */
  cases?: Pick<CaseDesk, 'find'>;
};

export type Caller = { channel: Channel; respondentKey: string; languages: string[]; maxRetries: number | null };

/** a lookup answers with one event; a machine never needs more than a couple per hop */
const MAX_LOOKUPS_PER_HOP = 4;

export function createConversationRunner(deps: RunnerDeps) {
  const { storage, questionnaires } = deps;
  const stepper = deps.stepper ?? cached;

  async function pinned(state: Pick<ConversationState, 'context'>, event: ConversationEvent | null): Promise<LoadedQuestionnaire | null> {
    const version = versionForStep(state.context, event);
    if (!version) return null;
    const q = await questionnaires.get(version.id, version.version);
    if (!q) throw new Error(`questionnaire ${version.id}@${version.version} is not stored`);
    return q;
  }

  /** A new session: the remembered language, an unfinished report to offer, a pre-filled code. */
  async function begin(caller: Caller, prefilledFacilityCode: string | null, now: Date): Promise<Turn> {
    const since = new Date(now.getTime() - deps.settings.resumeWindowMinutes * 60_000);
    const [rememberedLanguage, unfinished] = await Promise.all([storage.respondents.getLanguage(caller.respondentKey), storage.responses.findResumable(caller.respondentKey, caller.channel, since)]);
    let resumeOffer: ResumeOffer | null = null;
    let resumed: LoadedQuestionnaire | null = null;
    // dialling another facility's code directly means a new report, not the unfinished one
    const sameFacility = !prefilledFacilityCode || unfinished?.facilityCode === prefilledFacilityCode;
    if (unfinished?.resumeState && sameFacility && caller.languages.includes(unfinished.language)) {
      const [facility, q] = await Promise.all([storage.facilities.findByCode(unfinished.facilityCode), questionnaires.get(unfinished.questionnaireId, unfinished.questionnaireVersion)]);
      if (facility && q) {
        resumed = q;
        resumeOffer = { responseId: unfinished.id, lang: unfinished.language, facility: facilityRef(facility), questionnaire: { id: q.id, version: q.version }, resumeAt: unfinished.resumeState };
      }
    }
    const input: ConversationInput = {
      languages: caller.languages,
      rememberedLanguage,
      prefilledFacilityCode,
      resumeOffer,
      maxFacilityAttempts: deps.settings.maxFacilityAttempts,
      maxRetries: caller.maxRetries,
      // on voice too: a reference is keyed one key a character (K7M3-P9QX-AB is 5763797922)
      offerCheck: deps.cases !== undefined,
    };
    return settle(stepper.start(resumed?.machine ?? FRONT_DOOR, input));
  }

  async function advance(state: ConversationState, event: ConversationEvent): Promise<Turn> {
    const q = await pinned(state, event);
    return settle(stepper.step(q?.machine ?? FRONT_DOOR, state, event));
  }

  /** Answers each lookup the machine asked for, until it asks for none. */
  async function settle(first: Step): Promise<Turn> {
    let step = first;
    const effects = [...first.effects];
    for (let i = 0; i < MAX_LOOKUPS_PER_HOP; i++) {
      const lookup = step.effects.find((e) => e.type === 'lookupFacility' || e.type === 'lookupCase');
      if (!lookup) break;
      const event = lookup.type === 'lookupCase' ? await lookUpCase(lookup.reference) : lookup.type === 'lookupFacility' ? await lookUp(lookup.code, lookup.for) : null;
      if (!event) break;
      const q = await pinned(step.state, event);
      step = stepper.step(q?.machine ?? FRONT_DOOR, step.state, event);
      effects.push(...step.effects);
    }
    return { state: step.state, effects, questionnaire: await pinned(step.state, null) };
  }

  async function lookUp(code: string, purpose: 'visit' | 'answer'): Promise<ConversationEvent> {
    const found = await storage.facilities.findByCode(code);
    if (!found?.active) return { type: 'FACILITY_UNKNOWN', code };
    if (purpose === 'answer') return { type: 'FACILITY_FOUND', facility: facilityRef(found), questionnaire: null };
    const q = await questionnaires.currentForFacilityType(found.type);
    return { type: 'FACILITY_FOUND', facility: facilityRef(found), questionnaire: q ? { id: q.id, version: q.version } : null };
  }

  async function lookUpCase(reference: string): Promise<ConversationEvent> {
    const found = deps.cases ? await deps.cases.find(reference) : null;
    return found ? { type: 'CASE_FOUND', found } : { type: 'CASE_UNKNOWN', reference };
  }

  /** The screen a stored state is on. */
  async function promptOf(state: ConversationState, reference: string | null): Promise<Prompt> {
    return promptFor(state, { questionnaire: await pinned(state, null), texts: deps.texts, reference });
  }

  /** The apology for a hop that failed before its session existed: the front door, ended by FAILED. */
  async function failedAtStart(languages: string[]): Promise<Prompt> {
    const started = stepper.start(FRONT_DOOR, { languages, maxFacilityAttempts: deps.settings.maxFacilityAttempts, maxRetries: null });
    const ended = stepper.step(FRONT_DOOR, started.state, { type: 'FAILED' });
    return promptFor(ended.state, { questionnaire: null, texts: deps.texts });
  }

  return { begin, advance, promptOf, failedAtStart };
}

export type ConversationRunner = ReturnType<typeof createConversationRunner>;

export function facilityRef(f: Facility): FacilityRef {
  return { code: f.code, name: f.name, type: f.type, district: f.district };
}
