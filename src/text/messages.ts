import { IntlMessageFormat } from 'intl-messageformat';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

/**
 * Every text a person reads or hears is an ICU MessageFormat message: `{name}` fills a
 * value, `{count, plural, one {# report} other {# reports}}` agrees with a number, and
 * `{kind, select, ...}` with a noun class. Messages are compiled once per language and
 * text and kept, because a USSD hop formats several of them.
 */

export type MessageValues = Record<string, string | number>;

/** The names a message fills in, in order of first use; throws on a message that does not parse. */
export function placeholdersOf(message: string): string[] {
  return argumentNames(parse(message, { ignoreTag: true }));
}

function argumentNames(elements: MessageFormatElement[], found = new Set<string>()): string[] {
  for (const el of elements) {
    if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
    found.add(el.value);
    if (el.type === TYPE.plural || el.type === TYPE.select) for (const option of Object.values(el.options)) argumentNames(option.value, found);
    if (el.type === TYPE.tag) argumentNames(el.children, found);
  }
  return [...found];
}

/** Why a message cannot be used where only `allowed` values are given, or null when it can. */
export function messageProblem(message: string, allowed: readonly string[]): string | null {
  let names: string[];
  try {
    names = placeholdersOf(message);
  } catch (e) {
    return `is not a valid message (${(e as Error).message}); check its braces`;
  }
  const unknown = names.filter((n) => !allowed.includes(n));
  if (unknown.length === 0) return null;
  const known = allowed.length ? `it can use ${allowed.map((a) => `{${a}}`).join(', ')}` : 'it takes no {placeholders}';
  return `has an unknown placeholder ${unknown.map((u) => `{${u}}`).join(', ')}: ${known}`;
}

const PLAIN = /^[^{}']*$/;
const compiled = new Map<string, IntlMessageFormat | string>();
const MAX_COMPILED = 20_000;

/**
 * Formats a message in `lang`. A message with nothing to fill is returned as it is. A
 * value the message names but the caller lacks is shown as `{name}`, so a review spots it
 * instead of a session breaking; publishing refuses such messages in the first place.
 */
export function formatMessage(lang: string, message: string, values: MessageValues = {}): string {
  if (PLAIN.test(message)) return message;
  const key = `${lang}\u0000${message}`;
  let format = compiled.get(key);
  if (format === undefined) {
    try {
      format = new IntlMessageFormat(message, lang, undefined, { ignoreTag: true });
    } catch {
      format = message; // unparsable: shown as written (validation reports it)
    }
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, format);
  }
  if (typeof format === 'string') return format;
  let filled = values;
  for (const name of namesOf(format)) {
    if (!(name in values)) filled = { ...filled, [name]: `{${name}}` };
  }
  return String(format.format(filled));
}

const names = new WeakMap<IntlMessageFormat, string[]>();
function namesOf(format: IntlMessageFormat): string[] {
  let list = names.get(format);
  if (!list) {
    list = argumentNames(format.getAst());
    names.set(format, list);
  }
  return list;
}

/**
 * The one lookup with fallback: the text `find` gives in this language, else in the default
 * language, else undefined. Every catalog of texts (system messages, questionnaire texts,
 * scorecard templates, page and case texts) goes through it. It says which language the text
 * came from, because a spoken form must come from that same language, and some catalogs
 * format a message in the language it is written in.
 */
export function inLanguageOrDefault(lang: string, defaultLanguage: string, find: (language: string) => string | undefined): { lang: string; text: string } | undefined {
  const own = find(lang);
  if (own !== undefined) return { lang, text: own };
  const fallback = find(defaultLanguage);
  return fallback === undefined ? undefined : { lang: defaultLanguage, text: fallback };
}

/**
 * "1 rating", "2 ratings": a count with its English noun, for the staff console, which is in
 * English only (what citizens and managers read are ICU messages with plural rules per language).
 */
export function countedNoun(count: number, one: string, other = `${one}s`): string {
  return `${count} ${count === 1 ? one : other}`;
}

/** A month's name as the language writes it (1 = January), from the platform's CLDR data. */
export function monthName(lang: string, month: number, width: 'long' | 'short' = 'long'): string {
  const key = `${lang}|${width}`;
  let f = monthFormats.get(key);
  if (!f) monthFormats.set(key, (f = new Intl.DateTimeFormat(lang, { month: width, timeZone: 'UTC' })));
  return f.format(new Date(Date.UTC(2000, month - 1, 15)));
}
const monthFormats = new Map<string, Intl.DateTimeFormat>();
