/**
 * GSM 03.38 character sets. A USSD screen or SMS is GSM-7 when every character is in the
 * basic set or the extension table (extension characters take two septets); one character
 * outside both forces the whole message into UCS-2.
 */

const BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = '^{}\\[~]|€\f';

const basicSet = new Set([...BASIC]);
const extensionSet = new Set([...EXTENSION]);

export type Encoding = 'GSM-7' | 'UCS-2';

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!basicSet.has(ch) && !extensionSet.has(ch)) return false;
  return true;
}

/** Septets a GSM-7 text needs (extension characters count twice). */
export function gsm7Septets(text: string): number {
  let n = 0;
  for (const ch of text) n += extensionSet.has(ch) ? 2 : 1;
  return n;
}

export function encodingOf(text: string): Encoding {
  return isGsm7(text) ? 'GSM-7' : 'UCS-2';
}

/** UTF-16 code units, which is what UCS-2 counts (an emoji takes two). */
export function ucs2Units(text: string): number {
  return text.length;
}

/**
 * Length of a USSD screen measured in GSM-7 characters, so it compares directly with a
 * limit such as 182. A UCS-2 screen spends 16 bits per unit instead of 7.
 */
export function ussdLength(text: string): number {
  return isGsm7(text) ? gsm7Septets(text) : Math.ceil((ucs2Units(text) * 16) / 7);
}

export type SmsSegments = { encoding: Encoding; units: number; segments: number };

/** How many SMS parts a message takes: 160/153 GSM-7 septets, 70/67 UCS-2 units. */
export function smsSegments(text: string): SmsSegments {
  const encoding = encodingOf(text);
  const units = encoding === 'GSM-7' ? gsm7Septets(text) : ucs2Units(text);
  const [single, multi] = encoding === 'GSM-7' ? [160, 153] : [70, 67];
  const segments = units === 0 ? 1 : units <= single ? 1 : Math.ceil(units / multi);
  return { encoding, units, segments };
}

const LOOKALIKES: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2010': '-',
  '\u2011': '-',
  '\u2026': '...',
  '\u00A0': ' ',
  '\u2009': ' ',
  '\u202F': ' ',
  '\u00B4': "'",
  '\u02BC': "'",
};

/** Replaces typographic look-alikes (smart quotes, dashes, ellipsis) with GSM-7 characters. */
export function toGsm7Lookalikes(text: string): string {
  let out = '';
  for (const ch of text) out += LOOKALIKES[ch] ?? ch;
  return out;
}
