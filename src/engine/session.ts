import type { AnswerValue, Question, QuestionnaireDefinition } from './definition.js';
import { RATING_CODES, YES_NO_CODES } from './definition.js';
import { parseFacilityCode, parseFreeText, parseMenuPick, parseNumber, type Parsed } from './answers.js';
import {
  COMPLETE,
  initialMachineState,
  questionIdOfState,
  sendToMachine,
  type PersistedMachine,
  type QuestionnaireMachine,
} from './compile.js';
import { interpolate, lookupPath, type QuestionnaireTexts, type Text } from './texts.js';

/**
 * The report-card conversation as a pure step function:
 *   step(persisted state, input, facts) -> (state, prompt, effects)
 * No I/O, no clock of its own: whatever the step may need from storage (a facility looked up
 * by code, the pinned questionnaire version) arrives in `facts`, gathered by the caller with
 * `factsNeeded`. The state is plain JSON so any process can continue any session.
 */

export type FacilityRef = { code: string; name: string; type: string; district: string };
export type VersionRef = { id: string; version: number };

/** A questionnaire version ready to run: immutable, so compiled once and cached by the caller. */
export type LoadedQuestionnaire = {
  id: string;
  version: number;
  definition: QuestionnaireDefinition;
  texts: Record<string, QuestionnaireTexts>;
  machine: QuestionnaireMachine;
};

export type ResumeOffer = {
  responseId: string;
  lang: string;
  facility: FacilityRef;
  questionnaire: VersionRef;
  machine: PersistedMachine;
};

export type Phase = 'resume' | 'language' | 'facility' | 'consent' | 'questions' | 'ended';
type Message = { key: string; vars?: Record<string, string | number> };

export type SessionState = {
  phase: Phase;
  lang: string | null;
  facilityAttempts: number;
  prefilledFacilityCode: string | null;
  facility: FacilityRef | null;
  questionnaire: VersionRef | null;
  machine: PersistedMachine | null;
  resumeOffer: ResumeOffer | null;
  /** a one-line error shown above the current question */
  error: Message | null;
  end: Message | null;
};

export type EngineInput =
  | { type: 'start'; rememberedLanguage?: string | null; prefilledFacilityCode?: string | null; resumable?: ResumeOffer | null }
  | { type: 'answer'; text: string }
  /** a spoken answer to a free-text question (voice): stored as the recording's https URL */
  | { type: 'recording'; url: string }
  | { type: 'back' }
  | { type: 'skip' };

export interface SystemTextSource {
  /** a system message in `lang`, falling back to the default language */
  system(lang: string, key: string, vars?: Record<string, string | number>): Text;
  languageName(lang: string): Text;
  defaultLanguage: string;
}

export type StepFacts = {
  now: Date;
  /** languages offered on this channel, in menu order */
  languages: string[];
  texts: SystemTextSource;
  /** the pinned questionnaire (or the one a resume offer points at) */
  questionnaire?: LoadedQuestionnaire | null;
  /** the result of looking up the code named by factsNeeded().facilityCode */
  facilityLookup?: { code: string; facility: FacilityRef | null; questionnaire: LoadedQuestionnaire | null } | null;
  /** the reference the respondent can quote later, once a response exists */
  responseRef?: string | null;
  maxFacilityAttempts?: number;
};

export type Effect =
  | { type: 'languageChosen'; lang: string }
  | { type: 'facilityNotFound'; code: string; attempt: number }
  | { type: 'responseStarted'; facility: FacilityRef; questionnaire: VersionRef; lang: string; at: Date }
  | { type: 'responseResumed'; responseId: string; at: Date }
  | { type: 'resumeDeclined'; responseId: string; at: Date }
  | { type: 'answerRecorded'; questionId: string; value: AnswerValue; at: Date }
  | { type: 'answerWithdrawn'; questionId: string; at: Date }
  | { type: 'progress'; machine: PersistedMachine; at: Date }
  | { type: 'responseCompleted'; at: Date }
  | { type: 'declined'; at: Date };

