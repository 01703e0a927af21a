import { z } from 'zod';
import { OptionCode, QuestionId, type AnswerValue } from './question-types/question-type.js';
import { questionSchemas, questionType } from './question-types/registry.js';
import { IDENTIFIER } from './codes.js';

/**
 * A questionnaire definition: structure only. Display text lives in locale bundles
 * (see ./texts.ts), keyed by question id and option code, so one definition serves
 * every channel and language. Answers are stored as option codes, never display text.
 * What each kind of question allows is its type's business (./question-types/).
 */

export { OptionCode, QuestionId, QuestionRole, ShowIf, type AnswerValue } from './question-types/question-type.js';
export { ChoiceOption } from './question-types/choice.js';
export { RATING_CODES } from './question-types/rating.js';
export { YES_NO_CODES } from './question-types/yes-no.js';

export const MAX_QUESTIONS = 8;
export const FacilityType = z.string().regex(IDENTIFIER, 'use lower-case letters, digits and _ (max 32), starting with a letter');

export const Question = z.discriminatedUnion('type', questionSchemas());
export type Question = z.infer<typeof Question>;

/**
 * When a finished report is a concern (it becomes a follow-up case) and what a manager can say
 * was done about one. A report is a concern when any rule matches an answer it gave:
 * `notIn` (the answer is none of these codes, e.g. main problem not "none") or `atMost` (a
 * number at most this, e.g. a rating of 2 or less). Absent: the defaults of
 * src/engine/cases/concern.ts. Action codes are texts in locales/<lang>/cases.json.
 */
export const ConcernRule = z.union([
  z.object({ question: QuestionId, notIn: z.array(z.union([OptionCode, z.number().int()])).min(1) }).strict(),
  z.object({ question: QuestionId, atMost: z.number().int() }).strict(),
]);
export type ConcernRule = z.infer<typeof ConcernRule>;

export const FollowUp = z
  .object({
    concernWhen: z.array(ConcernRule).min(1).max(8),
    /** what a manager can choose as "what was done", in menu order (a USSD menu: at most 8) */
    actions: z.array(OptionCode).min(1).max(8),
  })
  .strict();
export type FollowUp = z.infer<typeof FollowUp>;

export const QuestionnaireDefinition = z
  .object({
    id: QuestionId,
    /** facility types this questionnaire serves; the facility's type selects it */
    facilityTypes: z.array(FacilityType).min(1),
    questions: z.array(Question).min(1).max(MAX_QUESTIONS, `a report card has at most ${MAX_QUESTIONS} questions`),
    followUp: FollowUp.optional(),
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
    def.followUp?.concernWhen.forEach((rule, index) => {
      const path = ['followUp', 'concernWhen', index];
      const q = seen.get(rule.question);
      if (!q) {
        ctx.addIssue({ code: 'custom', path: [...path, 'question'], message: `the concern rule names "${rule.question}", which is not a question here` });
        return;
      }
      const codes = answerCodes(q);
      if ('notIn' in rule) {
        for (const v of codes ? rule.notIn : []) if (!codes!.includes(v)) ctx.addIssue({ code: 'custom', path: [...path, 'notIn'], message: `"${rule.question}" cannot give the answer "${v}"` });
      } else if (codes && !codes.every((c) => typeof c === 'number')) {
        ctx.addIssue({ code: 'custom', path: [...path, 'atMost'], message: `"${rule.question}" does not answer with a number, so "at most" cannot apply` });
      }
    });
    const actions = def.followUp?.actions ?? [];
    if (new Set(actions).size !== actions.length) ctx.addIssue({ code: 'custom', path: ['followUp', 'actions'], message: 'an action code is listed twice' });
  });
export type QuestionnaireDefinition = z.infer<typeof QuestionnaireDefinition>;

/** The closed set of answers a question can take, or undefined for open answers. */
export function answerCodes(q: Question): ReadonlyArray<AnswerValue> | undefined {
  return questionType(q).answerCodes(q);
}
