import { z } from 'zod';
import { QuestionId, type AnswerValue } from './question-types/question-type.js';
import { questionSchemas, questionType } from './question-types/registry.js';

/**
 * A questionnaire definition: structure only. Display text lives in locale bundles
 * (see ./texts.ts), keyed by question id and option code, so one definition serves
 * every channel and language. Answers are stored as option codes, never display text.
 * What each kind of question allows is its type's business (./question-types/).
 */

export { OptionCode, QuestionId, QuestionRole, ShowIf, type AnswerValue } from './question-types/question-type.js';
export type { QuestionTypeName } from './question-types/registry.js';
export { ChoiceOption } from './question-types/choice.js';
export { RATING_CODES } from './question-types/rating.js';
export { YES_NO_CODES } from './question-types/yes-no.js';

export const MAX_QUESTIONS = 8;
export const FacilityType = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'use lower-case letters, digits and _ (max 32), starting with a letter');

export const Question = z.discriminatedUnion('type', questionSchemas());
export type Question = z.infer<typeof Question>;

export const QuestionnaireDefinition = z
  .object({
    id: QuestionId,
    /** facility types this questionnaire serves; the facility's type selects it */
    facilityTypes: z.array(FacilityType).min(1),
    questions: z.array(Question).min(1).max(MAX_QUESTIONS, `a report card has at most ${MAX_QUESTIONS} questions`),
  })
  .superRefine((def, ctx) => {
    const seen = new Map<string, Question>();
    def.questions.forEach((q, index) => {
      if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: ['questions', index, 'id'], message: `question id "${q.id}" is used twice` });
      for (const message of questionType(q).check(q)) ctx.addIssue({ code: 'custom', path: ['questions', index], message });
      if (q.showIf) {
        const earlier = seen.get(q.showIf.question);
        if (!earlier) {
          ctx.addIssue({ code: 'custom', path: ['questions', index, 'showIf', 'question'], message: `"${q.id}" depends on "${q.showIf.question}", which is not an earlier question` });
        } else {
          const allowed = answerCodes(earlier);
          for (const v of allowed ? q.showIf.anyOf : []) {
            if (!allowed!.includes(v))
              ctx.addIssue({ code: 'custom', path: ['questions', index, 'showIf', 'anyOf'], message: `"${q.id}" depends on answer "${v}", which "${earlier.id}" cannot give` });
          }
        }
      }
      seen.set(q.id, q);
    });
  });
export type QuestionnaireDefinition = z.infer<typeof QuestionnaireDefinition>;

/** The closed set of answers a question can take, or undefined for open answers. */
export function answerCodes(q: Question): ReadonlyArray<AnswerValue> | undefined {
  return questionType(q).answerCodes(q);
}
