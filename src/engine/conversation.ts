import { assign, emit, setup } from 'xstate';
import { parseFacilityCode, parseMenuPick, type Parsed } from './answers.js';
import { CASE_STATUSES, type CaseStatus } from './cases/case-machine.js';
import { concernRule, NO_CONCERN, type ConcernRule } from './concern.js';
import type { AnswerValue, Question, QuestionnaireDefinition, ShowIf } from './definition.js';
import { questionType } from './question-types/registry.js';
import { parseReference } from '../text/reference.js';
import type { QuestionnaireTexts } from './texts.js';

/**
 * The report-card conversation as one XState machine: resume offer, language, facility,
 * consent, the questions, thank-you (with the offer of follow-up SMS when the report names
 * a concern), ended; and from the facility screen, "check a report": the reference, its
 * status in plain words, and once action is taken, the citizen's "solved" or "not solved". It is compiled from a questionnaire version;
 * before a facility names the questionnaire, a session runs on the machine compiled from
 * none, whose front door (resume, language, facility) is the same.
 *
 * The machine does no I/O and has no clock. What it needs from outside arrives as events
 * (a facility found or unknown, silence on a voice call, a hop that failed), and what it
 * wants done it emits as effects (look up this code, store this answer), which the app
 * applies. Its state is plain JSON, so any process can continue any session.
 */

export type FacilityRef = { code: string; name: string; type: string; district: string };
export type VersionRef = { id: string; version: number };
export type Message = { key: string; vars?: Record<string, string | number> };

/** A case's status as the citizen is told it: the statuses of the case machine. */
export const CHECKED_STATUSES = CASE_STATUSES;
export type CheckedStatus = CaseStatus;
/** A case found by its reference, as "check a report" shows it. */
export type CheckedCase = { reference: string; status: CheckedStatus; facility: string };
/** The key that opens "check a report" on the facility screen: never a facility code (those have 3 to 8 digits). */
export const CHECK_KEY = '9';

/** Where an unfinished report stands: the question on screen and the answers on the path to it. */
export type ResumePoint = { value: string; context: { answers: Record<string, AnswerValue>; path: string[] } };

export type ResumeOffer = {
  responseId: string;
  lang: string;
  facility: FacilityRef;
  questionnaire: VersionRef;
  resumeAt: ResumePoint;
};

/** A questionnaire version ready to run: immutable, so compiled once and cached by the caller. */
export type LoadedQuestionnaire = {
  id: string;
  version: number;
  definition: QuestionnaireDefinition;
  texts: Record<string, QuestionnaireTexts>;
  machine: ConversationMachine;
  /** which finished reports name a concern (and become cases) */
  concern: ConcernRule;
};

export type ConversationInput = {
  /** languages offered on this channel, in menu order */
  languages: string[];
  rememberedLanguage?: string | null;
  /** a code from an extended dial string (*384*123*1001#) */
  prefilledFacilityCode?: string | null;
  resumeOffer?: ResumeOffer | null;
  maxFacilityAttempts: number;
  /** repeats of one screen after silence or a wrong answer before giving up (voice); null: never give up (USSD) */
  maxRetries: number | null;
  /** offer "check a report" on the facility screen (a channel where a reference can be keyed) */
  offerCheck?: boolean;
};

export type ConversationContext = {
  languages: string[];
  maxFacilityAttempts: number;
  maxRetries: number | null;
  lang: string | null;
  facilityAttempts: number;
  prefilledFacilityCode: string | null;
  /** the code the app has been asked to look up */
  pendingCode: string | null;
  facility: FacilityRef | null;
  questionnaire: VersionRef | null;
  resumeOffer: ResumeOffer | null;
  /** the answers on the current path, by question id, as codes or numbers */
  answers: Record<string, AnswerValue>;
  /** questions answered or skipped, in order; BACK pops from here */
  path: string[];
  /** a one-line error shown above the current screen */
  error: Message | null;
  /** how the conversation ended, once it has */
  end: Message | null;
  /** failed tries (silence, a wrong answer) at the current screen */
  retries: number;
  /** "check a report" is offered on the facility screen (absent in sessions stored before it existed) */
  offerCheck?: boolean;
  /** tries at the reference screen: unknown or malformed references, three as for facility codes */
  checkAttempts?: number;
  /** the reference the app has been asked to look up */
  pendingReference?: string | null;
  /** the case found */
  checked?: CheckedCase | null;
};

