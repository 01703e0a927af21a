import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { formatMessage, type MessageValues, placeholdersOf } from '../../text/messages.js';

/**
 * The charter's page texts (locales/<lang>/charter.json), for the public facility page: ICU
 * messages, the same keys and placeholders in every language. A file with "_draft" holds
 * texts no native speaker has reviewed; the page says so.
 */

const CharterTextFile = z.object({ _draft: z.string().optional() }).catchall(z.string().min(1));

export type CharterTexts = { lang: string; draft: boolean; texts: Record<string, string> };

export function loadCharterTexts(root: string): Record<string, CharterTexts> {
  return loadLocaleMessages(root, 'charter.json');
}

/**
 * Every locales/<lang>/<fileName> of ICU messages (a "_draft" key marks unreviewed texts); a
 * file that does not validate, or a message that does not parse, stops the load, naming it.
 */
export function loadLocaleMessages(root: string, fileName: string): Record<string, CharterTexts> {
  const dir = join(root, 'locales');
  const out: Record<string, CharterTexts> = {};
  for (const lang of readdirSync(dir).sort()) {
    const file = join(dir, lang, fileName);
    if (!existsSync(file)) continue;
    const parsed = CharterTextFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    const { _draft, ...texts } = parsed.data;
    for (const [key, message] of Object.entries(texts)) {
      try {
        placeholdersOf(message as string);
      } catch (e) {
        throw new Error(`${file}: ${key} is not a valid message (${(e as Error).message})`);
      }
    }
    out[lang] = { lang, draft: _draft !== undefined, texts: texts as Record<string, string> };
  }
  return out;
}

/** One text in a language, falling back to `fallback` (the default language) for a missing key. */
export function charterText(all: Record<string, CharterTexts>, lang: string, fallback: string, key: string, values: MessageValues = {}): string {
  const chosen = all[lang]?.texts[key] !== undefined ? all[lang]! : all[fallback];
  const message = chosen?.texts[key];
  if (message === undefined) throw new Error(`no text "${key}" in ${lang} or ${fallback}`);
  return formatMessage(chosen!.lang, message, values);
}
