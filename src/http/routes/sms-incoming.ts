import { z } from 'zod';
import type { IncomingSms, SmsReplyOutcome } from '../../app/cases/sms-reply.js';
import { type Callback, textReply, validated } from '../callbacks.js';

/**
 * Africa's Talking incoming SMS (form fields from, to, text, date, id, linkId): a citizen's
 * answer to a follow-up SMS. Guarded like every callback; 200 for every well-formed message,
 * whatever it says and even when handling it failed (logged), answered once it is handled; a
 * repeat of its id changes nothing. The sender's number is never logged.
 */

export const IncomingSmsForm = z.object({
  id: z.string({ error: 'is required' }).trim().min(1, 'is required').max(100, 'is too long'),
  from: z.string({ error: 'is required' }).trim().min(3, 'is required').max(40, 'is too long'),
  to: z.string().trim().max(40, 'is too long').default(''),
  text: z.string().max(2000, 'is too long').default(''),
  date: z.string().max(64, 'is too long').optional(),
  linkId: z.string().max(100, 'is too long').optional(),
  networkCode: z.string().max(16, 'is too long').optional(),
});

export function incomingSmsCallback(
  receive: (sms: IncomingSms) => Promise<{ outcome: SmsReplyOutcome; reference?: string }>,
  log: { info(o: object, m: string): void; error(o: object, m: string): void },
): Callback {
  return {
    path: '/sms/incoming',
    async handle(req) {
      const sms = validated(IncomingSmsForm, req.body);
      if (!sms.ok) return sms.reply;
      try {
        const { outcome, reference } = await receive(sms.data);
        log.info({ smsId: sms.data.id, outcome, case: reference }, 'incoming SMS');
      } catch (err) {
        // its id is released, so a copy of it sent again is handled
        log.error({ err, smsId: sms.data.id }, 'could not handle an incoming SMS');
      }
      return textReply('OK');
    },
  };
}
