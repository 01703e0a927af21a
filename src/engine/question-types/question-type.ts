import { z } from 'zod';
import type { Parsed } from '../answers.js';
import type { Text } from '../texts.js';
import { IDENTIFIER } from '../codes.js';

/**
 * What a question type is, in one place. Each type is one file in this folder and one
 * entry in ./registry.ts: its definition schema, how an answer is read, what its screen
 * offers, how USSD and voice listen for it, how an export labels its answers, how the
 * exchange formats (FLOIP Flow Results, FLOIP flows, XLSForm) describe it, what the editor
 * starts a new one with, and which texts it needs. The conversation machine, the path
 * walker, the channels, the exports, the format converters and the editor ask the type;
 * none of them names a type.
 */

export type AnswerValue = string | number;

const idMessage = 'use lower-case letters, digits and _ (max 32), starting with a letter';
export const QuestionId = z.string().regex(IDENTIFIER, idMessage);
export const OptionCode = z.string().regex(IDENTIFIER, idMessage);

/** What a question means to the scorecards; lets metrics find "satisfaction" without guessing ids. */
export const QuestionRole = z.enum(['waiting', 'staff_conduct', 'availability', 'satisfaction', 'main_problem', 'recommend', 'gender', 'age_band', 'access', 'other']);
export type QuestionRole = z.infer<typeof QuestionRole>;

export const ShowIf = z.object({
  question: QuestionId,
  /** the earlier answer must be one of these codes (choice/yes-no) or values */
  anyOf: z.array(z.union([OptionCode, z.number().int()])).min(1),
});
export type ShowIf = z.infer<typeof ShowIf>;

/** Fields every question has, whatever its type. */
export const baseQuestionFields = {
  id: QuestionId,
  role: QuestionRole.optional(),
  optional: z.boolean().default(false),
  showIf: ShowIf.optional(),
};
export type BaseQuestion = { id: string; type: string; role?: QuestionRole; optional: boolean; showIf?: ShowIf };

/** How a channel listens: a USSD menu or typed input; on voice one key, digits then #, or a recording. */
export type Listening = { ussd: 'menu' | 'input'; voice: 'key' | 'digits' | 'record' };

export type PromptOption = { value: string; label: Text };

/** The texts a type may show: the questionnaire's (by path under the question) and the system's. */
export type PromptTexts = {
  /** `questions.<id>.<path>` in the questionnaire's texts */
  question(path: string): Text;
  system(key: string): Text;
};

/** Plain strings for export labels: the questionnaire text or system text, if there is one. */
export type LabelTexts = {
  question(path: string): string | undefined;
  system(key: string): string;
};

/** How a FLOIP Flow Results package describes a question's answers: one of the spec's question types and its options. */
export type FlowResultsAnswers = { type: 'select_one' | 'numeric' | 'text'; type_options: { choices?: string[]; range?: [number, number] } };

/** A text a format shows for a question: one of the question's own (a path below `questions.<id>.`) or a system text. */
export type FormText = { question: string } | { system: string };

/**
 * A question as a FLOIP Flow Spec block: its MobilePrimitives block type, its menu choices
 * (each with the text it shows), config besides the prompt, and what the spec has no field
 * for, carried in the vendor metadata so that an export reads back as the same question.
 */
export type FloipBlock = { type: string; choices?: Array<{ name: string; prompt: FormText }>; config?: Record<string, unknown>; metadata?: Record<string, unknown> };

/** An option of an XLSForm choices list: its code, its text (a path below `questions.<id>.`, or null to show the code itself) and the engine's flags. */
export type XlsFormChoice = { code: string; text: string | null; positive?: boolean; none?: boolean };

/**
 * A question as an XLSForm survey row: its type, the columns it fills, and the choices list a
 * select_one reads. A `shared` list is one for every question of the type, written once.
 */
export type XlsFormRow = {
  type: string;
  constraint?: string;
  appearance?: string;
  parameters?: string;
  list?: { name: string; shared: boolean; choices: XlsFormChoice[] };
};

/** A question type's definition schema: an object with the base fields and a literal `type`. */
export type QuestionSchema = z.ZodObject<typeof baseQuestionFields & { type: z.ZodLiteral<string> }>;

export interface QuestionType<S extends QuestionSchema = QuestionSchema, Q extends z.infer<S> = z.infer<S>> {
  readonly type: Q['type'];
  /** shown in the editor's list of types */
  readonly label: string;
  /** the definition schema, base fields included */
  readonly schema: S;
  /** checks the schema cannot express; each message names the question */
  check(q: Q): string[];
  /** the closed set of stored values, or undefined for open answers */
  answerCodes(q: Q): readonly AnswerValue[] | undefined;
  /** what a typed (USSD) or keyed (voice) input means */
  parse(q: Q, input: string): Parsed<AnswerValue>;
  /** a spoken answer (a recording URL) is a valid answer to it */
  readonly takesRecording: boolean;
  /** an answer counts only once the app has looked it up (a facility code) */
  readonly lookup: 'facility' | null;
  /** the menu options, or none for typed input */
  options(q: Q, t: PromptTexts): PromptOption[];
  readonly listening: Listening;
  /** the label of a stored value in exports and staff views */
  exportLabel(q: Q, value: AnswerValue, t: LabelTexts): string;
  /** how a FLOIP Flow Results package describes its answers */
  flowResults(q: Q): FlowResultsAnswers;
  /** its block in a FLOIP Flow Spec container */
  floipBlock(q: Q): FloipBlock;
  /** its row in an XLSForm survey sheet */
  xlsFormRow(q: Q): XlsFormRow;
  /** what a new question of this type starts with in the editor (besides id and type) */
  editorDefaults(): Record<string, unknown>;
  /** the questionnaire text keys it needs, below `questions.<id>.` (`text` included) */
  textKeys(q: Q): string[];
  /** the system text keys its screens and errors use */
  readonly systemKeys: readonly string[];
  /** inputs the path walker tries: each that can change the route (or one), and a wrong one */
  walkInputs(q: Q, watched: boolean): { route: string[]; wrong: string };
}

/** A fixed set of menu values read as "1".."n". */
export function menuPick<T extends AnswerValue>(values: readonly T[], pick: Parsed<number>): Parsed<AnswerValue> {
  return pick.ok ? { ok: true, value: values[pick.value]! } : pick;
}

/** Route inputs for a menu: every pick when a later condition watches the answer, else the first. */
export function menuWalk(count: number, watched: boolean): { route: string[]; wrong: string } {
  const picks = Array.from({ length: count }, (_, i) => String(i + 1));
  return { route: watched ? picks : [picks[0]!], wrong: '999' };
}
