import { z } from 'zod';
import type { QuestionnaireDefinition } from './definition.js';

/**
 * Display text. Every string a respondent sees comes from a locale, looked up by a
 * stable key; the key also names the voice recording for that string.
 */
export type Text = { key: string; text: string };

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

/** Which keys a questionnaire needs in each language; used by validation and the walk. */
export function requiredQuestionnaireKeys(def: QuestionnaireDefinition): string[] {
  const keys = ['title', 'intro'];
  for (const q of def.questions) {
    keys.push(`questions.${q.id}.text`);
    if (q.type === 'choice') for (const o of q.options) keys.push(`questions.${q.id}.options.${o.code}`);
  }
  return keys;
}

export function missingQuestionnaireKeys(def: QuestionnaireDefinition, texts: QuestionnaireTexts | undefined): string[] {
  return requiredQuestionnaireKeys(def).filter((k) => lookupPath(texts, k) === undefined);
}

/** The text at a dotted path such as "questions.wait.options.lt30", if present. */
export function lookupPath(texts: QuestionnaireTexts | undefined, path: string): string | undefined {
  let node: unknown = texts;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' && node.length > 0 ? node : undefined;
}

/** Fills {name} placeholders; unknown placeholders are left visible so a review spots them. */
export function interpolate(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