export type PromptOption = { value: string; label: Text };
export type Prompt = {
  /** a stable screen id, e.g. "language", "facility", "q:wait", "end:thanks" */
  id: string;
  kind: 'menu' | 'input' | 'end';
  lang: string;
  error: Text | null;
  /** lines of text before the options, in order */
  body: Text[];
  options: PromptOption[];
  input: { type: 'number' | 'text' | 'facility'; min?: number; max?: number; maxLength?: number } | null;
  question: { id: string; type: Question['type']; optional: boolean } | null;
  /** which navigation keys apply here, and their labels in the prompt's language */
  nav: { back: boolean; skip: boolean; labels: { back: Text; skip: Text; more: Text } };
};

export type StepResult = { state: SessionState; prompt: Prompt; effects: Effect[] };

export const DEFAULT_MAX_FACILITY_ATTEMPTS = 3;
const RECORDING_URL = /^https:\/\/[^\s/?#@]+\/[^\s]{0,2000}$/;

const blankState = (): SessionState => ({
  phase: 'language',
  lang: null,
  facilityAttempts: 0,
  prefilledFacilityCode: null,
  facility: null,
  questionnaire: null,
  machine: null,
  resumeOffer: null,
  error: null,
  end: null,
});

/**
 * Tells the caller what to load before calling step with this input. Call it once without
 * the questionnaire, load that, then again with it: a facility-code question inside a
 * questionnaire can only be recognised once the questionnaire is known.
 */
export function factsNeeded(
  state: SessionState | null,
  input: EngineInput,
  loaded?: LoadedQuestionnaire | null,
): { facilityCode: string | null; questionnaire: VersionRef | null } {
  if (input.type === 'start') {
    return { facilityCode: input.prefilledFacilityCode ?? null, questionnaire: input.resumable?.questionnaire ?? null };
  }
  if (!state) return { facilityCode: null, questionnaire: null };
  const questionnaire = state.questionnaire ?? state.resumeOffer?.questionnaire ?? null;
  if (input.type !== 'answer') return { facilityCode: null, questionnaire };
  const askingForFacility = state.phase === 'facility' || (state.phase === 'questions' && loaded && currentQuestion(state, loaded)?.type === 'facility');
  if (askingForFacility) {
    const parsed = parseFacilityCode(input.text);
    return { facilityCode: parsed.ok ? parsed.value : null, questionnaire };
  }
  // a pick in the language or resume menu may lead straight to a pre-filled facility code
  if ((state.phase === 'language' || state.phase === 'resume') && state.prefilledFacilityCode) {
    return { facilityCode: state.prefilledFacilityCode, questionnaire };
  }
  return { facilityCode: null, questionnaire };
}

export function step(persisted: SessionState | null, input: EngineInput, facts: StepFacts): StepResult {
  const effects: Effect[] = [];
  const state: SessionState = persisted ? { ...persisted, error: null } : blankState();
  const next = transitionSession(state, input, facts, effects);
  return { state: next, prompt: render(next, facts), effects };
}

/** Re-renders the screen for a state without changing it (used for repeats and paging). */
export function render(state: SessionState, facts: StepFacts): Prompt {
  return promptFor(state, facts);
}

function transitionSession(s: SessionState, input: EngineInput, facts: StepFacts, effects: Effect[]): SessionState {
  if (input.type === 'start') return start(s, input, facts, effects);
  switch (s.phase) {
    case 'resume':
      return onResume(s, input, facts, effects);
    case 'language':
      return onLanguage(s, input, facts, effects);
    case 'facility':
      return onFacility(s, input, facts, effects);
    case 'consent':
      return onConsent(s, input, facts, effects);
    case 'questions':
      return onQuestion(s, input, facts, effects);
    case 'ended':
      return s;
  }
}

function start(s: SessionState, input: Extract<EngineInput, { type: 'start' }>, facts: StepFacts, effects: Effect[]): SessionState {
  const prefilled = input.prefilledFacilityCode ?? null;
  const base = { ...s, prefilledFacilityCode: prefilled };
  if (input.resumable && facts.questionnaire) {
    return { ...base, phase: 'resume', lang: input.resumable.lang, resumeOffer: input.resumable };
  }
  const remembered = input.rememberedLanguage && facts.languages.includes(input.rememberedLanguage) ? input.rememberedLanguage : null;
  const only = facts.languages.length === 1 ? facts.languages[0]! : null;
  const lang = remembered ?? only;
  if (!lang) return { ...base, phase: 'language' };
  return afterLanguage({ ...base, lang }, facts, effects);
}

function afterLanguage(s: SessionState, facts: StepFacts, effects: Effect[]): SessionState {
  const atFacility: SessionState = { ...s, phase: 'facility', facilityAttempts: 0 };
  if (s.prefilledFacilityCode) {
    // the extended dial string named the facility: try it as if it had been typed
    return submitFacilityCode({ ...atFacility, prefilledFacilityCode: null }, s.prefilledFacilityCode, facts, effects);
  }
  return atFacility;
}

function onResume(s: SessionState, input: EngineInput, facts: StepFacts, effects: Effect[]): SessionState {
  const offer = s.resumeOffer!;
  if (input.type !== 'answer') return { ...s, error: { key: 'error.choice', vars: { max: 2 } } };
  const pick = parseMenuPick(input.text, 2);
  if (!pick.ok) return { ...s, error: pick.error };
  if (pick.value === 0) {
    effects.push({ type: 'responseResumed', responseId: offer.responseId, at: facts.now });
    return {
      ...s,
      phase: 'questions',
      lang: offer.lang,
      facility: offer.facility,
      questionnaire: offer.questionnaire,
      machine: offer.machine,
      resumeOffer: null,
      prefilledFacilityCode: null,
    };
  }
  effects.push({ type: 'resumeDeclined', responseId: offer.responseId, at: facts.now });
  return afterLanguage({ ...s, resumeOffer: null }, facts, effects);
}

function onLanguage(s: SessionState, input: EngineInput, facts: StepFacts, effects: Effect[]): SessionState {
  if (input.type !== 'answer') return { ...s, error: { key: 'error.choice', vars: { max: facts.languages.length } } };
  const pick = parseMenuPick(input.text, facts.languages.length);
  if (!pick.ok) return { ...s, error: pick.error };
  const lang = facts.languages[pick.value]!;
  effects.push({ type: 'languageChosen', lang });
  return afterLanguage({ ...s, lang }, facts, effects);
}

function onFacility(s: SessionState, input: EngineInput, facts: StepFacts, effects: Effect[]): SessionState {
  if (input.type === 'back') return canGoBackFromFacility(facts) ? { ...s, phase: 'language' } : s;
  if (input.type !== 'answer') return s;
  const parsed = parseFacilityCode(input.text);
  if (!parsed.ok) return failFacility(s, parsed.error, facts);
  return submitFacilityCode(s, parsed.value, facts, effects);
}

function submitFacilityCode(s: SessionState, code: string, facts: StepFacts, effects: Effect[]): SessionState {
  const lookup = facts.facilityLookup && facts.facilityLookup.code === code ? facts.facilityLookup : null;
  if (!lookup || !lookup.facility) {
    effects.push({ type: 'facilityNotFound', code, attempt: s.facilityAttempts + 1 });
    return failFacility(s, { key: 'error.facility_unknown', vars: { code } }, facts);
  }
  if (!lookup.questionnaire) {
    return { ...s, phase: 'ended', facility: lookup.facility, end: { key: 'end.no_questionnaire', vars: { facility: lookup.facility.name } } };
  }
  return {
    ...s,
    phase: 'consent',
    facility: lookup.facility,
    questionnaire: { id: lookup.questionnaire.id, version: lookup.questionnaire.version },
  };
}

function failFacility(s: SessionState, error: Message, facts: StepFacts): SessionState {
  const attempts = s.facilityAttempts + 1;
  if (attempts >= (facts.maxFacilityAttempts ?? DEFAULT_MAX_FACILITY_ATTEMPTS)) {
    return { ...s, facilityAttempts: attempts, phase: 'ended', end: { key: 'end.facility_not_found' } };
  }
  return { ...s, facilityAttempts: attempts, error };
}

function onConsent(s: SessionState, input: EngineInput, facts: StepFacts, effects: Effect[]): SessionState {
  if (input.type === 'back') return { ...s, phase: 'facility', facility: null, questionnaire: null, facilityAttempts: 0 };
  if (input.type !== 'answer') return s;
  const pick = parseMenuPick(input.text, 2);
  if (!pick.ok) return { ...s, error: pick.error };
  if (pick.value === 1) {
    effects.push({ type: 'declined', at: facts.now });
    return { ...s, phase: 'ended', end: { key: 'end.declined' } };
  }
  const q = requireQuestionnaire(s, facts);
  const machine = initialMachineState(q.machine);
  effects.push({ type: 'responseStarted', facility: s.facility!, questionnaire: s.questionnaire!, lang: s.lang!, at: facts.now });
  effects.push({ type: 'progress', machine, at: facts.now });
  return { ...s, phase: 'questions', machine };
}

function onQuestion(s: SessionState, input: EngineInput, facts: StepFacts, effects: Effect[]): SessionState {
  const q = requireQuestionnaire(s, facts);
  const question = currentQuestion(s, q);
  if (!question) return s;
  let machine = s.machine!;
  if (input.type === 'back') {
    if (machine.context.path.length === 0) return s;
    const returnTo = machine.context.path[machine.context.path.length - 1]!;
    machine = sendToMachine(q.machine, machine, { type: 'BACK' });
    if (returnTo in s.machine!.context.answers) effects.push({ type: 'answerWithdrawn', questionId: returnTo, at: facts.now });
  } else if (input.type === 'skip') {
    if (!question.optional) return s;
    machine = sendToMachine(q.machine, machine, { type: 'SKIP', questionId: question.id });
  } else if (input.type === 'answer') {
    const parsed = parseAnswer(question, input.text);
    if (!parsed.ok) return { ...s, error: parsed.error };
    if (question.type === 'facility' && !(facts.facilityLookup?.code === parsed.value && facts.facilityLookup.facility)) {
      return { ...s, error: { key: 'error.facility_unknown', vars: { code: parsed.value } } };
    }
    machine = sendToMachine(q.machine, machine, { type: 'ANSWER', questionId: question.id, value: parsed.value });
    effects.push({ type: 'answerRecorded', questionId: question.id, value: parsed.value, at: facts.now });
  } else if (input.type === 'recording') {
    // maxLength limits what a respondent types; a recording's URL is the provider's, so it is not held to it
    if (question.type !== 'text') return s;
    if (!RECORDING_URL.test(input.url)) return { ...s, error: { key: 'error.text_empty' } };
    machine = sendToMachine(q.machine, machine, { type: 'ANSWER', questionId: question.id, value: input.url });
    effects.push({ type: 'answerRecorded', questionId: question.id, value: input.url, at: facts.now });
  } else {
    return s;
  }
  effects.push({ type: 'progress', machine, at: facts.now });
  if (machine.value === COMPLETE) {
    effects.push({ type: 'responseCompleted', at: facts.now });
    return { ...s, machine, phase: 'ended', end: { key: 'end.thanks' } };
  }
  return { ...s, machine };
}

export function parseAnswer(question: Question, text: string): Parsed<AnswerValue> {
  switch (question.type) {
    case 'choice': {
      const pick = parseMenuPick(text, question.options.length);
      return pick.ok ? { ok: true, value: question.options[pick.value]!.code } : pick;
    }
    case 'rating': {
      const pick = parseMenuPick(text, RATING_CODES.length);
      return pick.ok ? { ok: true, value: RATING_CODES[pick.value]! } : pick;
    }
    case 'yesno': {
      const pick = parseMenuPick(text, YES_NO_CODES.length);
      return pick.ok ? { ok: true, value: YES_NO_CODES[pick.value]! } : pick;
    }
    case 'number':
      return parseNumber(text, question.min, question.max);
    case 'text':
      return parseFreeText(text, question.maxLength);
    case 'facility':
      return parseFacilityCode(text);
  }
}

function requireQuestionnaire(s: SessionState, facts: StepFacts): LoadedQuestionnaire {
  const pinned = s.questionnaire ?? s.resumeOffer?.questionnaire;
  // the pinned version arrives as the session's questionnaire, or with the facility just looked up
  const candidates = [facts.questionnaire, facts.facilityLookup?.questionnaire];
  const q = candidates.find((c) => c && pinned && c.id === pinned.id && c.version === pinned.version);
  if (!q) throw new Error(`questionnaire ${pinned?.id}@${pinned?.version} was not supplied to the step`);
  return q;
}

export function currentQuestion(s: SessionState, q: LoadedQuestionnaire): Question | undefined {
  const id = s.machine ? questionIdOfState(s.machine.value) : undefined;
  return id ? q.definition.questions.find((x) => x.id === id) : undefined;
}

function canGoBackFromFacility(facts: StepFacts): boolean {
  return facts.languages.length > 1;
}

// ---------------------------------------------------------------- prompts

function promptFor(s: SessionState, facts: StepFacts): Prompt {
  const lang = s.lang ?? facts.texts.defaultLanguage;
  const t = (key: string, vars?: Record<string, string | number>) => facts.texts.system(lang, key, vars);
  const base: Prompt = {
    id: s.phase,
    kind: 'menu',
    lang,
    error: s.error ? t(s.error.key, s.error.vars) : null,
    body: [],
    options: [],
    input: null,
    question: null,
    nav: { back: false, skip: false, labels: { back: t('nav.back'), skip: t('nav.skip'), more: t('nav.more') } },
  };
  switch (s.phase) {
    case 'language':
      return {
        ...base,
        // before a language is chosen, the title speaks every offered language
        body: [{ key: 'language.title', text: facts.languages.map((l) => facts.texts.system(l, 'language.title').text).join('/') }],
        options: facts.languages.map((l) => ({ value: l, label: facts.texts.languageName(l) })),
      };
    case 'resume': {
      const offer = s.resumeOffer!;
      return {
        ...base,
        body: [t('resume.prompt', { facility: offer.facility.name })],
        options: [
          { value: 'continue', label: t('resume.continue') },
          { value: 'restart', label: t('resume.restart') },
        ],
      };
    }
    case 'facility':
      return {
        ...base,
        kind: 'input',
        body: [t('facility.prompt')],
        input: { type: 'facility' },
        nav: { ...base.nav, back: canGoBackFromFacility(facts) },
      };
    case 'consent': {
      const q = requireQuestionnaire(s, facts);
      return {
        ...base,
        body: [questionnaireText(q, lang, facts, 'intro', { facility: s.facility!.name })],
        options: [
          { value: 'start', label: t('consent.start') },
          { value: 'decline', label: t('consent.decline') },
        ],
        nav: { ...base.nav, back: true },
      };
    }
    case 'questions': {
      const q = requireQuestionnaire(s, facts);
      const question = currentQuestion(s, q)!;
      return {
        ...base,
        id: `q:${question.id}`,
        ...questionPrompt(question, q, lang, facts),
        question: { id: question.id, type: question.type, optional: question.optional },
        nav: { ...base.nav, back: s.machine!.context.path.length > 0, skip: question.optional },
      };
    }
    case 'ended': {
      const end = s.end ?? { key: 'end.thanks' };
      const vars: Record<string, string | number> = { ...end.vars };
      if (s.facility) vars.facility = s.facility.name;
      if (facts.responseRef) vars.ref = facts.responseRef;
      return { ...base, id: `end:${end.key.replace(/^end\./, '')}`, kind: 'end', error: null, body: [t(end.key, vars)] };
    }
  }
}

function questionPrompt(question: Question, q: LoadedQuestionnaire, lang: string, facts: StepFacts): Pick<Prompt, 'kind' | 'body' | 'options' | 'input'> {
  const t = (key: string, vars?: Record<string, string | number>) => facts.texts.system(lang, key, vars);
  const body = [questionnaireText(q, lang, facts, `questions.${question.id}.text`)];
  switch (question.type) {
    case 'choice':
      return {
        kind: 'menu',
        body,
        options: question.options.map((o) => ({ value: o.code, label: questionnaireText(q, lang, facts, `questions.${question.id}.options.${o.code}`) })),
        input: null,
      };
    case 'rating':
      return { kind: 'menu', body, options: RATING_CODES.map((r) => ({ value: String(r), label: t(`rating.${r}`) })), input: null };
    case 'yesno':
      return { kind: 'menu', body, options: YES_NO_CODES.map((c) => ({ value: c, label: t(`answer.${c}`) })), input: null };
    case 'number':
      return { kind: 'input', body, options: [], input: { type: 'number', min: question.min, max: question.max } };
    case 'text':
      return { kind: 'input', body, options: [], input: { type: 'text', maxLength: question.maxLength } };
    case 'facility':
      return { kind: 'input', body, options: [], input: { type: 'facility' } };
  }
}

function questionnaireText(q: LoadedQuestionnaire, lang: string, facts: StepFacts, path: string, vars?: Record<string, string | number>): Text {
  const key = `${q.id}.${path}`;
  const found = lookupPath(q.texts[lang], path) ?? lookupPath(q.texts[facts.texts.defaultLanguage], path);
  // a missing text is caught by validation before publishing; show the key rather than crash mid-survey
  return { key, text: found === undefined ? key : interpolate(found, vars) };
}
