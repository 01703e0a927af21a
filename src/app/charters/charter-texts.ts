import { loadLocaleMessages, type MessageCatalog } from '../locale-messages.js';

/**
 * The charter's page texts (locales/<lang>/charter.json), for the public facility page: ICU
 * messages, the same keys and placeholders in every language, looked up with requiredMessageIn.
 */
export function loadCharterTexts(root: string): MessageCatalog {
  return loadLocaleMessages(root, 'charter.json');
}
