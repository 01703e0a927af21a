import { z } from 'zod';
import type { QuestionnaireDefinition } from './definition.js';
import { questionType } from './question-types/registry.js';

/**
 * Display text. Every string a respondent sees comes from a locale, looked up by a
 * stable key; the key also names the voice recording for that string. Texts are ICU
 * messages (src/text/messages.ts).
 */
/** A text as shown, and, where the written form reads badly aloud, as said on a voice call. */
export type Text = { key: string; text: string; spoken?: string };

/** Texts of one questionnaire in one language. */
export const QuestionnaireTexts = z.object({
  title: z.string().min(1),
  /** the short consent and anonymity line shown before the first question */
  intro: z.string().min(1),
  questions: z.record(
    z.string(),
    z.object({
      text: z.string().min(1),
      options: z.record(z.string(), z.string().min(1)).optional(),
    }),
  ),
  /**
   * How a text is said on a voice call where the written form reads badly aloud
   * ("Under 30 min" is spoken "Under 30 minutes"): the same tree as the texts, holding only
   * the texts that have a spoken form, so `spoken.questions.wait.options.lt30m` sits where
   * `questions.wait.options.lt30m` does. Nested, never keyed by a dotted path: the texts are
   * stored in MongoDB as they are, and FerretDB refuses a key with a dot in it.
   */
  spoken: z
    .object({
      title: z.string().min(1).optional(),
      intro: z.string().min(1).optional(),
      questions: z
        .record(
          z.string(),
          z.object({
            text: z.string().min(1).optional(),
            options: z.record(z.string(), z.string().min(1)).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type QuestionnaireTexts = z.infer<typeof QuestionnaireTexts>;

/** A language's metadata: locales/<lang>/meta.json. */
export const LocaleMeta = z.object({
  code: z.string().regex(/^[a-z]{2,3}$/),
  name: z.string().min(1),
  nativeName: z.string().min(1),
  /** true until a native speaker has reviewed the text */
  draft: z.boolean(),
  reviewNote: z.string().optional(),
});
export type LocaleMeta = z.infer<typeof LocaleMeta>;

export type SystemTexts = Record<string, string>;

/** The values each questionnaire text may fill in; any other {placeholder} is refused at publishing. */
export function allowedPlaceholders(path: string): readonly string[] {
  return path === 'intro' || path === 'spoken.intro' ? ['facility'] : [];
}

/** Which keys a questionnaire needs in each language, as its question types say. */
export function requiredQuestionnaireKeys(def: QuestionnaireDefinition): string[] {
  const keys = ['title', 'intro'];
  for (const q of def.questions) for (const k of questionType(q).textKeys(q)) keys.push(`questions.${q.id}.${k}`);
  return keys;
}

export function missingQuestionnaireKeys(def: QuestionnaireDefinition, texts: QuestionnaireTexts | undefined): string[] {
  return requiredQuestionnaireKeys(def).filter((k) => lookupPath(texts, k) === undefined);
}

/** The paths (as the texts key them, e.g. "questions.wait.options.lt30m") that have a spoken form. */
export function spokenPaths(texts: Pick<QuestionnaireTexts, 'spoken'> | undefined): string[] {
  const spoken = texts?.spoken;
  if (!spoken) return [];
  const out: string[] = [];
  if (spoken.title) out.push('title');
  if (spoken.intro) out.push('intro');
  for (const [id, q] of Object.entries(spoken.questions ?? {})) {
    if (q.text) out.push(`questions.${id}.text`);
    for (const code of Object.keys(q.options ?? {})) out.push(`questions.${id}.options.${code}`);
  }
  return out;
}

/** The text at a dotted path such as "questions.wait.options.lt30" (or "spoken.questions.…"), if present. */
export function lookupPath(texts: object | undefined, path: string): string | undefined {
  let node: unknown = texts;
  let from = 0;
  // walks the path without splitting it into a new array: this runs for every option on every screen
  while (from <= path.length) {
    const dot = path.indexOf('.', from);
    const part = dot === -1 ? path.slice(from) : path.slice(from, dot);
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
    if (dot === -1) break;
    from = dot + 1;
  }
  return typeof node === 'string' && node.length > 0 ? node : undefined;
}
