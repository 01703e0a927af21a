import { z } from 'zod';

/**
 * A questionnaire definition: structure only. Display text lives in locale bundles
 * (see ./texts.ts), keyed by question id and option code, so one definition serves
 * every channel and language. Answers are stored as option codes, never display text.
 */

const idPattern = /^[a-z][a-z0-9_]{0,31}$/;
export const QuestionId = z.string().regex(idPattern, 'use lower-case letters, digits and _ (max 32), starting with a letter');
export const OptionCode = z.string().regex(idPattern, 'use lower-case letters, digits and _ (max 32), starting with a letter');

/** What a question means to the scorecards; lets metrics find "satisfaction" without guessing ids. */
export const QuestionRole = z.enum([
  'waiting',
  'staff_conduct',
  'availability',
  'satisfaction',
  'main_problem',
  'recommend',
  'gender',
  'age_band',
  'access',
  'other',
]);
export type QuestionRole = z.infer<typeof QuestionRole>;

export const ShowIf = z.object({
  question: QuestionId,
  /** the earlier answer must be one of these codes (choice/yes-no) or values */
  anyOf: z.array(z.union([OptionCode, z.number().int()])).min(1),
});
export type ShowIf = z.infer<typeof ShowIf>;

const base = {
  id: QuestionId,
  role: QuestionRole.optional(),
  optional: z.boolean().default(false),
  showIf: ShowIf.optional(),
};

export const ChoiceOption = z.object({
  code: OptionCode,
  /** counts as a favourable answer in scorecards (e.g. "likely" to recommend) */
  positive: z.boolean().optional(),
  /** the "no problem" answer of a main-problem question, left out of "most common problem" */
  none: z.boolean().optional(),
});
export type ChoiceOption = z.infer<typeof ChoiceOption>;

export const ChoiceQuestion = z.object({
  ...base,
  type: z.literal('choice'),
  // 97 keeps the numbers clear of the reserved USSD keys (98 more, 0 back, 00 skip)
  options: z.array(ChoiceOption).min(2).max(97),
});
export const RatingQuestion = z.object({ ...base, type: z.literal('rating') });
export const YesNoQuestion = z.object({ ...base, type: z.literal('yesno') });
export const NumberQuestion = z.object({
  ...base,
  type: z.literal('number'),
  // "0" is the back key on every screen, so numbers start at 1
  min: z.number().int().min(1, 'number questions start at 1: "0" is the back key'),
  max: z.number().int().max(99_999_999),
});
export const TextQuestion = z.object({
  ...base,
  type: z.literal('text'),
  maxLength: z.number().int().min(1).max(160).default(140),
});
export const FacilityQuestion = z.object({ ...base, type: z.literal('facility') });

export const Question = z.discriminatedUnion('type', [
  ChoiceQuestion,
  RatingQuestion,
  YesNoQuestion,
  NumberQuestion,
  TextQuestion,
  FacilityQuestion,
]);
export type Question = z.infer<typeof Question>;
export type QuestionType = Question['type'];

export const RATING_CODES = [1, 2, 3, 4, 5] as const;
export const YES_NO_CODES = ['yes', 'no'] as const;

export const QuestionnaireDefinition = z
  .object({
    id: QuestionId,
    /** facility types this questionnaire serves; the facility's type selects it */
    facilityTypes: z.array(z.string().regex(idPattern)).min(1),
    questions: z.array(Question).min(1).max(8, 'a report card has at most 8 questions'),
  })
  .superRefine((def, ctx) => {
    const seen = new Map<string, Question>();
    def.questions.forEach((q, index) => {
      if (seen.has(q.id)) {
        ctx.addIssue({ code: 'custom', path: ['questions', index, 'id'], message: `question id "${q.id}" is used twice` });
      }
      if (q.type === 'choice') {
        const codes = new Set<string>();
        q.options.forEach((o, oi) => {
          if (codes.has(o.code)) {
            ctx.addIssue({ code: 'custom', path: ['questions', index, 'options', oi, 'code'], message: `option code "${o.code}" is used twice in "${q.id}"` });
          }
          codes.add(o.code);
        });
      }
      if (q.type === 'number' && q.max < q.min) {
        ctx.addIssue({ code: 'custom', path: ['questions', index, 'max'], message: `"${q.id}": max is below min` });
      }
      if (q.showIf) {
        const earlier = seen.get(q.showIf.question);
        if (!earlier) {
          ctx.addIssue({
            code: 'custom',
            path: ['questions', index, 'showIf', 'question'],
            message: `"${q.id}" depends on "${q.showIf.question}", which is not an earlier question`,
          });
        } else {
          const allowed = answerCodes(earlier);
          if (allowed) {
            for (const v of q.showIf.anyOf) {
              if (!allowed.includes(v)) {
                ctx.addIssue({
                  code: 'custom',
                  path: ['questions', index, 'showIf', 'anyOf'],
                  message: `"${q.id}" depends on answer "${v}", which "${earlier.id}" cannot give`,
                });
              }
            }
          }
        }
      }
      seen.set(q.id, q);
    });
  });
export type QuestionnaireDefinition = z.infer<typeof QuestionnaireDefinition>;

/** The closed set of answers a question can take, or undefined for open answers. */
export function answerCodes(q: Question): ReadonlyArray<string | number> | undefined {
  switch (q.type) {
    case 'choice':
      return q.options.map((o) => o.code);
    case 'rating':
      return RATING_CODES;
    case 'yesno':
      return YES_NO_CODES;
    default:
      return undefined;
  }
}

export type AnswerValue = string | number;
