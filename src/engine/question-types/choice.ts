import { z } from 'zod';
import { parseMenuPick } from '../answers.js';
import { baseQuestionFields, menuPick, menuWalk, OptionCode, type QuestionType } from './question-type.js';
import { YES_NO_LIST } from './yes-no.js';

/** One of a list of options, picked by number; stored as the option's code. */
export const ChoiceOption = z.object({
  code: OptionCode,
  /** counts as a favourable answer in scorecards (e.g. "likely" to recommend) */
  positive: z.boolean().optional(),
  /** the "no problem" answer of a main-problem question, left out of "most common problem" */
  none: z.boolean().optional(),
});
export type ChoiceOption = z.infer<typeof ChoiceOption>;

export const ChoiceQuestion = z.object({
  ...baseQuestionFields,
  type: z.literal('choice'),
  // 97 keeps the numbers clear of the reserved USSD keys (98 more, 0 back, 00 skip)
  options: z.array(ChoiceOption).min(2).max(97),
});
export type ChoiceQuestion = z.infer<typeof ChoiceQuestion>;

export const choice: QuestionType<typeof ChoiceQuestion> = {
  type: 'choice',
  label: 'Choice (one of a list)',
  schema: ChoiceQuestion,
  check(q) {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const o of q.options) {
      if (seen.has(o.code)) problems.push(`option code "${o.code}" is used twice in "${q.id}"`);
      seen.add(o.code);
    }
    return problems;
  },
  answerCodes: (q) => q.options.map((o) => o.code),
  parse: (q, input) =>
    menuPick(
      q.options.map((o) => o.code),
      parseMenuPick(input, q.options.length),
    ),
  takesRecording: false,
  lookup: null,
  options: (q, t) => q.options.map((o) => ({ value: o.code, label: t.question(`options.${o.code}`) })),
  listening: { ussd: 'menu', voice: 'key' },
  exportLabel: (_q, value, t) => t.question(`options.${String(value)}`) ?? String(value),
  flowResults: (q) => ({ type: 'select_one', type_options: { choices: q.options.map((o) => o.code) } }),
  floipBlock: (q) => ({
    type: 'MobilePrimitives.SelectOneResponse',
    choices: q.options.map((o) => ({ name: o.code, prompt: { question: `options.${o.code}` } })),
    // the scorecards' flags on options, which SelectOneResponse has no field for
    metadata: { choices: Object.fromEntries(q.options.filter((o) => o.positive || o.none).map((o) => [o.code, { ...(o.positive ? { positive: true } : {}), ...(o.none ? { none: true } : {}) }])) },
  }),
  xlsFormRow: (q) => ({
    type: 'select_one',
    // a question's own list is named after it, unless that name is the shared yes/no list's
    list: { name: q.id === YES_NO_LIST ? `${q.id}_list` : q.id, shared: false, choices: q.options.map((o) => ({ code: o.code, text: `options.${o.code}`, positive: o.positive, none: o.none })) },
  }),
  editorDefaults: () => ({ options: [{ code: 'yes' }, { code: 'no' }] }),
  textKeys: (q) => ['text', ...q.options.map((o) => `options.${o.code}`)],
  systemKeys: ['error.choice'],
  walkInputs: (q, watched) => menuWalk(q.options.length, watched),
};