export type ConversationEvent =
  /** what the respondent typed, or the keys they pressed */
  | { type: 'ANSWER'; text: string }
  /** a spoken answer to a free-text question: the recording's https URL */
  | { type: 'RECORDING'; url: string }
  | { type: 'BACK' }
  | { type: 'SKIP' }
  /** hear the screen again (voice `*`) */
  | { type: 'REPEAT' }
  /** no key before the time-out (voice) */
  | { type: 'SILENCE' }
  /** keys where a recording was expected, or a recording that cannot be stored (voice) */
  | { type: 'NOT_A_RECORDING' }
  /** the answer to a lookupFacility effect: an active facility and the questionnaire serving its type */
  | { type: 'FACILITY_FOUND'; facility: FacilityRef; questionnaire: VersionRef | null }
  | { type: 'FACILITY_UNKNOWN'; code: string }
  /** the answer to a lookupCase effect */
  | { type: 'CASE_FOUND'; found: CheckedCase }
  | { type: 'CASE_UNKNOWN'; reference: string }
  /** the hop failed outside the engine: end politely (the answers so far are kept) */
  | { type: 'FAILED' };

export type Effect =
  | { type: 'languageChosen'; lang: string }
  /**
   * Look the code up (an active facility) and answer with FACILITY_FOUND or FACILITY_UNKNOWN;
   * for the facility visited, FACILITY_FOUND names the questionnaire serving its type.
   */
  | { type: 'lookupFacility'; code: string; for: 'visit' | 'answer' }
  | { type: 'facilityNotFound'; code: string; attempt: number }
  | { type: 'responseStarted'; facility: FacilityRef; questionnaire: VersionRef; lang: string }
  | { type: 'responseResumed'; responseId: string }
  | { type: 'resumeDeclined'; responseId: string }
  | { type: 'answerRecorded'; questionId: string; value: AnswerValue }
  | { type: 'answerWithdrawn'; questionId: string }
  | { type: 'questionSkipped'; questionId: string }
  | { type: 'responseCompleted' }
  | { type: 'declined' }
  /**
   * The completed report names a concern and becomes a case, whatever the answer; `consent`
   * says whether the citizen agreed to SMS updates (only then is their number kept).
   */
  | { type: 'concernReported'; consent: boolean }
  /** Look the reference up and answer with CASE_FOUND or CASE_UNKNOWN. */
  | { type: 'lookupCase'; reference: string }
  | { type: 'caseNotFound'; attempt: number }
  /** The citizen says whether the action taken solved it: resolve, or reopen. */
  | { type: 'caseAnswered'; reference: string; answer: 'resolve' | 'reopen' }
  /** voice: no usable answer after the allowed repeats */
  | { type: 'gaveUp'; screen: string };

export const EFFECT_TYPES: ReadonlySet<string> = new Set<Effect['type']>([
  'languageChosen',
  'lookupFacility',
  'facilityNotFound',
  'responseStarted',
  'responseResumed',
  'resumeDeclined',
  'answerRecorded',
  'answerWithdrawn',
  'questionSkipped',
  'responseCompleted',
  'declined',
  'concernReported',
  'lookupCase',
  'caseNotFound',
  'caseAnswered',
  'gaveUp',
]);

