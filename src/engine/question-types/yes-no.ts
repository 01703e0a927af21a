import { z } from 'zod';
import { parseMenuPick } from '../answers.js';
import { baseQuestionFields, menuPick, menuWalk, type QuestionType } from './question-type.js';

/** Yes (1) or no (2); stored as "yes" or "no". */
export const YES_NO_CODES = ['yes', 'no'] as const;
/** The XLSForm choices list every yes/no question shares, as XLSForm's own examples name it. */
export const YES_NO_LIST = 'yes_no';

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
  flowResults: () => ({ type: 'select_one', type_options: { choices: [...YES_NO_CODES] } }),
  floipBlock: () => ({ type: 'MobilePrimitives.SelectOneResponse', choices: YES_NO_CODES.map((c) => ({ name: c, prompt: { system: `answer.${c}` } })) }),
  // the list's labels are its codes: the words "yes" and "no" are system texts, not the questionnaire's
  xlsFormRow: () => ({ type: 'select_one', list: { name: YES_NO_LIST, shared: true, choices: YES_NO_CODES.map((code) => ({ code, text: null })) } }),
  editorDefaults: () => ({}),
  textKeys: () => ['text'],
  systemKeys: ['answer.yes', 'answer.no', 'error.choice'],
  walkInputs: (_q, watched) => menuWalk(YES_NO_CODES.length, watched),
};
