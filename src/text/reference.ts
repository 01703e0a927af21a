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
