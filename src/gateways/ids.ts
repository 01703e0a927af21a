import { randomBytes } from 'node:crypto';

/**
 * Response ids double as the reference a citizen can quote when following up, so they are
 * short and unambiguous to read aloud or type: Crockford base32 (no I, L, O, U).
 */
export type IdGenerator = { responseId(): string };

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const randomIds: IdGenerator = {
  responseId() {
    const bytes = randomBytes(10);
    let out = '';
    for (let i = 0; i < 10; i++) out += ALPHABET[bytes[i]! % 32];
    return out;
  },
};

/** Deterministic ids for tests and golden transcripts. */
export function sequentialIds(prefix = 'R'): IdGenerator {
  let n = 0;
  return { responseId: () => `${prefix}${String(++n).padStart(6, '0')}` };
}

/** "K7M3P9QXAB" -> "K7M3-P9QX-AB": easier to read out over the phone. */
export function formatReference(id: string): string {
  return id.match(/.{1,4}/g)?.join('-') ?? id;
}

const REFERENCE = new RegExp(`^[${ALPHABET}]{10}$`);

/** A reference as typed or read out ("k7m3 p9qx-ab") in its printed form, or null if it is not one. */
export function parseReference(text: string): string | null {
  const compact = text.toUpperCase().replace(/[\s-]/g, '');
  return REFERENCE.test(compact) ? formatReference(compact) : null;
}
