import { join } from 'node:path';
import { z } from 'zod';
import { formatMessage, inLanguageOrDefault, type MessageValues, placeholdersOf } from '../text/messages.js';
import { readLocaleFiles } from './content.js';

/**
 * Catalogs of ICU messages kept one file per language (locales/<lang>/public.json,
 * charter.json, cases.json): the same keys and placeholders in every language. A file with
 * "_draft" holds texts no native speaker has reviewed; the pages say so.
 */

const MessageFile = z.object({ _draft: z.string().optional() }).catchall(z.string().min(1));

export type LocaleMessages = { lang: string; draft: boolean; texts: Record<string, string> };
export type MessageCatalog = Record<string, LocaleMessages>;

/**
 * Every locales/<lang>/<fileName> of ICU messages (a "_draft" key marks unreviewed texts); a
 * file that does not validate, or a message that does not parse, stops the load, naming it.
 */
export function loadLocaleMessages(root: string, fileName: string): MessageCatalog {
  const out: MessageCatalog = {};
  for (const [lang, { _draft, ...texts }] of Object.entries(readLocaleFiles(root, fileName, MessageFile))) {
    for (const [key, message] of Object.entries(texts)) {
      try {
        placeholdersOf(message as string);
      } catch (e) {
        throw new Error(`${join(root, 'locales', lang, fileName)}: ${key} is not a valid message (${(e as Error).message})`);
      }
    }
    out[lang] = { lang, draft: _draft !== undefined, texts: texts as Record<string, string> };
  }
  return out;
}

/** One message in a language, else in the default language, formatted in the language it is written in; null when neither has it. */
export function messageIn(all: MessageCatalog, lang: string, defaultLanguage: string, key: string, values: MessageValues = {}): string | null {
  const found = inLanguageOrDefault(lang, defaultLanguage, (l) => all[l]?.texts[key]);
  return found === undefined ? null : formatMessage(found.lang, found.text, values);
}

/** A message every file has (the same keys in every language), so one missing is a bug: it throws, naming the key. */
export function requiredMessageIn(all: MessageCatalog, lang: string, defaultLanguage: string, key: string, values: MessageValues = {}): string {
  const message = messageIn(all, lang, defaultLanguage, key, values);
  if (message === null) throw new Error(`no text "${key}" in ${lang} or ${defaultLanguage}`);
  return message;
}
