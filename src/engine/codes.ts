/**
 * The shapes of the ids and codes the whole service shares, each named once. The pattern
 * strings serve HTML `pattern` attributes (which add ^ and $ themselves) and longer
 * patterns built from them; the anchored regexes check a whole value.
 */

/**
 * An identifier people write and the engine keys texts by: a questionnaire id, a question id,
 * an option code, a facility type, a follow-up action code. Lower-case letters, digits and _,
 * at most 32, starting with a letter (so it is also a safe field name in storage).
 */
export const IDENTIFIER_PATTERN = '[a-z][a-z0-9_]{0,31}';
export const IDENTIFIER = new RegExp(`^${IDENTIFIER_PATTERN}$`);

/** A facility code as a respondent keys it on a phone: digits only, short enough to type. */
export const FACILITY_CODE_DIGITS = { min: 3, max: 8 } as const;
export const FACILITY_CODE_PATTERN = `[0-9]{${FACILITY_CODE_DIGITS.min},${FACILITY_CODE_DIGITS.max}}`;
export const FACILITY_CODE = new RegExp(`^${FACILITY_CODE_PATTERN}$`);
