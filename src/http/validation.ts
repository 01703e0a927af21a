import type { z } from 'zod';

/** Each bad field of a failed validation, named as the request spelt it. */
export function fieldErrors(error: z.ZodError): Array<{ field: string; message: string }> {
  return error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
}
