import { type Question, QuestionnaireDefinition } from '../../../engine/definition.js';
import { lookupPath, type QuestionnaireTexts } from '../../../engine/texts.js';

/**
 * What every format carries: a questionnaire's definition and its texts in each language,
 * plus, on the way out, the voice recordings it has. The converters (XLSForm, translation
 * sheet, FLOIP) turn this into their file and back; an import becomes a draft that is
 * validated like any other.
 */

export type FormBundle = { definition: QuestionnaireDefinition; texts: Record<string, QuestionnaireTexts> };

/** The recording of a text key (`clinic.questions.wait.text`) in a language, as a file name or URL. */
export type AudioLookup = (lang: string, key: string) => string | null;

export type ImportOptions = {
  /** the questionnaire the file is imported into */
  questionnaireId: string;
  /** the service's languages; the first is not assumed to be the default */
  languages: string[];
  defaultLanguage: string;
  /** used when the file does not say which kinds of facility the questionnaire serves */
  facilityTypes?: string[];
  /** recordings already known, so an export's own audio column is recognised on import */
  audio?: AudioLookup;
  /** each language's own name ("Kiswahili"), so a column headed `label::Kiswahili` is read as sw */
  languageNames?: Record<string, string>;
};

/**
 * The service's language a column or setting names: its code (`sw`), a name with the code
 * (`Kiswahili (sw)`, as XLSForm writes it) or the language's name alone (`Kiswahili`, any
 * case); null when it is none of the service's languages.
 */
export function languageNamed(text: string, opts: Pick<ImportOptions, 'languages' | 'languageNames'>): string | null {
  const wanted = text.trim().toLowerCase();
  const code = /\(([a-z]{2,3})\)$/.exec(wanted)?.[1] ?? wanted;
  if (opts.languages.includes(code)) return code;
  return opts.languages.find((l) => opts.languageNames?.[l]?.toLowerCase() === wanted) ?? null;
}

/** A mapped import: a draft's definition and texts, and what was read but not kept. */
export type ImportedForm = { definition: Record<string, unknown>; texts: Record<string, Record<string, unknown>>; warnings: string[] };

/** A stored draft or version made ready for export; null when its definition is not valid yet. */
export function bundleOf(input: { definition: unknown; texts: unknown }): FormBundle | null {
  const parsed = QuestionnaireDefinition.safeParse(input.definition);
  if (!parsed.success) return null;
  const texts = (input.texts && typeof input.texts === 'object' ? input.texts : {}) as Record<string, QuestionnaireTexts>;
  return { definition: parsed.data, texts };
}

/** A text of one language, or "" when it is missing (a draft may be incomplete). */
export function textOf(bundle: FormBundle, lang: string, path: string): string {
  return lookupPath(bundle.texts[lang], path) ?? '';
}

/** The paths of a question's own texts, as the locale files key them. */
export const questionTextPath = (q: Pick<Question, 'id'>) => `questions.${q.id}.text`;
export const optionTextPath = (q: Pick<Question, 'id'>, code: string) => `questions.${q.id}.options.${code}`;

/** Builds one language's texts from dotted paths, leaving out empty values. */
export function setText(texts: Record<string, Record<string, unknown>>, lang: string, path: string, value: string) {
  if (!value) return;
  let node = (texts[lang] ??= {}) as Record<string, unknown>;
  const parts = path.split('.');
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}

/** Every language gets a texts object, so validation names each missing text instead of the whole language. */
export function completeTexts(texts: Record<string, Record<string, unknown>>, languages: string[]) {
  for (const lang of languages) {
    const t = (texts[lang] ??= {});
    t.questions ??= {};
  }
  return texts;
}

export const ID_RULE = 'use lower-case letters, digits and _ (at most 32), starting with a letter';