/** Only https URLs (no credentials) are stored as spoken answers. */
export const RECORDING_URL = /^https:\/\/[^\s/?#@]+(\/[^\s]*)?$/;
export const DEFAULT_MAX_FACILITY_ATTEMPTS = 3;
/** tries for an unknown or malformed reference, as for facility codes */
export const MAX_CHECK_ATTEMPTS = 3;

export const questionState = (questionId: string) => `q_${questionId}`;
export const questionIdOfState = (state: string): string | undefined => (state.startsWith('q_') ? state.slice(2) : undefined);
export const COMPLETE = 'complete';

function isShown(showIf: ShowIf | undefined, answers: Record<string, AnswerValue>): boolean {
  if (!showIf) return true;
  const given = answers[showIf.question];
  return given !== undefined && showIf.anyOf.includes(given);
}

const pick = (text: string, count: number): Parsed<number> => parseMenuPick(text, count);
const textOf = (event: ConversationEvent): string => (event.type === 'ANSWER' ? event.text : '');

/**
 * Compiles the conversation for a questionnaire version, or for none (the front door a
 * session runs on until its facility is found). Every compiled machine has the same
 * front-door states, so a session moves from the one to the other between hops.
 */
export function compileConversation(questionnaire: { id: string; version: number; definition: QuestionnaireDefinition } | null, options: { concern?: ConcernRule } = {}) {
  const questions: Question[] = questionnaire?.definition.questions ?? [];
  const concern = options.concern ?? NO_CONCERN;
  const byId = new Map(questions.map((q) => [q.id, q]));
  const question = (id: string): Question => {
    const q = byId.get(id);
    if (!q) throw new Error(`no question "${id}" in ${questionnaire?.id ?? 'the front door'}`);
    return q;
  };

  const builder = setup({
    types: {
      context: {} as ConversationContext,
      events: {} as ConversationEvent,
      input: {} as ConversationInput,
      emitted: {} as Effect,
    },
    guards: {
      resuming: ({ context }) => context.resumeOffer !== null,
      languageKnown: ({ context }) => context.lang !== null,
      prefilled: ({ context }) => context.prefilledFacilityCode !== null,
      severalLanguages: ({ context }) => context.languages.length > 1,
      picked: ({ context, event }, params: { n: number; of: number | 'languages' }) => {
        const r = pick(textOf(event), params.of === 'languages' ? context.languages.length : params.of);
        return r.ok && r.value === params.n;
      },
      validLanguage: ({ context, event }) => pick(textOf(event), context.languages.length).ok,
      codeLooksRight: ({ event }) => parseFacilityCode(textOf(event)).ok,
      lastFacilityAttempt: ({ context }) => context.facilityAttempts + 1 >= context.maxFacilityAttempts,
      foundWithoutQuestionnaire: ({ event }) => event.type === 'FACILITY_FOUND' && event.questionnaire === null,
      outOfRetries: ({ context }) => context.maxRetries !== null && context.retries > context.maxRetries,
      hidden: ({ context }, params: { showIf: ShowIf }) => !isShown(params.showIf, context.answers),
      validAnswer: ({ event }, params: { questionId: string }) => event.type === 'ANSWER' && questionType(question(params.questionId)).parse(question(params.questionId), event.text).ok,
      validRecording: ({ event }) => event.type === 'RECORDING' && RECORDING_URL.test(event.url),
      lastOnPathIs: ({ context }, params: { questionId: string }) => context.path[context.path.length - 1] === params.questionId,
      resumesAt: ({ context }, params: { state: string }) => context.resumeOffer?.resumeAt.value === params.state,
      concern: ({ context }) => concern.applies(context.answers),
      asksToCheck: ({ context, event }) => context.offerCheck === true && textOf(event).trim() === CHECK_KEY,
      referenceLooksRight: ({ event }) => parseReference(textOf(event)) !== null,
      lastCheckAttempt: ({ context }) => (context.checkAttempts ?? 0) + 1 >= MAX_CHECK_ATTEMPTS,
      awaitsCitizen: ({ event }) => event.type === 'CASE_FOUND' && event.found.status === 'action_taken',
    },
    actions: {
      clearError: assign({ error: null }),
      // every screen starts with no error line and a fresh count of failed tries
      enterScreen: assign({ error: null, retries: 0 }),
      countRetry: assign({ retries: ({ context }) => (context.maxRetries === null ? context.retries : context.retries + 1) }),
      choiceError: assign({ error: (_, params: { max: number }) => ({ key: 'error.choice', vars: { max: params.max } }) }),
      languageError: assign({ error: ({ context }) => ({ key: 'error.choice', vars: { max: context.languages.length } }) }),
      chooseLanguage: assign({
        lang: ({ context, event }) => {
          const r = pick(textOf(event), context.languages.length);
          return r.ok ? context.languages[r.value]! : context.lang;
        },
      }),
      emitLanguageChosen: emit(({ context }) => ({ type: 'languageChosen' as const, lang: context.lang ?? '' })),
      startAtFacility: assign({ facilityAttempts: 0 }),
      takePrefilledCode: assign({ pendingCode: ({ context }) => context.prefilledFacilityCode, prefilledFacilityCode: null }),
      takeTypedCode: assign({
        pendingCode: ({ event }) => {
          const r = parseFacilityCode(textOf(event));
          return r.ok ? r.value : null;
        },
      }),
      emitLookup: emit(({ context }, params: { for: 'visit' | 'answer' }) => ({ type: 'lookupFacility' as const, code: context.pendingCode ?? '', for: params.for })),
      codeFormatError: assign({ error: { key: 'error.facility_format' } }),
      countFacilityAttempt: assign({ facilityAttempts: ({ context }) => context.facilityAttempts + 1 }),
      emitNotFound: emit(({ context, event }) => ({ type: 'facilityNotFound' as const, code: event.type === 'FACILITY_UNKNOWN' ? event.code : '', attempt: context.facilityAttempts + 1 })),
      unknownCodeError: assign({ error: ({ event }) => ({ key: 'error.facility_unknown', vars: { code: event.type === 'FACILITY_UNKNOWN' ? event.code : '' } }) }),
      endWith: assign({ end: (_, params: { key: string }) => ({ key: params.key }), error: null }),
      endNoQuestionnaire: assign({
        facility: ({ event, context }) => (event.type === 'FACILITY_FOUND' ? event.facility : context.facility),
        end: ({ event }) => ({ key: 'end.no_questionnaire', vars: { facility: event.type === 'FACILITY_FOUND' ? event.facility.name : '' } }),
      }),
      pinFacility: assign({
        facility: ({ event, context }) => (event.type === 'FACILITY_FOUND' ? event.facility : context.facility),
        questionnaire: ({ event, context }) => (event.type === 'FACILITY_FOUND' ? event.questionnaire : context.questionnaire),
        pendingCode: null,
      }),
      forgetFacility: assign({ facility: null, questionnaire: null, facilityAttempts: 0 }),
      emitDeclined: emit({ type: 'declined' }),
      emitStarted: emit(({ context }) => ({
        type: 'responseStarted' as const,
        facility: context.facility ?? { code: '', name: '', type: '', district: '' },
        questionnaire: context.questionnaire ?? { id: '', version: 0 },
        lang: context.lang ?? '',
      })),
      startAnswers: assign({ answers: {}, path: [] }),
      emitResumed: emit(({ context }) => ({ type: 'responseResumed' as const, responseId: context.resumeOffer?.responseId ?? '' })),
      emitResumeDeclined: emit(({ context }) => ({ type: 'resumeDeclined' as const, responseId: context.resumeOffer?.responseId ?? '' })),
      adoptResumePoint: assign(({ context }) => {
        const offer = context.resumeOffer;
        if (!offer) return {};
        return {
          lang: offer.lang,
          facility: offer.facility,
          questionnaire: offer.questionnaire,
          answers: { ...offer.resumeAt.context.answers },
          path: [...offer.resumeAt.context.path],
          resumeOffer: null,
          prefilledFacilityCode: null,
        };
      }),
      dropResumeOffer: assign({ resumeOffer: null }),
      answerError: assign({
        error: ({ event }, params: { questionId: string }) => {
          const q = question(params.questionId);
          const r = questionType(q).parse(q, textOf(event));
          return r.ok ? null : r.error;
        },
      }),
      record: assign(({ context, event }, params: { questionId: string }) => {
        const q = question(params.questionId);
        const value = answerOf(q, event, context.pendingCode);
        if (value === null) return {};
        return { answers: { ...context.answers, [q.id]: value }, path: [...context.path, q.id], pendingCode: null };
      }),
      emitRecorded: emit(({ context }, params: { questionId: string }) => ({ type: 'answerRecorded' as const, questionId: params.questionId, value: context.answers[params.questionId] ?? '' })),
      takeAnswerCode: assign({
        pendingCode: ({ event }) => {
          const r = parseFacilityCode(textOf(event));
          return r.ok ? r.value : null;
        },
      }),
      recordingError: assign({ error: { key: 'error.text_empty' } }),
      skip: assign({ path: ({ context }, params: { questionId: string }) => [...context.path, params.questionId] }),
      emitSkipped: emit((_, params: { questionId: string }) => ({ type: 'questionSkipped' as const, questionId: params.questionId })),
      goBack: assign(({ context }) => {
        const returnTo = context.path[context.path.length - 1];
        if (returnTo === undefined) return {};
        const answers = { ...context.answers };
        delete answers[returnTo];
        return { answers, path: context.path.slice(0, -1) };
      }),
      emitWithdrawn: emit(({ context }) => ({ type: 'answerWithdrawn' as const, questionId: context.path[context.path.length - 1] ?? '' })),
      silenceError: assign({ error: (_, params: { record: boolean }) => ({ key: params.record ? 'voice.recording_failed' : 'voice.silence' }) }),
      notARecordingError: assign({ error: { key: 'voice.recording_failed' } }),
      emitGaveUp: emit((_, params: { screen: string }) => ({ type: 'gaveUp' as const, screen: params.screen })),
      emitCompleted: emit({ type: 'responseCompleted' }),
      emitConcern: emit((_, params: { consent: boolean }) => ({ type: 'concernReported' as const, consent: params.consent })),
      // ---- check a report
      startCheck: assign({ checkAttempts: 0, pendingReference: null, checked: null }),
      takeReference: assign({ pendingReference: ({ event }) => parseReference(textOf(event)) }),
      emitCaseLookup: emit(({ context }) => ({ type: 'lookupCase' as const, reference: context.pendingReference ?? '' })),
      countCheckAttempt: assign({ checkAttempts: ({ context }) => (context.checkAttempts ?? 0) + 1 }),
      emitCaseNotFound: emit(({ context }) => ({ type: 'caseNotFound' as const, attempt: (context.checkAttempts ?? 0) + 1 })),
      referenceFormatError: assign({ error: { key: 'error.reference_format' } }),
      // after countCheckAttempt: the tries left are those after this one
      unknownReferenceError: assign({
        error: ({ context, event }) => ({
          key: 'error.reference_unknown',
          vars: { reference: event.type === 'CASE_UNKNOWN' ? event.reference : '', left: Math.max(0, MAX_CHECK_ATTEMPTS - (context.checkAttempts ?? 0)) },
        }),
      }),
      takeCase: assign({ checked: ({ event, context }) => (event.type === 'CASE_FOUND' ? event.found : (context.checked ?? null)), pendingReference: null }),
      endWithStatus: assign({
        end: ({ context }) => ({ key: 'end.case_status', vars: { reference: context.checked?.reference ?? '', facility: context.checked?.facility ?? '', status: context.checked?.status ?? 'open' } }),
        error: null,
      }),
      emitCaseAnswered: emit(({ context }, params: { answer: 'resolve' | 'reopen' }) => ({ type: 'caseAnswered' as const, reference: context.checked?.reference ?? '', answer: params.answer })),
      endCaseAnswered: assign({
        end: ({ context }, params: { answer: 'resolve' | 'reopen' }) => ({
          key: params.answer === 'resolve' ? 'end.case_solved' : 'end.case_reopened',
          vars: { reference: context.checked?.reference ?? '' },
        }),
        error: null,
      }),
    },
  });

  // ------------------------------------------------------------ voice give-up and silence, per screen
  /** Silence and refused recordings on a screen that does not record count as failed tries. */
  const listening = (record = false) => ({
    SILENCE: { actions: [{ type: 'silenceError' as const, params: { record } }, 'countRetry' as const] },
    NOT_A_RECORDING: { actions: ['notARecordingError' as const, 'countRetry' as const] },
    REPEAT: { actions: 'clearError' as const },
  });
  const giveUpToEnd = (screen: string) => ({
    guard: 'outOfRetries' as const,
    target: '#conv.ended',
    actions: [
      { type: 'emitGaveUp' as const, params: { screen } },
      { type: 'endWith' as const, params: { key: 'end.no_answer' } },
    ],
  });

  // ------------------------------------------------------------ questions
  const nextOf = (index: number) => (index + 1 < questions.length ? questionState(questions[index + 1]!.id) : COMPLETE);
  type StateConfig = Parameters<typeof builder.createStateConfig>[0];
  const questionStates: Record<string, StateConfig> = {};
  questions.forEach((q, index) => {
    const type = questionType(q);
    const next = nextOf(index);
    const p = { questionId: q.id };
    const backTransitions = questions
      .slice(0, index)
      .map((earlier) => ({ guard: { type: 'lastOnPathIs' as const, params: { questionId: earlier.id } }, target: questionState(earlier.id), actions: ['emitWithdrawn' as const, 'goBack' as const] }))
      .reverse();
    const recordAndGo = {
      target: next,
      actions: [
        { type: 'record' as const, params: p },
        { type: 'emitRecorded' as const, params: p },
      ],
    };
    const wrong = { actions: [{ type: 'answerError' as const, params: p }, 'countRetry' as const] };
    const always = [
      // a question whose condition does not hold is passed over on the way forward
      ...(q.showIf ? [{ guard: { type: 'hidden' as const, params: { showIf: q.showIf } }, target: next }] : []),
      ...(q.optional
        ? [
            {
              guard: 'outOfRetries' as const,
              target: next,
              actions: [
                { type: 'skip' as const, params: p },
                { type: 'emitSkipped' as const, params: p },
              ],
            },
          ]
        : [giveUpToEnd(`q:${q.id}`)]),
    ];
    const common = {
      ...listening(type.listening.voice === 'record'),
      ...(q.optional
        ? {
            SKIP: {
              target: next,
              actions: [
                { type: 'skip' as const, params: p },
                { type: 'emitSkipped' as const, params: p },
              ],
            },
          }
        : {}),
      BACK: backTransitions,
      ...(type.takesRecording ? { RECORDING: [{ guard: 'validRecording' as const, ...recordAndGo }, { actions: ['recordingError' as const, 'countRetry' as const] }] } : {}),
    };
    if (type.lookup === 'facility') {
      // the code must be found in the registry before it counts: the app is asked, and answers with an event
      questionStates[questionState(q.id)] = builder.createStateConfig({
        entry: 'enterScreen',
        always,
        initial: 'awaiting',
        on: common,
        states: {
          awaiting: {
            on: {
              ANSWER: [
                {
                  guard: { type: 'validAnswer' as const, params: p },
                  target: 'checking',
                  actions: ['clearError' as const, 'takeAnswerCode' as const, { type: 'emitLookup' as const, params: { for: 'answer' as const } }],
                },
                wrong,
              ],
            },
          },
          checking: {
            on: {
              FACILITY_FOUND: { ...recordAndGo, target: `#conv.questions.${next}` },
              FACILITY_UNKNOWN: { target: 'awaiting', actions: ['unknownCodeError' as const, 'countRetry' as const] },
            },
          },
        },
      });
    } else {
      questionStates[questionState(q.id)] = builder.createStateConfig({
        entry: 'enterScreen',
        always,
        on: { ...common, ANSWER: [{ guard: { type: 'validAnswer' as const, params: p }, ...recordAndGo }, wrong] },
      });
    }
  });

  const resumeTargets = questions.map((q) => ({
    guard: { type: 'resumesAt' as const, params: { state: questionState(q.id) } },
    target: `questions.${questionState(q.id)}`,
    actions: ['emitResumed' as const, 'adoptResumePoint' as const],
  }));

  return builder.createMachine({
    id: 'conv',
    // xstate's pure transition() builds a throwaway actor, whose first snapshot is made
    // without input: that one must be cheap and must not throw
    context: ({ input }) => (input ? initialContext(input) : initialContext({ languages: [], maxFacilityAttempts: DEFAULT_MAX_FACILITY_ATTEMPTS, maxRetries: null })),
    initial: 'starting',
    on: {
      FAILED: { target: '.ended', actions: { type: 'endWith', params: { key: 'end.error' } } },
      // an event the screen does not take changes nothing but the error line: it showed once
      '*': { actions: 'clearError' },
    },
    states: {
      starting: {
        always: [{ guard: 'resuming', target: 'resume' }, { guard: 'languageKnown', target: 'facility' }, { target: 'language' }],
      },
      resume: {
        entry: 'enterScreen',
        always: [giveUpToEnd('resume')],
        on: {
          ...listening(),
          ANSWER: [
            { guard: { type: 'picked', params: { n: 0, of: 2 } }, target: 'resuming' },
            { guard: { type: 'picked', params: { n: 1, of: 2 } }, target: 'facility', actions: ['emitResumeDeclined', 'dropResumeOffer', 'startAtFacility'] },
            { actions: [{ type: 'choiceError', params: { max: 2 } }, 'countRetry'] },
          ],
        },
      },
      resuming: {
        // continue at the question the report stopped at
        always: [...resumeTargets, { target: 'questions', actions: ['emitResumed', 'adoptResumePoint'] }],
      },
      language: {
        entry: 'enterScreen',
        always: [giveUpToEnd('language')],
        on: {
          ...listening(),
          ANSWER: [{ guard: 'validLanguage', target: 'facility', actions: ['chooseLanguage', 'emitLanguageChosen', 'startAtFacility'] }, { actions: ['languageError', 'countRetry'] }],
        },
      },
      facility: {
        entry: 'enterScreen',
        always: [giveUpToEnd('facility')],
        initial: 'awaiting',
        on: {
          ...listening(),
          BACK: { guard: 'severalLanguages', target: 'language' },
        },
        states: {
          awaiting: {
            // the extended dial string named the facility: try it as if it had been typed
            always: { guard: 'prefilled', target: 'checking', actions: ['takePrefilledCode', { type: 'emitLookup', params: { for: 'visit' } }] },
            on: {
              ANSWER: [
                { guard: 'asksToCheck', target: '#conv.check' },
                { guard: 'codeLooksRight', target: 'checking', actions: ['clearError', 'takeTypedCode', { type: 'emitLookup', params: { for: 'visit' } }] },
                { guard: 'lastFacilityAttempt', target: '#conv.ended', actions: ['countFacilityAttempt', { type: 'endWith', params: { key: 'end.facility_not_found' } }] },
                { actions: ['countFacilityAttempt', 'codeFormatError', 'countRetry'] },
              ],
            },
          },
          checking: {
            on: {
              FACILITY_FOUND: [
                { guard: 'foundWithoutQuestionnaire', target: '#conv.ended', actions: 'endNoQuestionnaire' },
                { target: '#conv.consent', actions: 'pinFacility' },
              ],
              FACILITY_UNKNOWN: [
                { guard: 'lastFacilityAttempt', target: '#conv.ended', actions: ['emitNotFound', 'countFacilityAttempt', { type: 'endWith', params: { key: 'end.facility_not_found' } }] },
                { target: 'awaiting', actions: ['emitNotFound', 'countFacilityAttempt', 'unknownCodeError', 'countRetry'] },
              ],
            },
          },
        },
      },
      consent: {
        entry: 'enterScreen',
        always: [giveUpToEnd('consent')],
        on: {
          ...listening(),
          BACK: { target: 'facility', actions: 'forgetFacility' },
          ANSWER: [
            { guard: { type: 'picked', params: { n: 0, of: 2 } }, target: 'questions', actions: ['startAnswers', 'emitStarted'] },
            { guard: { type: 'picked', params: { n: 1, of: 2 } }, target: 'ended', actions: ['emitDeclined', { type: 'endWith', params: { key: 'end.declined' } }] },
            { actions: [{ type: 'choiceError', params: { max: 2 } }, 'countRetry'] },
          ],
        },
      },
      questions: {
        initial: questions.length ? questionState(questions[0]!.id) : COMPLETE,
        states: { ...questionStates, [COMPLETE]: { type: 'final' } },
        onDone: [
          // a report that names a concern becomes a case: the reference screen asks, once, whether we may SMS
          { guard: 'concern', target: 'followUp', actions: 'emitCompleted' },
          { target: 'thanks', actions: ['emitCompleted', { type: 'endWith', params: { key: 'end.thanks' } }] },
        ],
      },
      followUp: {
        entry: 'enterScreen',
        always: [
          {
            // no answer is no consent; the report is a case all the same
            guard: 'outOfRetries',
            target: 'thanks',
            actions: [
              { type: 'emitGaveUp', params: { screen: 'follow_up' } },
              { type: 'emitConcern', params: { consent: false } },
              { type: 'endWith', params: { key: 'end.follow_up_no' } },
            ],
          },
        ],
        on: {
          ...listening(),
          ANSWER: [
            {
              guard: { type: 'picked', params: { n: 0, of: 2 } },
              target: 'thanks',
              actions: [
                { type: 'emitConcern', params: { consent: true } },
                { type: 'endWith', params: { key: 'end.follow_up_yes' } },
              ],
            },
            {
              guard: { type: 'picked', params: { n: 1, of: 2 } },
              target: 'thanks',
              actions: [
                { type: 'emitConcern', params: { consent: false } },
                { type: 'endWith', params: { key: 'end.follow_up_no' } },
              ],
            },
            { actions: [{ type: 'choiceError', params: { max: 2 } }, 'countRetry'] },
          ],
        },
      },
      check: {
        entry: ['enterScreen', 'startCheck'],
        always: [giveUpToEnd('check')],
        initial: 'awaiting',
        on: {
          ...listening(),
          BACK: { target: 'facility' },
        },
        states: {
          awaiting: {
            on: {
              ANSWER: [
                { guard: 'referenceLooksRight', target: 'looking', actions: ['clearError', 'takeReference', 'emitCaseLookup'] },
                { guard: 'lastCheckAttempt', target: '#conv.ended', actions: ['countCheckAttempt', { type: 'endWith', params: { key: 'end.case_not_found' } }] },
                { actions: ['countCheckAttempt', 'referenceFormatError', 'countRetry'] },
              ],
            },
          },
          looking: {
            on: {
              CASE_FOUND: [
                { guard: 'awaitsCitizen', target: '#conv.caseStatus', actions: 'takeCase' },
                { target: '#conv.ended', actions: ['takeCase', 'endWithStatus'] },
              ],
              CASE_UNKNOWN: [
                { guard: 'lastCheckAttempt', target: '#conv.ended', actions: ['emitCaseNotFound', 'countCheckAttempt', { type: 'endWith', params: { key: 'end.case_not_found' } }] },
                { target: 'awaiting', actions: ['emitCaseNotFound', 'countCheckAttempt', 'unknownReferenceError', 'countRetry'] },
              ],
            },
          },
        },
      },
      caseStatus: {
        // action was taken: the citizen says whether it solved the problem
        entry: 'enterScreen',
        always: [{ guard: 'outOfRetries', target: 'ended', actions: [{ type: 'emitGaveUp', params: { screen: 'case_status' } }, 'endWithStatus'] }],
        on: {
          ...listening(),
          BACK: { target: 'check' },
          ANSWER: [
            {
              guard: { type: 'picked', params: { n: 0, of: 2 } },
              target: 'ended',
              actions: [
                { type: 'emitCaseAnswered', params: { answer: 'resolve' } },
                { type: 'endCaseAnswered', params: { answer: 'resolve' } },
              ],
            },
            {
              guard: { type: 'picked', params: { n: 1, of: 2 } },
              target: 'ended',
              actions: [
                { type: 'emitCaseAnswered', params: { answer: 'reopen' } },
                { type: 'endCaseAnswered', params: { answer: 'reopen' } },
              ],
            },
            { actions: [{ type: 'choiceError', params: { max: 2 } }, 'countRetry'] },
          ],
        },
      },
      thanks: { type: 'final' },
      ended: { type: 'final' },
    },
  });
}

export type ConversationMachine = ReturnType<typeof compileConversation>;

/** A questionnaire version with its conversation compiled. */
export function prepareQuestionnaire(v: { id: string; version: number; definition: QuestionnaireDefinition; texts: Record<string, QuestionnaireTexts> }): LoadedQuestionnaire {
  const concern = concernRule(v.definition);
  return { id: v.id, version: v.version, definition: v.definition, texts: v.texts, machine: compileConversation(v, { concern }), concern };
}

/** The machine a session runs on until a facility pins its questionnaire. */
export const FRONT_DOOR: ConversationMachine = compileConversation(null);

/**
 * The questionnaire version a step runs on: the one the session is pinned to, or for the
 * event that pins it, the one it names. None means the front door.
 */
export function versionForStep(context: Pick<ConversationContext, 'questionnaire' | 'resumeOffer'>, event: ConversationEvent | null): VersionRef | null {
  if (context.questionnaire) return context.questionnaire;
  if (context.resumeOffer) return context.resumeOffer.questionnaire;
  if (event?.type === 'FACILITY_FOUND') return event.questionnaire;
  return null;
}

function initialContext(input: ConversationInput): ConversationContext {
  return {
    languages: input.languages,
    maxFacilityAttempts: input.maxFacilityAttempts,
    maxRetries: input.maxRetries,
    lang: input.resumeOffer?.lang ?? rememberedOrOnly(input),
    facilityAttempts: 0,
    prefilledFacilityCode: input.prefilledFacilityCode ?? null,
    pendingCode: null,
    facility: null,
    questionnaire: null,
    resumeOffer: input.resumeOffer ?? null,
    answers: {},
    path: [],
    error: null,
    end: null,
    retries: 0,
    offerCheck: input.offerCheck ?? false,
    checkAttempts: 0,
    pendingReference: null,
    checked: null,
  };
}

function rememberedOrOnly(input: ConversationInput): string | null {
  const remembered = input.rememberedLanguage && input.languages.includes(input.rememberedLanguage) ? input.rememberedLanguage : null;
  return remembered ?? (input.languages.length === 1 ? input.languages[0]! : null);
}

/** The value an event gives a question: a parsed answer, a recording, or the code just found. */
function answerOf(q: Question, event: ConversationEvent, pendingCode: string | null): AnswerValue | null {
  if (event.type === 'ANSWER') {
    const r = questionType(q).parse(q, event.text);
    return r.ok ? r.value : null;
  }
  if (event.type === 'RECORDING') return event.url;
  if (event.type === 'FACILITY_FOUND') return pendingCode;
  return null;
}
