import { concernOf, followUpOf } from './cases/concern.js';
import type { AnswerValue, QuestionnaireDefinition } from './definition.js';

/**
 * The questionnaire's concern rule (its followUp block, or the defaults: see ./cases/concern.ts)
 * as the conversation machine asks it when the last question is answered: does this finished
 * report name a concern, so that it becomes a case and the citizen is asked about SMS?
 * Compiled once per questionnaire version.
 */
export type ConcernRule = {
  applies(answers: Readonly<Record<string, AnswerValue>>): boolean;
  /** the questions whose answers it looks at (the path walker tries every answer to them) */
  questions: readonly string[];
};

export const NO_CONCERN: ConcernRule = { applies: () => false, questions: [] };

export function concernRule(definition: QuestionnaireDefinition): ConcernRule {
  const questions = [...new Set(followUpOf(definition).concernWhen.map((rule) => rule.question))];
  if (questions.length === 0) return NO_CONCERN;
  return { applies: (answers) => concernOf(definition, { ...answers }) !== null, questions };
}
