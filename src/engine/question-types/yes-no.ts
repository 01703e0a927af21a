import { z } from 'zod';
import { parseMenuPick } from '../answers.js';
import { baseQuestionFields, menuPick, menuWalk, type QuestionType } from './question-type.js';

/** Yes (1) or no (2); stored as "yes" or "no". */
export const YES_NO_CODES = ['yes', 'no'] as const;

export const YesNoQuestion = z.object({ ...baseQuestionFields, type: z.literal('yesno') });
export type YesNoQuestion = z.infer<typeof YesNoQuestion>;

export const yesNo: QuestionType<typeof YesNoQuestion> = {
  type: 'yesno',
  label: 'Yes or no',
  schema: YesNoQuestion,
  check: () => [],
  answerCodes: () => YES_NO_CODES,
  parse: (_q, input) => menuPick(YES_NO_CODES, parseMenuPick(input, YES_NO_CODES.length)),
  takesRecording: false,
  lookup: null,
  options: (_q, t) => YES_NO_CODES.map((c) => ({ value: c, label: t.system(`answer.${c}`) })),
  listening: { ussd: 'menu', voice: 'key' },
  exportLabel: (_q, value, t) => t.system(`answer.${String(value)}`),
  editorDefaults: () => ({}),
  textKeys: () => ['text'],
  systemKeys: ['answer.yes', 'answer.no', 'error.choice'],
  walkInputs: (_q, watched) => menuWalk(YES_NO_CODES.length, watched),
};
