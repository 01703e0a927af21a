import { formatMessage, inLanguageOrDefault, type MessageValues } from '../text/messages.js';
import { CHECK_KEY, COMPLETE, questionIdOfState, questionState, type LoadedQuestionnaire, type ResumePoint } from './conversation.js';
import type { Question } from './definition.js';
import type { Listening, PromptOption } from './question-types/question-type.js';
import { questionType } from './question-types/registry.js';
import type { ConversationState } from './stepping.js';
import { lookupPath, type Text } from './texts.js';

/**
 * What the respondent is shown or told next, channel-neutral: the USSD renderer turns it
 * into a screen, the voice renderer into speech. Pure: the same state and texts always
 * give the same prompt.
 */

export interface SystemTextSource {
  /** a system message in `lang`, falling back to the default language */
  system(lang: string, key: string, vars?: MessageValues): Text;
  languageName(lang: string): Text;
  defaultLanguage: string;
}

export type Prompt = {
  /** the screen: language, resume, facility, consent, q:<question id>, follow_up, check, case_status, end:<how it ended> */
  id: string;
  kind: 'menu' | 'input' | 'end';
  lang: string;
  error: Text | null;
  body: Text[];
  options: PromptOption[];
  /** how the channels listen for the answer; null when nothing more is asked */
  listen: Listening | null;
  question: { id: string; type: string; optional: boolean } | null;
  nav: { back: boolean; skip: boolean; labels: { back: Text; skip: Text; more: Text } };
};

export type PromptSources = {
  /** the questionnaire the session is pinned to (none before a facility is found) */
  questionnaire: LoadedQuestionnaire | null;
  texts: SystemTextSource;
  /** the reference a respondent can quote, once the response exists */
  reference?: string | null;
};

/** Which screen a stored state is on. */
export type Screen = { kind: 'language' | 'resume' | 'facility' | 'consent' | 'follow_up' | 'check' | 'case_status' | 'thanks' | 'ended' } | { kind: 'question'; questionId: string };

export function screenOf(state: Pick<ConversationState, 'value'>): Screen {
  const value = state.value;
  if (typeof value === 'string') {
    if (value === 'thanks' || value === 'ended' || value === 'language' || value === 'resume' || value === 'consent') return { kind: value };
    if (value === 'followUp') return { kind: 'follow_up' };
    if (value === 'caseStatus') return { kind: 'case_status' };
    return { kind: 'ended' };
  }
  if ('facility' in value) return { kind: 'facility' };
  if ('check' in value) return { kind: 'check' };
  if ('questions' in value) {
    const inner = value.questions;
    const stateName = typeof inner === 'string' ? inner : (Object.keys(inner ?? {})[0] ?? COMPLETE);
    const questionId = questionIdOfState(stateName);
    if (questionId) return { kind: 'question', questionId };
  }
  return { kind: 'ended' };
}

/** The id of the screen a state is on (see `Prompt.id`): the same in every language. */
export function screenIdOf(state: Pick<ConversationState, 'value' | 'context'>): string {
  const screen = screenOf(state);
  switch (screen.kind) {
    case 'question':
      return `q:${screen.questionId}`;
    case 'thanks':
    case 'ended':
      return `end:${(state.context.end?.key ?? 'end.thanks').replace(/^end\./, '')}`;
    default:
      return screen.kind;
  }
}

/** Where a report stands, for a redial to continue from: the question on screen and the answers before it. */
export function resumePointOf(state: Pick<ConversationState, 'value' | 'context'>): ResumePoint | null {
  const screen = screenOf(state);
  if (screen.kind !== 'question') return null;
  return { value: questionState(screen.questionId), context: { answers: { ...state.context.answers }, path: [...state.context.path] } };
}

const MENU: Listening = { ussd: 'menu', voice: 'key' };
const CODE: Listening = { ussd: 'input', voice: 'digits' };

/**
 * Prompts are kept per questionnaire version and text source: most respondents stand on
 * the same few screens, and a hop needs the one it is answering and the next. The key is
 * everything a prompt is made from; closing screens quote a reference of their own, so
 * they are made each time.
 */
const NO_QUESTIONNAIRE = {};
const promptCache = new WeakMap<SystemTextSource, WeakMap<object, Map<string, Prompt>>>();
const MAX_CACHED_PROMPTS = 20_000;

export function promptFor(state: ConversationState, sources: PromptSources): Prompt {
  const c = state.context;
  const screen = screenOf(state);
  if (screen.kind === 'thanks' || screen.kind === 'ended' || screen.kind === 'follow_up') return makePrompt(state, sources);
  let byQuestionnaire = promptCache.get(sources.texts);
  if (!byQuestionnaire) promptCache.set(sources.texts, (byQuestionnaire = new WeakMap()));
  const owner = sources.questionnaire ?? NO_QUESTIONNAIRE;
  let prompts = byQuestionnaire.get(owner);
  if (!prompts) byQuestionnaire.set(owner, (prompts = new Map()));
  const key = JSON.stringify([state.value, c.lang, c.languages, c.error, c.facility?.name ?? null, c.path.length > 0, c.resumeOffer?.facility.name ?? null, c.offerCheck ?? false, c.checked ?? null]);
  let prompt = prompts.get(key);
  if (!prompt) {
    prompt = makePrompt(state, sources);
    if (prompts.size >= MAX_CACHED_PROMPTS) prompts.clear();
    prompts.set(key, prompt);
  }
  return prompt;
}

