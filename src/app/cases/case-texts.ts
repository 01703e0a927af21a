import { loadLocaleMessages, type CharterTexts } from '../charters/charter-texts.js';
import { formatMessage } from '../../text/messages.js';

/**
 * The follow-up texts (locales/<lang>/cases.json): what a manager can say was done
 * (`action.<code>`, the codes of each questionnaire's followUp.actions) and the name of each
 * case status (`status.<status>`). The same keys in every language; "_draft" marks texts no
 * native speaker has reviewed.
 */
export type CaseTexts = Record<string, CharterTexts>;

export function loadCaseTexts(root: string): CaseTexts {
  return loadLocaleMessages(root, 'cases.json');
}

/** One text in a language, falling back to `fallback` for a missing key, or null when neither has it. */
export function caseText(all: CaseTexts, lang: string, fallback: string, key: string): string | null {
  const chosen = all[lang]?.texts[key] !== undefined ? all[lang]! : all[fallback];
  const message = chosen?.texts[key];
  return message === undefined ? null : formatMessage(chosen!.lang, message, {});
}
