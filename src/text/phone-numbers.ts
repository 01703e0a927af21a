/**
 * What phone numbers look like, each shape named once. Raw numbers are personal data: these
 * check a number a provider hands over, or find one where it must not stay (a note, a log).
 */

/** A caller's number as Africa's Talking posts it in a USSD or voice callback: a plus, perhaps, and 6 to 15 digits. */
export const CALLER_NUMBER = /^\+?[0-9]{6,15}$/;

/** E.164: a plus, a country code and at most 15 digits; what the SMS gateway sends to. */
export const E164_NUMBER = /^\+[1-9]\d{7,14}$/;

/** A run of 8 or more digits (spaces, dashes, dots, brackets between): what a phone number written in free text looks like. */
export const WRITTEN_NUMBER = /\+?\d(?:[\s().-]*\d){7,}/;

/** Every run of 6 or more digits: blanked from a log line that may quote a number (a gateway's error, say), erring towards blanking too much. */
export const DIGIT_RUNS = /\+?\d{6,}/g;
