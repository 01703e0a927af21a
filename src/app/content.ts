import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { QuestionnaireDefinition } from '../engine/definition.js';
import type { SystemTextSource } from '../engine/prompt.js';
import { LocaleMeta, QuestionnaireTexts, type Text } from '../engine/texts.js';
import { readJsonFile } from '../text/json-file.js';
import { formatMessage, inLanguageOrDefault } from '../text/messages.js';

/**
 * Loads what ships in the repository: questionnaire definitions from flows/ and every
 * language from locales/<lang>/ (meta.json, system.json, <questionnaire>.json).
 * Any file that does not validate stops the load with a message naming the file.
 */

export type Locale = { meta: LocaleMeta; system: Record<string, string>; questionnaires: Record<string, QuestionnaireTexts> };

export type ShippedContent = {
  locales: Record<string, Locale>;
  flows: QuestionnaireDefinition[];
};

const SystemTexts = z.record(z.string(), z.string().min(1));

/** Every locales/<lang>/<fileName> there is, read against its schema, by language. */
export function readLocaleFiles<T>(root: string, fileName: string, schema: z.ZodType<T>): Record<string, T> {
  const dir = join(root, 'locales');
  const out: Record<string, T> = {};
  for (const lang of readdirSync(dir).sort()) {
    const file = join(dir, lang, fileName);
    if (existsSync(file)) out[lang] = readJsonFile(file, schema);
  }
  return out;
}

export function loadShippedContent(root: string): ShippedContent {
  const flowsDir = join(root, 'flows');
  const flows = readdirSync(flowsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readJsonFile(join(flowsDir, f), QuestionnaireDefinition));

  const localesDir = join(root, 'locales');
  const locales: Record<string, Locale> = {};
  for (const lang of readdirSync(localesDir).sort()) {
    const dir = join(localesDir, lang);
    if (!existsSync(join(dir, 'meta.json'))) continue;
    const meta = readJsonFile(join(dir, 'meta.json'), LocaleMeta);
    if (meta.code !== lang) throw new Error(`${dir}/meta.json: code "${meta.code}" does not match its folder "${lang}"`);
    const system = readJsonFile(join(dir, 'system.json'), SystemTexts);
    const questionnaires: Record<string, QuestionnaireTexts> = {};
    for (const flow of flows) {
      const file = join(dir, `${flow.id}.json`);
      if (existsSync(file)) questionnaires[flow.id] = readJsonFile(file, QuestionnaireTexts);
    }
    locales[lang] = { meta, system, questionnaires };
  }
  return { locales, flows };
}

/** The texts of one questionnaire in every language that has them. */
export function textsFor(content: ShippedContent, questionnaireId: string): Record<string, QuestionnaireTexts> {
  const out: Record<string, QuestionnaireTexts> = {};
  for (const [lang, locale] of Object.entries(content.locales)) {
    const t = locale.questionnaires[questionnaireId];
    if (t) out[lang] = t;
  }
  return out;
}

/** System keys a language lacks compared with the default language. */
export function missingSystemKeys(content: ShippedContent, lang: string, defaultLanguage: string): string[] {
  // spoken forms are optional in every language: only where the written wording reads badly aloud
  const reference = Object.keys(content.locales[defaultLanguage]?.system ?? {}).filter((k) => !k.startsWith('spoken.'));
  const own = content.locales[lang]?.system ?? {};
  return reference.filter((k) => !own[k]);
}

/**
 * System text lookup with deployment values ({helpline}, {shortCode}) filled in, falling
 * back to the default language so a missing key never breaks a live session.
 */
export function createSystemTexts(content: ShippedContent, defaultLanguage: string, deploymentVars: Record<string, string> = {}): SystemTextSource {
  return {
    defaultLanguage,
    system(lang: string, key: string, vars?: Record<string, string | number>): Text {
      const found = inLanguageOrDefault(lang, defaultLanguage, (l) => content.locales[l]?.system[key]);
      const values = vars ? { ...deploymentVars, ...vars } : deploymentVars;
      const text = { key: `system.${key}`, text: formatMessage(lang, found?.text ?? key, values) };
      // "spoken.<key>" is how a voice call says it where the screen's wording reads badly aloud, in the text's own language
      const spoken = found && content.locales[found.lang]?.system[`spoken.${key}`];
      return spoken === undefined ? text : { ...text, spoken: formatMessage(lang, spoken, values) };
    },
    languageName(lang: string): Text {
      return { key: 'system.language.name', text: content.locales[lang]?.meta.nativeName ?? lang };
    },
  };
}
