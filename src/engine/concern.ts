import type { AnswerValue, QuestionnaireDefinition } from './definition.js';

/**
 * Whether a finished report names a concern, so that it becomes a case followed up until
 * the citizen says it is solved: the main-problem answer is not the "no problem" option, or
 * the satisfaction rating is low. Compiled once per questionnaire version into the
 * conversation machine, which asks it when the last question is answered.
 */
export type ConcernRule = {
  applies(answers: Readonly<Record<string, AnswerValue>>): boolean;
  /** the questions whose answers it looks at (the path walker tries every answer to them) */
  questions: readonly string[];
};

/** A rating at or below this counts as a concern. */
export const LOW_RATING = 2;

export const NO_CONCERN: ConcernRule = { applies: () => false, questions: [] };

export function concernRule(definition: Pick<QuestionnaireDefinition, 'questions'>): ConcernRule {
  const problems: Array<{ id: string; fine: ReadonlySet<AnswerValue> }> = [];
  const ratings: string[] = [];
  for (const q of definition.questions) {
    if (q.role === 'main_problem' && q.type === 'choice') problems.push({ id: q.id, fine: new Set(q.options.filter((o) => o.none).map((o) => o.code)) });
    if (q.role === 'satisfaction' && q.type === 'rating') ratings.push(q.id);
  }
  if (problems.length === 0 && ratings.length === 0) return NO_CONCERN;
  const applies = (answers: Readonly<Record<string, AnswerValue>>): boolean => {
    for (const p of problems) {
      const given = answers[p.id];
      if (given !== undefined && !p.fine.has(given)) return true;
    }
    for (const id of ratings) {
      const given = answers[id];
      if (typeof given === 'number' && given <= LOW_RATING) return true;
    }
    return false;
  };
  return { applies, questions: [...problems.map((p) => p.id), ...ratings] };
}
