import { choice } from './choice.js';
import { facility } from './facility.js';
import { number } from './number.js';
import type { BaseQuestion, QuestionSchema, QuestionType } from './question-type.js';
import { rating } from './rating.js';
import { text } from './text.js';
import { yesNo } from './yes-no.js';

/**
 * Every question type, in the order the editor offers them. A type is registered here and
 * nowhere else: adding one means its file, this line, its locale keys and its case table
 * (test/engine/question-types/<type>.json); the registry test fails when one is missing.
 */
export const QUESTION_TYPES = [choice, rating, yesNo, number, text, facility] as const;

type SchemasOf<T> = { -readonly [K in keyof T]: T[K] extends { schema: infer S } ? S : never };
type RegisteredSchemas = SchemasOf<typeof QUESTION_TYPES>;

/** The registered schemas as a tuple, which z.discriminatedUnion needs (Array.map loses tuple types). */
export function questionSchemas(): RegisteredSchemas {
  return QUESTION_TYPES.map((t) => t.schema) as RegisteredSchemas;
}

const byName = new Map<string, QuestionType<QuestionSchema, BaseQuestion>>();
for (const t of QUESTION_TYPES) byName.set(t.type, t);

/** The type of a validated question; every caller that needs per-type behaviour asks here. */
export function questionType(q: Pick<BaseQuestion, 'type'>): QuestionType<QuestionSchema, BaseQuestion> {
  const t = byName.get(q.type);
  if (!t) throw new Error(`no question type "${q.type}" is registered`);
  return t;
}

export const QUESTION_TYPE_NAMES: readonly string[] = QUESTION_TYPES.map((t) => t.type);
