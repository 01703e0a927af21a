import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/**
 * A JSON file read against its schema. A file that is not JSON, or does not validate, stops
 * with a message naming the file and each problem (`path: message`), so whoever edits the
 * locales, flows or recordings of a deployment sees what to fix.
 */
export function readJsonFile<T>(file: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
