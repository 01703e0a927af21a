import { createHmac } from 'node:crypto';

/**
 * What a USSD session keeps of the text Africa's Talking last sent: its length and a keyed
 * hash, never the text. That text is every input of the session so far (a manager's PIN, a
 * citizen's free-text answer), and a hop session lives for SESSION_TTL_MINUTES. The digest is
 * enough to tell a repeated hop (the same text) and an extension (the same first characters,
 * then `*`) from a stale one. Keyed, because a 4-digit PIN hashed without a key would be found
 * by trying all 10,000.
 */
export type InputDigest = (text: string) => string;

const FORMAT = /^d1:(\d+):[A-Za-z0-9_-]+$/;

export function createInputDigest(secret: string | Buffer): InputDigest {
  const key = createHmac('sha256', secret).update('ussd-hop-input').digest();
  return (text) => `d1:${text.length}:${createHmac('sha256', key).update(text).digest('base64url')}`;
}

/** The length of the text a digest was made of, or null when `kept` is no digest (a session stored before digests). */
export function digestedLength(kept: string): number | null {
  const m = FORMAT.exec(kept);
  return m ? Number(m[1]) : null;
}
