/**
 * Report references: a response id (Crockford base32, no I, L, O, U) in the printed form a
 * citizen reads out, "K7M3-P9QX-AB". In the bottom layer, so that the conversation (which
 * reads a typed reference) and the id generator share one definition.
 */

export const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** "K7M3P9QXAB" -> "K7M3-P9QX-AB": easier to read out over the phone. */
export function formatReference(id: string): string {
  return id.match(/.{1,4}/g)?.join('-') ?? id;
}

const REFERENCE = new RegExp(`^[${REFERENCE_ALPHABET}]{10}$`);

/** A reference as typed or read out ("k7m3 p9qx-ab") in its printed form, or null if it is not one. */
export function parseReference(text: string): string | null {
  const compact = text.toUpperCase().replace(/[\s-]/g, '');
  return REFERENCE.test(compact) ? formatReference(compact) : null;
}

/** The phone keypad's letters, key by key (ITU E.161). */
const KEYPAD: Record<string, string> = { '2': 'ABC', '3': 'DEF', '4': 'GHI', '5': 'JKL', '6': 'MNO', '7': 'PQRS', '8': 'TUV', '9': 'WXYZ' };
const KEY_OF = new Map(Object.entries(KEYPAD).flatMap(([key, letters]) => [...letters].map((letter) => [letter, key] as const)));

/**
 * A reference as keyed on a phone's keypad, one key per character: "K7M3-P9QX-AB" is
 * "5763797922". A voice call hears digits only (DTMF), and a feature phone is quicker with one
 * press per letter, so a reference can be looked up by these ten digits too. Different
 * references can share them (K and J are both 5); the lookup says when more than one matches.
 */
export function keypadDigits(reference: string): string {
  return [...reference.toUpperCase().replace(/[\s-]/g, '')].map((c) => KEY_OF.get(c) ?? c).join('');
}

/** Ten digits, as a reference is keyed on the keypad. */
export const KEYPAD_REFERENCE = /^[0-9]{10}$/;
