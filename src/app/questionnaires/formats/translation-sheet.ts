import { requiredQuestionnaireKeys, spokenPaths } from '../../../engine/texts.js';
import { ussdLength } from '../../../text/gsm.js';
import { type FormBundle, languageNamed, setText, textOf } from './form-bundle.js';
import type { RowError, SheetOut, Workbook } from './spreadsheet.js';

/**
 * One sheet for translators: a row per text (its key, what it is, and a column per
 * language). Read back into a draft, a filled cell replaces that text, an empty cell leaves
 * it as it was, and a key the questionnaire does not have, or a text no screen can hold,
 * is reported by its row with nothing changed.
 */

export const TRANSLATION_SHEET = 'translations';

/** Keys in the order a respondent meets them, then the spoken forms any language has. */
export function translationKeys(bundle: FormBundle): string[] {
  const keys = requiredQuestionnaireKeys(bundle.definition);
  const spoken = new Set<string>();
  for (const t of Object.values(bundle.texts)) for (const path of spokenPaths(t)) spoken.add(`spoken.${path}`);
  return [...keys, ...[...spoken].filter((k) => keys.includes(k.slice('spoken.'.length)))];
}

/** What a text is, for someone who sees only the sheet: "Question 2 (wait), option 'Under 30 min'". */
export function describeKey(bundle: FormBundle, key: string, defaultLanguage: string): string {
  if (key.startsWith('spoken.')) return `How it is said on a voice call: ${describeKey(bundle, key.slice('spoken.'.length), defaultLanguage)}`;
  if (key === 'title') return 'Title of the questionnaire (staff see it; callers do not)';
  if (key === 'intro') return 'Introduction before the first question; {facility} is replaced by the facility name';
  const m = /^questions\.([a-z0-9_]+)\.(text|options\.([a-z0-9_]+))$/.exec(key);
  const index = bundle.definition.questions.findIndex((q) => q.id === m?.[1]);
  if (!m || index < 0) return key;
  const question = `Question ${index + 1} (${m[1]})`;
  if (m[2] === 'text') return `${question}: the question`;
  const wording = textOf(bundle, defaultLanguage, key);
  return `${question}, option '${wording || m[3]}'`;
}

export function toTranslationSheet(bundle: FormBundle, opts: { languages: string[]; defaultLanguage: string }): SheetOut {
  const rows = translationKeys(bundle).map((key) => [key, describeKey(bundle, key, opts.defaultLanguage), ...opts.languages.map((l) => textOf(bundle, l, key))]);
  return { name: TRANSLATION_SHEET, columns: ['key', 'context', ...opts.languages], rows };
}

export type TranslationImport = { ok: true; texts: Record<string, Record<string, unknown>>; changed: number; warnings: string[] } | { ok: false; errors: RowError[]; warnings: string[] };

/**
 * Merges the sheet into the bundle's texts. `maxLength` is the most one text may hold on a
 * screen; whether a whole screen fits is still the draft's validation to say.
 */
export function fromTranslationSheet(workbook: Workbook, bundle: FormBundle, opts: { languages: string[]; languageNames?: Record<string, string>; maxLength: number }): TranslationImport {
  const warnings: string[] = [];
  const errors: RowError[] = [];
  const sheet = workbook.get(TRANSLATION_SHEET) ?? [...workbook.values()][0];
  if (!sheet) return { ok: false, errors: [{ sheet: TRANSLATION_SHEET, row: 1, column: '', message: 'the workbook has no sheet' }], warnings };
  if (!sheet.columns.includes('key')) return { ok: false, errors: [{ sheet: sheet.name, row: 1, column: 'key', message: 'the sheet needs a "key" column' }], warnings };
  const langColumns = new Map<string, string>();
  for (const column of sheet.columns) {
    if (column === 'key' || column === 'context') continue;
    // a translator may head a column "Kiswahili" as well as "sw"
    const code = languageNamed(column, opts);
    if (code) langColumns.set(code, column);
    else warnings.push(`column ${column}: "${column}" is not one of this service's languages (${opts.languages.join(', ')}), so it was not imported`);
  }
  const known = new Set(translationKeys(bundle));
  const texts = structuredClone(bundle.texts) as unknown as Record<string, Record<string, unknown>>;
  const seen = new Map<string, number>();
  let changed = 0;
  for (const r of sheet.rows) {
    const key = r.cells.key ?? '';
    // a spoken form may be added for any text the questionnaire has
    const isKnown = known.has(key) || (key.startsWith('spoken.') && known.has(key.slice('spoken.'.length)));
    if (!isKnown) {
      errors.push({ sheet: sheet.name, row: r.row, column: 'key', message: key ? `'${key}' is not a text of this questionnaire` : 'is empty: copy the key from the exported sheet' });
      continue;
    }
    if (seen.has(key)) {
      errors.push({ sheet: sheet.name, row: r.row, column: 'key', message: `'${key}' is also in row ${seen.get(key)}` });
      continue;
    }
    seen.set(key, r.row);
    for (const [lang, column] of langColumns) {
      const value = (r.cells[column] ?? '').replace(/\r\n?/g, '\n');
      if (!value) continue;
      const length = ussdLength(value);
      if (length > opts.maxLength) {
        errors.push({ sheet: sheet.name, row: r.row, column, message: `the text is ${length} characters long; a USSD screen holds ${opts.maxLength}, so shorten it by ${length - opts.maxLength}` });
        continue;
      }
      if (textOf(bundle, lang, key) !== value) changed++;
      setText(texts, lang, key, value);
    }
  }
  if (errors.length) return { ok: false, errors, warnings };
  return { ok: true, texts, changed, warnings };
}
