import { E164_NUMBER } from '../../text/phone-numbers.js';

/**
 * The SMS port. A gateway sends one message to one number and says what became of it:
 * accepted by the provider, failed for good (retrying cannot help), or failed for now.
 */
export type SmsOutcome = { kind: 'accepted'; providerMessageId: string | null; cost: string | null; status: string } | { kind: 'permanent'; reason: string } | { kind: 'transient'; reason: string };

export interface SmsGateway {
  readonly name: string;
  send(to: string, text: string): Promise<SmsOutcome>;
}

/** "+254711000111" -> "+2547******11": enough to tell numbers apart in staff views, not to dial. */
export function maskPhone(phone: string): string {
  const chars = [...phone];
  if (chars.length <= 6) return '*'.repeat(chars.length);
  return chars.slice(0, 5).join('') + '*'.repeat(chars.length - 7) + chars.slice(-2).join('');
}

/** E.164: a plus, a country code and at most 15 digits. */
export function isE164(phone: string): boolean {
  return E164_NUMBER.test(phone);
}
