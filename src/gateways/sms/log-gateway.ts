import { randomUUID } from 'node:crypto';
import type { SmsGateway } from './port.js';
import { maskPhone } from './port.js';

/**
 * The default gateway without Africa's Talking credentials: records every message and
 * prints it to the log with the number masked, so a programme can see exactly what would
 * go out.
 */
export type LoggedSms = { to: string; text: string; providerMessageId: string };

/** how many messages it keeps in memory; the log keeps them all */
const KEEP = 10_000;

export function createLogSmsGateway(log: { info(obj: object, msg: string): void }): SmsGateway & { sent: LoggedSms[] } {
  const sent: LoggedSms[] = [];
  return {
    name: 'log',
    sent,
    async send(to, text) {
      // unique across restarts: the outbox keeps provider ids unique
      const providerMessageId = `log-${randomUUID()}`;
      sent.push({ to, text, providerMessageId });
      if (sent.length > KEEP) sent.splice(0, sent.length - KEEP);
      log.info({ sms: { recipient: maskPhone(to), providerMessageId, text } }, 'SMS (log gateway, not sent)');
      return { kind: 'accepted', providerMessageId, cost: null, status: 'Logged' };
    },
  };
}
