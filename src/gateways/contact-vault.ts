import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The one place a citizen's phone number is kept: a citizen who consented to follow-up SMS
 * about one case. The number is sealed with AES-256-GCM under CONTACT_ENCRYPTION_KEY (its own
 * key, never the respondent-key secret), with the case reference as additional data, so a
 * sealed number copied onto another case does not open there: it serves that case only.
 *
 * Sealed form: base64 of iv (12 bytes) | ciphertext | tag (16 bytes).
 * The number hash, for finding the case of an incoming SMS reply without opening every
 * contact, is HMAC-SHA256 of the E.164 number under a key derived from the contact key
 * (HKDF-SHA256), so it changes with that key and means nothing without it.
 */

export type ContactVault = {
  /** names the key (not reversible), stored with each sealed contact for key rotation */
  keyId: string;
  seal(reference: string, e164: string): string;
  /** The number, or null when this key (or this reference) cannot open it, or it was altered. */
  open(reference: string, sealed: string): string | null;
  numberHash(e164: string): string;
};

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** 32 bytes written as 64 hex characters or as base64 (44 characters with padding); null otherwise. */
export function parseContactKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(trimmed) || /^[A-Za-z0-9_-]{43}$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
    return bytes.length === 32 ? bytes : null;
  }
  return null;
}

export function createContactVault(key: Buffer): ContactVault {
  if (key.length !== 32) throw new Error('the contact encryption key must be 32 bytes');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
  const hashKey = derive('citizen-report-card contact number hash v1');
  const keyId = createHmac('sha256', derive('citizen-report-card contact key id v1')).update('key id').digest('hex').slice(0, 12);

  return {
    keyId,
    seal(reference, e164) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(reference, 'utf8'));
      const body = Buffer.concat([cipher.update(e164, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
    },
    open(reference, sealed) {
      const bytes = Buffer.from(sealed, 'base64');
      if (bytes.length <= IV_BYTES + TAG_BYTES) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(reference, 'utf8'));
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        // a wrong key, another case's reference or altered bytes: GCM's tag does not match
        return null;
      }
    },
    numberHash(e164) {
      return createHmac('sha256', hashKey).update(e164).digest('hex');
    },
  };
}
