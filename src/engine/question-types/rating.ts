import { z } from 'zod';
import { parseMenuPick } from '../answers.js';
import { baseQuestionFields, menuPick, menuWalk, type QuestionType } from './question-type.js';

/** A rating from 1 (very bad) to 5 (very good); stored as the number. */
export const RATING_CODES = [1, 2, 3, 4, 5] as const;
const LOWEST = RATING_CODES[0];
const HIGHEST = RATING_CODES[RATING_CODES.length - 1]!;
/** An XLSForm range's parameters for the rating: the import accepts exactly these. */
export const RATING_RANGE_PARAMETERS = `start=${LOWEST} end=${HIGHEST} step=1`;

export const RatingQuestion = z.object({ ...baseQuestionFields, type: z.literal('rating') });
export type RatingQuestion = z.infer<typeof RatingQuestion>;

export const rating: QuestionType<typeof RatingQuestion> = {
  type: 'rating',
  label: 'Rating (1 very bad to 5 very good)',
  schema: RatingQuestion,
  check: () => [],
  answerCodes: () => RATING_CODES,
  parse: (_q, input) => menuPick(RATING_CODES, parseMenuPick(input, RATING_CODES.length)),
  takesRecording: false,
  lookup: null,
  options: (_q, t) => RATING_CODES.map((r) => ({ value: String(r), label: t.system(`rating.${r}`) })),
  listening: { ussd: 'menu', voice: 'key' },
  exportLabel: (_q, value, t) => t.system(`rating.${String(value)}`),
  flowResults: () => ({ type: 'numeric', type_options: { range: [LOWEST, HIGHEST] } }),
  floipBlock: () => ({ type: 'MobilePrimitives.SelectOneResponse', choices: RATING_CODES.map((r) => ({ name: String(r), prompt: { system: `rating.${r}` } })) }),
  xlsFormRow: () => ({ type: 'range', parameters: RATING_RANGE_PARAMETERS }),
  editorDefaults: () => ({}),
  textKeys: () => ['text'],
  systemKeys: [...RATING_CODES.map((r) => `rating.${r}`), 'error.choice'],
  walkInputs: (_q, watched) => menuWalk(RATING_CODES.length, watched),
};
