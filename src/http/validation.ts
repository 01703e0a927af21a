import type { Response } from 'express';
import type { z } from 'zod';

/** Validates a request part; on failure answers 400 naming each bad field and returns null. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, res: Response, format: 'json' | 'text' = 'json'): T | null {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  if (format === 'text') res.status(400).type('text/plain').send(`Bad request: ${summary}`);
  else res.status(400).json({ error: `bad request: ${summary}`, fields });
  return null;
}
