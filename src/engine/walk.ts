import { answerCodes, type Question } from './definition.js';
import {
  currentQuestion,
  step,
  type EngineInput,
  type LoadedQuestionnaire,
  type Prompt,
  type SessionState,
  type StepFacts,
} from './session.js';

/**
 * Walks every path of a questionnaire in one language, as a respondent would: each answer
 * that can change the route (answers a condition looks at, skipping an optional question)
 * is tried; answers no condition looks at lead to the same next screen, so one stands for
 * all of them. Along the way it also provokes each screen's error line and goes back once
 * from every question. It returns every distinct screen seen and every way a path ended,
 * so a channel can check that each screen fits.
 */

export type WalkResult = {
  lang: string;
  paths: number;
  /** distinct screens (by id and error), in the order first seen */
  screens: Prompt[];
  /** final screen ids reached, with how many paths reached each */
  endings: Record<string, number>;
  /** paths that did not reach an end within the step budget */
  stuck: string[];
};

const MAX_STEPS_PER_PATH = 200;
export const LONGEST_FACILITY_NAME = 'X'.repeat(40);

export function walkQuestionnaire(q: LoadedQuestionnaire, lang: string, baseFacts: Omit<StepFacts, 'questionnaire' | 'facilityLookup'>): WalkResult {
  const facility = { code: '99999999', name: LONGEST_FACILITY_NAME, type: q.definition.facilityTypes[0]!, district: 'district' };
  const facts: StepFacts = {
    ...baseFacts,
    languages: [lang],
    questionnaire: q,
    responseRef: 'XXXX-XXXX-XX',
    facilityLookup: { code: facility.code, facility, questionnaire: q },
  };
  const result: WalkResult = { lang, paths: 0, screens: [], endings: {}, stuck: [] };
  const seen = new Set<string>();
  const note = (p: Prompt) => {
    const id = `${p.id}|${p.error?.key ?? ''}`;
    if (!seen.has(id)) {
      seen.add(id);
      result.screens.push(p);
    }
  };

  // Reach the first question through the system screens, noting each one.
  const run = (state: SessionState | null, input: EngineInput) => {
    const r = step(state, input, facts);
    note(r.prompt);
    return r.state;
  };
  let s = run(null, { type: 'start', rememberedLanguage: lang });
  run(s, { type: 'answer', text: 'abc' }); // facility code in the wrong format
  run({ ...s, facilityAttempts: 0 }, { type: 'answer', text: '12345678' }); // unknown code
  run({ ...s, facilityAttempts: 99 }, { type: 'answer', text: '12345678' }); // out of tries
  s = run(s, { type: 'answer', text: facility.code });
  run(s, { type: 'answer', text: '9' }); // consent, wrong key
  run(s, { type: 'answer', text: '2' }); // declined
  const first = run(s, { type: 'answer', text: '1' });

  // The resume offer, as a redial would show it.
  const resumeStart = step(null, { type: 'start', resumable: { responseId: 'R', lang, facility, questionnaire: { id: q.id, version: q.version }, machine: first.machine! } }, facts);
  note(resumeStart.prompt);

  const explore = (state: SessionState, trail: string[]) => {
    if (trail.length > MAX_STEPS_PER_PATH) {
      result.stuck.push(trail.join(' > '));
      return;
    }
    if (state.phase === 'ended') {
      result.paths++;
      const id = render(state).id;
      result.endings[id] = (result.endings[id] ?? 0) + 1;
      return;
    }
    const question = currentQuestion(state, q);
    if (!question) {
      result.stuck.push(`${trail.join(' > ')} (no question at ${state.machine?.value})`);
      return;
    }
    // the error line for this question
    const wrong = step(state, { type: 'answer', text: wrongAnswer(question) }, facts);
    note(wrong.prompt);
    if (state.machine!.context.path.length > 0) note(step(state, { type: 'back' }, facts).prompt);
    for (const text of routeAnswers(question, q)) {
      const next = step(state, { type: 'answer', text }, facts);
      note(next.prompt);
      explore(next.state, [...trail, `${question.id}=${text}`]);
    }
    if (question.optional) {
      const skipped = step(state, { type: 'skip' }, facts);
      note(skipped.prompt);
      explore(skipped.state, [...trail, `${question.id}=skip`]);
    }
  };
  const render = (state: SessionState) => step(state, { type: 'back' }, facts).prompt;
  explore(first, []);
  return result;
}

/** Inputs worth trying at a question: every answer a later condition looks at, else one. */
function routeAnswers(question: Question, q: LoadedQuestionnaire): string[] {
  const watched = q.definition.questions.some((later) => later.showIf?.question === question.id);
  const codes = answerCodes(question);
  if (codes) {
    const picks = codes.map((_, i) => String(i + 1));
    return watched ? picks : [picks[0]!];
  }
  switch (question.type) {
    case 'number':
      return watched ? [...new Set([question.min, question.max])].map(String) : [String(question.min)];
    case 'text':
      return ['x'.repeat(question.maxLength)];
    case 'facility':
      return ['99999999'];
    default:
      return [];
  }
}

function wrongAnswer(question: Question): string {
  switch (question.type) {
    case 'number':
      return String(question.max + 1);
    case 'text':
      return 'x'.repeat(question.maxLength + 1);
    default:
      return '999';
  }
}
