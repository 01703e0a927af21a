import type { Response } from 'express';
import type { z } from 'zod';

/**
 * Bad input, answered one way. The staff API and the callbacks answer 400 naming each bad
 * field: JSON `{ error: 'bad request: <field>: <message>; …', fields: [{ field, message }] }`
 * (the staff API's documented shape), or that summary as text. Pages and forms show the same
 * problems as lines of text, by the form field the person filled in.
 */

export type FieldProblem = { field: string; message: string };

/** Each issue as the field it names; `whole` stands for an issue about the input as a whole (an unknown key, a missing body). */
export function fieldProblems(error: z.ZodError, whole = '(body)'): FieldProblem[] {
  return error.issues.map((i) => ({ field: i.path.join('.') || whole, message: i.message }));
}

/** The problems in one line: "field: message; field: message". */
export const summary = (fields: FieldProblem[]) => fields.map((f) => `${f.field}: ${f.message}`).join('; ');

/** Answers 400 in the staff API's error shape. */
export function sendBadRequest(res: Response, fields: FieldProblem[]): void {
  res.status(400).json({ error: `bad request: ${summary(fields)}`, fields });
}

/** Validates a request part; on failure answers 400 naming each bad field (JSON, or text for callbacks) and returns null. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, res: Response, format: 'json' | 'text' = 'json'): T | null {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const fields = fieldProblems(parsed.error);
  if (format === 'text')
    res
      .status(400)
      .type('text/plain')
      .send(`Bad request: ${summary(fields)}`);
  else sendBadRequest(res, fields);
  return null;
}

/**
 * The problems for a page or a form, one "field: message" each. A form's fields are flat, so
 * an issue deep inside one (the third of a list of facility codes) is shown against the field
 * the person typed in.
 */
export function formProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => `${String(i.path[0] ?? '')}: ${i.message}`);
}
