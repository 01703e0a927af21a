import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * Phone numbers in one form, E.164 (+27821234567), with libphonenumber-js's full metadata and
 * the programme's default country (DEFAULT_COUNTRY) for numbers written nationally
 * (0821234567). So `0711000205` and `+254711000205` are one number when the default is KE.
 */

export type { CountryCode };

export function isCountryCode(code: string): code is CountryCode {
  return isSupportedCountry(code);
}

/**
 * The E.164 form of `raw`, or null when it cannot be read as a number. `valid` asks for a
 * number in an assigned range (for managers, who are sent SMS); `possible` only for a number
 * of a possible length (for respondents, where a consistent key matters, not reachability).
 * Digits without `+` that are not a national number are tried as international ones, as
 * some gateways drop the `+`.
 */
export function toE164(raw: string, defaultCountry: CountryCode, want: 'valid' | 'possible'): string | null {
  const text = raw.trim();
  if (text.length === 0 || text.length > 40) return null;
  const attempts = text.startsWith('+') ? [text] : [text, `+${text.replace(/\D/g, '')}`];
  for (const attempt of attempts) {
    const parsed = parsePhoneNumberFromString(attempt, { defaultCountry });
    if (parsed && (want === 'valid' ? parsed.isValid() : parsed.isPossible())) return parsed.number;
  }
  return null;
}
