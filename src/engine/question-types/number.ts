import { z } from 'zod';
import { parseNumber } from '../answers.js';
import { baseQuestionFields, type QuestionType } from './question-type.js';

/** A whole number in [min, max], typed (USSD) or keyed then # (voice). */
export const NumberQuestion = z.object({
  ...baseQuestionFields,
  type: z.literal('number'),
  // "0" is the back key on every screen, so numbers start at 1
  min: z.number().int().min(1, 'number questions start at 1: "0" is the back key'),
  max: z.number().int().max(99_999_999),
});
export type NumberQuestion = z.infer<typeof NumberQuestion>;

export const number: QuestionType<typeof NumberQuestion> = {
  type: 'number',
  label: 'Number',
  schema: NumberQuestion,
  check: (q) => (q.max < q.min ? [`"${q.id}": max is below min`] : []),
  answerCodes: () => undefined,
  parse: (q, input) => parseNumber(input, q.min, q.max),
  takesRecording: false,
  lookup: null,
  options: () => [],
  listening: { ussd: 'input', voice: 'digits' },
  exportLabel: (_q, value) => String(value),
  flowResults: (q) => ({ type: 'numeric', type_options: { range: [q.min, q.max] } }),
  floipBlock: (q) => ({ type: 'MobilePrimitives.NumericResponse', config: { validation_minimum: q.min, validation_maximum: q.max, IVR: { max_digits: String(q.max).length } } }),
  xlsFormRow: (q) => ({ type: 'integer', constraint: `. >= ${q.min} and . <= ${q.max}` }),
  editorDefaults: () => ({ min: 1, max: 100 }),
  textKeys: () => ['text'],
  systemKeys: ['error.number'],
  walkInputs: (q, watched) => ({ route: watched ? [...new Set([q.min, q.max])].map(String) : [String(q.min)], wrong: String(q.max + 1) }),
};
