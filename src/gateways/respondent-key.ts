import { createHmac } from 'node:crypto';

/**
 * A respondent is known only by a keyed hash of their phone number. With the secret the
 * same number always maps to the same key (for resume and de-duplication); without it the
 * key cannot be reversed by hashing every possible number.
 */
export type RespondentKeyer = (phoneNumber: string) => string;

export function createRespondentKeyer(secret: string): RespondentKeyer {
  return (phoneNumber: string) => {
    const normalized = phoneNumber.replace(/[^\d]/g, '');
    return createHmac('sha256', secret).update(normalized).digest('base64url').slice(0, 32);
  };
}

/** For logs: a short, stable, non-reversible tag instead of the number. */
export function phoneTag(keyer: RespondentKeyer, phoneNumber: string): string {
  return keyer(phoneNumber).slice(0, 10);
}
