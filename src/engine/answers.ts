import { FACILITY_CODE } from './codes.js';
/**
 * Turns what a respondent typed (or keyed) into an answer value, or says why it is not one.
 * Pure and channel-neutral: USSD and voice both number menu options from 1.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: { key: string; vars?: Record<string, string | number> } };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (key: string, vars?: Record<string, string | number>): Parsed<never> => ({ ok: false, error: { key, vars } });

/** A menu pick: "1".."n" selects the option at that position. */
export function parseMenuPick(text: string, optionCount: number): Parsed<number> {
  const t = text.trim();
  if (!/^\d{1,3}$/.test(t)) return fail('error.choice', { max: optionCount });
  const n = Number(t);
  if (n < 1 || n > optionCount) return fail('error.choice', { max: optionCount });
  return ok(n - 1);
}

export function parseNumber(text: string, min: number, max: number): Parsed<number> {
  const t = text.trim();
  if (!/^\d{1,9}$/.test(t)) return fail('error.number', { min, max });
  const n = Number(t);
  if (n < min || n > max) return fail('error.number', { min, max });
  return ok(n);
}

// Control characters and the Unicode line/paragraph separators never belong in a stored answer.
// biome-ignore lint/suspicious/noControlCharactersInRegex: naming the control characters to strip is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029]/g;

export function parseFreeText(text: string, maxLength: number): Parsed<string> {
  const cleaned = text.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  if (cleaned.length === 0) return fail('error.text_empty');
  if ([...cleaned].length > maxLength) return fail('error.text_long', { max: maxLength });
  return ok(cleaned);
}

export function parseFacilityCode(text: string): Parsed<string> {
  const t = text.trim();
  if (!FACILITY_CODE.test(t)) return fail('error.facility_format');
  return ok(t);
}
