import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requiredQuestionnaireKeys, missingQuestionnaireKeys } from '../engine/texts.js';
import type { ShippedContent } from '../i18n/catalog.js';
import { missingSystemKeys } from '../i18n/catalog.js';
import type { Storage } from '../storage/ports.js';

/**
 * How complete each language is: USSD text of each current questionnaire and of the system
 * messages, and voice recordings where locales/<lang>/audio.json lists them (a map from a
 * text key, such as "clinic.questions.wait.text" or "system.end.thanks", to a recording).
 */

export type LanguageRow = {
  lang: string;
  name: string;
  draft: boolean;
  system: { required: number; missing: string[] };
  questionnaires: Array<{ id: string; version: number; required: number; missing: string[] }>;
  recordings: { required: number; recorded: number; missing: string[] } | null;
};

export function readRecordings(root: string, lang: string): Set<string> | null {
  const file = join(root, 'locales', lang, 'audio.json');
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const map = typeof parsed === 'object' && parsed !== null ? ((parsed as { recordings?: unknown }).recordings ?? parsed) : {};
    return new Set(Object.keys(map as object));
  } catch {
    return new Set();
  }
}

export async function languageCompleteness(deps: { storage: Storage; content: ShippedContent; languages: string[]; defaultLanguage: string; root: string }): Promise<LanguageRow[]> {
  const versions = await deps.storage.questionnaires.listVersions();
  const current = [...new Map(versions.filter((v) => v.status === 'published').map((v) => [v.id, v])).values()];
  const systemKeys = Object.keys(deps.content.locales[deps.defaultLanguage]?.system ?? {});
  return deps.languages.map((lang) => {
    const meta = deps.content.locales[lang]?.meta;
    const questionnaires = current.map((v) => ({
      id: v.id,
      version: v.version,
      required: requiredQuestionnaireKeys(v.definition).length,
      missing: missingQuestionnaireKeys(v.definition, v.texts[lang]),
    }));
    const recordings = readRecordings(deps.root, lang);
    let recordingsRow: LanguageRow['recordings'] = null;
    if (recordings) {
      const required = [...systemKeys.map((k) => `system.${k}`), ...current.flatMap((v) => requiredQuestionnaireKeys(v.definition).map((k) => `${v.id}.${k}`))];
      const missing = required.filter((k) => !recordings.has(k));
      recordingsRow = { required: required.length, recorded: required.length - missing.length, missing };
    }
    return {
      lang,
      name: meta?.name ?? lang,
      draft: meta?.draft ?? false,
      system: { required: systemKeys.length, missing: missingSystemKeys(deps.content, lang, deps.defaultLanguage) },
      questionnaires,
      recordings: recordingsRow,
    };
  });
}
