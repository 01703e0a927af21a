import { z } from 'zod';
import { parseFacilityCode } from '../answers.js';
import { baseQuestionFields, type QuestionType } from './question-type.js';
import { FACILITY_CODE_DIGITS } from '../codes.js';

/** Another facility's code (e.g. where the visitor was referred to): counts only once found in the registry. */
export const FacilityQuestion = z.object({ ...baseQuestionFields, type: z.literal('facility') });
export type FacilityQuestion = z.infer<typeof FacilityQuestion>;

export const facility: QuestionType<typeof FacilityQuestion> = {
  type: 'facility',
  label: 'Facility code (checked against the registry)',
  schema: FacilityQuestion,
  check: () => [],
  answerCodes: () => undefined,
  parse: (_q, input) => parseFacilityCode(input),
  takesRecording: false,
  lookup: 'facility',
  options: () => [],
  listening: { ussd: 'input', voice: 'digits' },
  exportLabel: (_q, value) => String(value),
  // the code is typed in: free text to the formats, told apart by an appearance (XLSForm) or the vendor metadata (FLOIP)
  flowResults: () => ({ type: 'text', type_options: {} }),
  floipBlock: () => ({ type: 'MobilePrimitives.NumericResponse', config: { IVR: { max_digits: FACILITY_CODE_DIGITS.max } } }),
  xlsFormRow: () => ({ type: 'text', appearance: 'facility' }),
  editorDefaults: () => ({}),
  textKeys: () => ['text'],
  systemKeys: ['error.facility_format', 'error.facility_unknown'],
  walkInputs: () => ({ route: ['99999999'], wrong: '999' }),
};
