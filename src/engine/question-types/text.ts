import { z } from 'zod';
import { parseFreeText } from '../answers.js';
import { baseQuestionFields, type QuestionType } from './question-type.js';

/** A short free-text answer: typed on USSD, spoken after the beep on voice (stored as the recording's URL). */
export const TextQuestion = z.object({
  ...baseQuestionFields,
  type: z.literal('text'),
  maxLength: z.number().int().min(1).max(160).default(140),
});
export type TextQuestion = z.infer<typeof TextQuestion>;

/** How long a FLOIP IVR runner records a spoken answer. */
const MAX_RECORDING_SECONDS = 60;

export const text: QuestionType<typeof TextQuestion> = {
  type: 'text',
  label: 'Free text (typed, or spoken on voice)',
  schema: TextQuestion,
  check: () => [],
  answerCodes: () => undefined,
  parse: (q, input) => parseFreeText(input, q.maxLength),
  takesRecording: true,
  lookup: null,
  options: () => [],
  listening: { ussd: 'input', voice: 'record' },
  exportLabel: (_q, value) => String(value),
  flowResults: () => ({ type: 'text', type_options: {} }),
  floipBlock: (q) => ({ type: 'MobilePrimitives.OpenResponse', config: { IVR: { max_duration_seconds: MAX_RECORDING_SECONDS } }, metadata: { max_length: q.maxLength } }),
  xlsFormRow: (q) => ({ type: 'text', constraint: `string-length(.) <= ${q.maxLength}` }),
  editorDefaults: () => ({ maxLength: 140 }),
  textKeys: () => ['text'],
  systemKeys: ['error.text_empty', 'error.text_long'],
  walkInputs: (q) => ({ route: ['x'.repeat(q.maxLength)], wrong: 'x'.repeat(q.maxLength + 1) }),
};
