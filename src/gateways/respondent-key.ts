import { createHmac } from 'node:crypto';
import { toE164, type CountryCode } from './phone-number.js';

/**
 * A respondent is known only by a keyed hash of their phone number. With the secret the
 * same number always maps to the same key (for resume and de-duplication); without it the
 * key cannot be reversed by hashing every possible number.
 *
 * The number is first put in E.164 with the programme's default country, so `0711000205`
 * and `+254711000205` are one respondent (default KE). A number that cannot be read as one
 * (too short, no such country) is keyed by its digits, so the caller still gets a screen;
 * `onUnreadable` lets the caller log that, without the number.
 *
 * Keys are 32 lower-case hex characters: no key can start with a character a spreadsheet
 * reads as a formula (= + - @), so exports never have to alter one. Keys made before this
 * format (base64url of the digits' HMAC) differ from today's for the same number.
 */
export type RespondentKeyer = (phoneNumber: string, onUnreadable?: () => void) => string;

export function createRespondentKeyer(secret: string, defaultCountry: CountryCode): RespondentKeyer {
  return (phoneNumber, onUnreadable) => {
    let canonical = toE164(phoneNumber, defaultCountry, 'possible');
    if (canonical === null) {
      onUnreadable?.();
      canonical = phoneNumber.replace(/[^\d]/g, '');
    }
    return createHmac('sha256', secret).update(canonical).digest('hex').slice(0, 32);
  };
}

/**
 * For logs and outbox keys: a short, stable, non-reversible tag instead of a (manager's,
 * E.164) number. Derived exactly as before the key format changed, so the outbox keys of
 * earlier scorecard runs still match and re-running a sent period sends nothing again.
 */
export function createPhoneTagger(secret: string): (phoneNumber: string) => string {
  return (phoneNumber) => createHmac('sha256', secret).update(phoneNumber.replace(/[^\d]/g, '')).digest('base64url').slice(0, 10);
}
