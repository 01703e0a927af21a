import { loadLocaleMessages, type MessageCatalog } from '../locale-messages.js';

/**
 * The follow-up texts (locales/<lang>/cases.json): what a manager can say was done
 * (`action.<code>`, the codes of each questionnaire's followUp.actions) and the name of each
 * case status (`status.<status>`). The same keys in every language; "_draft" marks texts no
 * native speaker has reviewed. Looked up with messageIn (an action code may have no text).
 */
export type CaseTexts = MessageCatalog;

export function loadCaseTexts(root: string): CaseTexts {
  return loadLocaleMessages(root, 'cases.json');
}
