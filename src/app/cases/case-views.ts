import { allowedCaseEvents } from '../../engine/cases/case-machine.js';
import type { AnswerValue, Question } from '../../engine/definition.js';
import { exportLabelFor } from '../../engine/labels.js';
import type { SystemTextSource } from '../../engine/prompt.js';
import { lookupPath } from '../../engine/texts.js';
import type { Case, CaseFilter, CaseStatus, CaseTransition, QuestionnaireVersion, Store } from '../../storage/ports.js';
import { inLanguageOrDefault } from '../../text/messages.js';
import { caseActions } from './act-on-case.js';
import { WRITTEN_NUMBER } from '../../text/phone-numbers.js';

/**
 * What staff see of a case: the case, its history and its report's answers (codes, as stored,
 * and for a page also in words). Never a phone number: a case holds none, the sealed contact is
 * not read here, and digits that look like a number in a citizen's free-text answer are blanked.
 */

/** A stored answer; `question` and `answer` are its wording, when the caller asked for words. */
export type StaffAnswer = { questionId: string; value: string | number; question?: string; answer?: string };

/** The language a page names questions and answers in (the staff console's, English). */
export type CaseWording = { texts: SystemTextSource; lang: string };

export type StaffCase = {
  case: Case;
  history: CaseTransition[];
  answers: StaffAnswer[];
  /** what can be done next, by the case machine */
  allowed: string[];
  /** the action codes a manager can choose for "action_taken" */
  actions: string[];
};

// every written number in a text, for replace()
const WRITTEN_NUMBERS = new RegExp(WRITTEN_NUMBER.source, 'g');
export const REMOVED_NUMBER = '[number removed]';

const withoutNumbers = (text: string) => text.replace(WRITTEN_NUMBERS, REMOVED_NUMBER);

/** Names a question and its answers as the version the report was made on words them; a question it lacks keeps its id and codes. */
function wordsOf(version: QuestionnaireVersion | null, wording: CaseWording) {
  const questions = new Map<string, Question>(version?.definition.questions.map((q) => [q.id, q]) ?? []);
  const texts = version?.texts ?? {};
  return {
    question: (id: string) => inLanguageOrDefault(wording.lang, wording.texts.defaultLanguage, (l) => lookupPath(texts[l], `questions.${id}.text`))?.text ?? id,
    answer(id: string, value: AnswerValue) {
      const q = questions.get(id);
      // a free-text answer is its own label: blanked of numbers like the value
      return withoutNumbers(q ? exportLabelFor(q, value, texts, wording.lang, wording.texts) : String(value));
    },
  };
}

export async function caseForStaff(storage: Store, reference: string, wording?: CaseWording): Promise<StaffCase | null> {
  const c = await storage.cases.get(reference);
  if (!c) return null;
  const response = await storage.responses.get(c.responseId);
  const words = wording && response ? wordsOf(await storage.questionnaires.getVersion(response.questionnaireId, response.questionnaireVersion), wording) : null;
  return {
    case: c,
    history: await storage.cases.history(reference),
    answers: (response?.answers ?? []).map((a) => ({
      questionId: a.questionId,
      value: typeof a.value === 'string' ? withoutNumbers(a.value) : a.value,
      ...(words ? { question: words.question(a.questionId), answer: words.answer(a.questionId, a.value) } : {}),
    })),
    allowed: allowedCaseEvents(c.status),
    actions: await caseActions(storage, c),
  };
}

export const CASE_LIST_LIMIT = 500;

/** Cases newest first, within `facilities` when the viewer is limited to some (null: all). */
export async function listCases(storage: Store, query: { facilities: string[] | null; facility?: string; status?: CaseStatus; limit: number }): Promise<Case[]> {
  const filter: CaseFilter = {};
  if (query.facility) filter.facilityCodes = query.facilities && !query.facilities.includes(query.facility) ? [] : [query.facility];
  else if (query.facilities) filter.facilityCodes = query.facilities;
  if (query.status) filter.statuses = [query.status];
  return storage.cases.list(filter, Math.min(query.limit, CASE_LIST_LIMIT));
}

/** A case's concern in words: "Overall, how was your visit?" and "Very bad". */
export type ConcernInWords = { questionId: string; value: string | number; question: string; answer: string };

/**
 * The concerns of listed cases in words. A case does not keep its report's version, so each
 * answer is worded by the newest published version of its questionnaire that has the
 * question (option codes are stable across versions); one read per questionnaire, not per case.
 */
export async function concernsInWords(storage: Store, cases: Case[], wording: CaseWording): Promise<Map<string, ConcernInWords[]>> {
  const versionsOf = new Map<string, QuestionnaireVersion[]>();
  for (const id of new Set(cases.map((c) => c.questionnaireId))) {
    const published = (await storage.questionnaires.listVersions(id)).filter((v) => v.status !== 'draft');
    versionsOf.set(
      id,
      published.sort((a, b) => b.version - a.version),
    );
  }
  const out = new Map<string, ConcernInWords[]>();
  for (const c of cases) {
    const versions = versionsOf.get(c.questionnaireId) ?? [];
    out.set(
      c.reference,
      Object.entries(c.concern).map(([questionId, value]) => {
        const words = wordsOf(versions.find((v) => v.definition.questions.some((q) => q.id === questionId)) ?? null, wording);
        return { questionId, value, question: words.question(questionId), answer: words.answer(questionId, value) };
      }),
    );
  }
  return out;
}