function makePrompt(state: ConversationState, sources: PromptSources): Prompt {
  const c = state.context;
  const { texts } = sources;
  const lang = c.lang ?? texts.defaultLanguage;
  const t = (key: string, vars?: MessageValues) => texts.system(lang, key, vars);
  const base: Prompt = {
    id: screenIdOf(state),
    kind: 'menu',
    lang,
    error: c.error ? t(c.error.key, c.error.vars) : null,
    body: [],
    options: [],
    listen: MENU,
    question: null,
    nav: { back: false, skip: false, labels: { back: t('nav.back'), skip: t('nav.skip'), more: t('nav.more') } },
  };
  const screen = screenOf(state);
  switch (screen.kind) {
    case 'language':
      return {
        ...base,
        // before a language is chosen, the title speaks every offered language
        body: [{ key: 'system.language.title', text: c.languages.map((l) => texts.system(l, 'language.title').text).join('/') }],
        options: c.languages.map((l) => ({ value: l, label: texts.languageName(l) })),
      };
    case 'resume': {
      const offer = c.resumeOffer;
      return {
        ...base,
        body: [t('resume.prompt', { facility: offer?.facility.name ?? '' })],
        options: [
          { value: 'continue', label: t('resume.continue') },
          { value: 'restart', label: t('resume.restart') },
        ],
      };
    }
    case 'facility': {
      // "check a report" is one reserved key on the screen every caller passes, so no report gets longer
      const body = c.offerCheck ? [t('facility.prompt'), t('facility.check', { key: CHECK_KEY })] : [t('facility.prompt')];
      return { ...base, kind: 'input', listen: CODE, body, nav: { ...base.nav, back: c.languages.length > 1 } };
    }
    case 'follow_up': {
      const vars: MessageValues = { facility: c.facility?.name ?? '', ref: sources.reference ?? '' };
      return {
        ...base,
        body: [t('follow_up.saved', vars), t('follow_up.prompt')],
        options: [
          { value: 'yes', label: t('answer.yes') },
          { value: 'no', label: t('answer.no') },
        ],
      };
    }
    case 'check':
      return { ...base, kind: 'input', listen: CODE, body: [t('check.prompt')], nav: { ...base.nav, back: true } };
    case 'case_status': {
      const found = c.checked;
      return {
        ...base,
        body: [t('case.acted', { reference: found?.reference ?? '', facility: found?.facility ?? '' })],
        options: [
          { value: 'resolve', label: t('case.solved') },
          { value: 'reopen', label: t('case.not_solved') },
        ],
        nav: { ...base.nav, back: true },
      };
    }
    case 'consent': {
      const q = pinned(sources);
      return {
        ...base,
        body: [questionnaireText(q, lang, texts.defaultLanguage, 'intro', { facility: c.facility?.name ?? '' })],
        options: [
          { value: 'start', label: t('consent.start') },
          { value: 'decline', label: t('consent.decline') },
        ],
        nav: { ...base.nav, back: true },
      };
    }
    case 'question': {
      const q = pinned(sources);
      const question = q.definition.questions.find((x) => x.id === screen.questionId);
      if (!question) throw new Error(`${q.id}@${q.version} has no question "${screen.questionId}"`);
      return {
        ...base,
        ...questionPrompt(question, q, lang, texts),
        question: { id: question.id, type: question.type, optional: question.optional },
        nav: { ...base.nav, back: c.path.length > 0, skip: question.optional },
      };
    }
    case 'thanks':
    case 'ended': {
      const end = c.end ?? { key: 'end.thanks' };
      const vars: MessageValues = { ...end.vars };
      if (c.facility) vars.facility = c.facility.name;
      if (sources.reference) vars.ref = sources.reference;
      return { ...base, kind: 'end', listen: null, error: null, body: [t(end.key, vars)] };
    }
  }
}

function pinned(sources: PromptSources): LoadedQuestionnaire {
  if (!sources.questionnaire) throw new Error('this screen needs the questionnaire the session is pinned to');
  return sources.questionnaire;
}

function questionPrompt(question: Question, q: LoadedQuestionnaire, lang: string, texts: SystemTextSource): Pick<Prompt, 'kind' | 'body' | 'options' | 'listen'> {
  const type = questionType(question);
  const options = type.options(question, {
    question: (path) => questionnaireText(q, lang, texts.defaultLanguage, `questions.${question.id}.${path}`),
    system: (key) => texts.system(lang, key),
  });
  return {
    kind: type.listening.ussd === 'menu' ? 'menu' : 'input',
    body: [questionnaireText(q, lang, texts.defaultLanguage, `questions.${question.id}.text`)],
    options,
    listen: type.listening,
  };
}

/** A questionnaire text in `lang`, else the default language; a missing one shows its key (validation refuses that before publishing). */
export function questionnaireText(q: Pick<LoadedQuestionnaire, 'id' | 'texts'>, lang: string, defaultLanguage: string, path: string, vars?: MessageValues): Text {
  const key = `${q.id}.${path}`;
  const found = inLanguageOrDefault(lang, defaultLanguage, (l) => lookupPath(q.texts[l], path));
  const text = { key, text: found === undefined ? key : formatMessage(lang, found.text, vars) };
  // the spoken form comes from the same language as the text, never from another
  const spoken = found && lookupPath(q.texts[found.lang]?.spoken, path);
  return spoken === undefined ? text : { ...text, spoken: formatMessage(lang, spoken, vars) };
}
