import { randomBytes } from 'node:crypto';
import { REFERENCE_ALPHABET } from '../text/reference.js';

/**
 * Response ids double as the reference a citizen can quote when following up, so they are
 * short and unambiguous to read aloud or type: Crockford base32 (no I, L, O, U).
 */
export type IdGenerator = { responseId(): string };

const ALPHABET = REFERENCE_ALPHABET;

export const randomIds: IdGenerator = {
  responseId() {
    const bytes = randomBytes(10);
    let out = '';
    for (let i = 0; i < 10; i++) out += ALPHABET[bytes[i]! % 32];
    return out;
  },
};

/**
 * Deterministic ids for tests and golden transcripts: ten characters of the reference alphabet,
 * so each is a reference a citizen can quote back ("R000-0000-01").
 */
export function sequentialIds(prefix = 'R'): IdGenerator {
  let n = 0;
  return { responseId: () => `${prefix}${String(++n).padStart(10 - prefix.length, '0')}` };
}

export { formatReference, parseReference } from '../text/reference.js';
