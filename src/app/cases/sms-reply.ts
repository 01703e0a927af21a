import type { Clock } from '../../gateways/clock.js';
import type { ContactVault } from '../../gateways/contact-vault.js';
import { toE164, type CountryCode } from '../../gateways/phone-number.js';
import { actOnCase } from './act-on-case.js';
import { caseLanguage, caseSms, type CaseSmsDeps } from './follow-up-sms.js';
import { DIGIT_RUNS } from '../../text/phone-numbers.js';

/**
 * A citizen answers the follow-up SMS ("Reply 1 if solved, 2 if not") by SMS. Their case is
 * found by the keyed hash of their number (the sealed contacts of open cases), newest first,
 * among the cases waiting for their answer (action_taken): "1" resolves it as confirmed by the
 * citizen, "2" reopens it. The provider's message id is claimed first, so a repeated callback
 * changes nothing twice. A number with no case waiting gets one polite SMS; anything else
 * gets a short hint. The replies are sent straight to the sender (not through the outbox), so
 * the number of someone who never consented is never stored; it is never logged either.
 */

export type SmsReplyDeps = CaseSmsDeps & {
  clock: Clock;
  vault: ContactVault;
  defaultCountry: CountryCode;
  shortCode: string;
  /** sends one SMS now; its number is not kept */
  reply: (to: string, text: string) => Promise<unknown>;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
};

export type IncomingSms = { id: string; from: string; to: string; text: string; date?: string; linkId?: string };

export type SmsReplyOutcome = 'repeat' | 'unreadable_number' | 'resolved' | 'reopened' | 'no_open_case' | 'unclear' | 'not_waiting';

const ANSWER = /^\s*([12])(?:\s|[.!,]|$)/;

export async function receiveSmsReply(deps: SmsReplyDeps, sms: IncomingSms): Promise<{ outcome: SmsReplyOutcome; reference?: string }> {
  const { storage } = deps;
  if (!(await storage.smsInbox.claim(sms.id, deps.clock.now()))) return { outcome: 'repeat' };
  // a reply that cannot be sent is logged, never retried: the answer itself is recorded
  const reply = async (to: string, text: string) => {
    try {
      await deps.reply(to, text);
    } catch (err) {
      // the error may quote the request: no run of digits that could be the number is logged
      const error = (err instanceof Error ? err.message : String(err)).replace(DIGIT_RUNS, '[number]');
      deps.log.warn({ smsId: sms.id, error }, 'the answer to an SMS reply was not sent');
    }
  };
  try {
    const e164 = toE164(sms.from, deps.defaultCountry, 'possible');
    if (!e164) return { outcome: 'unreadable_number' };
    const references = await storage.caseContacts.findByNumberHash(deps.vault.numberHash(e164));
    const cases = (await Promise.all(references.map((r) => storage.cases.get(r)))).filter((c) => c !== null);
    const waiting = cases.find((c) => c.status === 'action_taken');
    if (!waiting) {
      if (cases.length) return { outcome: 'not_waiting', reference: cases[0]!.reference };
      const polite = caseSms(deps, deps.defaultLanguage, 'sms.reply_unknown', { code: deps.shortCode });
      await reply(e164, polite.text);
      return { outcome: 'no_open_case' };
    }
    const language = caseLanguage(deps, waiting);
    const answer = ANSWER.exec(sms.text)?.[1];
    if (!answer) {
      await reply(e164, caseSms(deps, language, 'sms.reply_unclear', { ref: waiting.reference }).text);
      return { outcome: 'unclear', reference: waiting.reference };
    }
    const event = answer === '1' ? 'resolve' : 'reopen';
    const done = await actOnCase(deps, { actor: { kind: 'citizen', label: 'citizen (SMS reply)' }, facilities: null, reference: waiting.reference, event, channel: 'sms' });
    if (!done.ok) {
      deps.log.warn({ case: waiting.reference, reason: done.reason, smsId: sms.id }, 'an SMS reply could not change its case');
      return { outcome: 'not_waiting', reference: waiting.reference };
    }
    await reply(e164, caseSms(deps, language, event === 'resolve' ? 'sms.reply_resolved' : 'sms.reply_reopened', { ref: waiting.reference }).text);
    return { outcome: event === 'resolve' ? 'resolved' : 'reopened', reference: waiting.reference };
  } catch (e) {
    // not handled: let the provider's retry handle it
    await storage.smsInbox.release(sms.id).catch(() => undefined);
    throw e;
  }
}
