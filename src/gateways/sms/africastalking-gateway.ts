import AfricasTalking from 'africastalking';
import type { SmsGateway, SmsOutcome } from './port.js';

/**
 * Africa's Talking through its SDK. The SDK resolves only on HTTP 201, and a 201 still
 * carries a status per recipient, so each one is checked. Per-recipient codes (AT docs):
 * 100 Processed, 101 Sent, 102 Queued are accepted; 500 InternalServerError, 501
 * GatewayError, 502 RejectedByGateway are worth retrying; the others (401 RiskHold,
 * 402 InvalidSenderId, 403 InvalidPhoneNumber, 404 UnsupportedNumberType,
 * 405 InsufficientBalance, 406 UserInBlacklist, 407 CouldNotRoute, 409
 * DoNotDisturbRejection, ...) fail the message for good, with the reason kept.
 *
 * The username "sandbox" selects AT's sandbox. The SDK switches that on module-wide, so
 * one process should not mix sandbox and live clients.
 */

const ACCEPTED = new Set([100, 101, 102]);
const RETRYABLE = new Set([500, 501, 502]);

export type AtSmsSettings = { username: string; apiKey: string; senderId?: string };

type HttpError = { isAxiosError?: boolean; code?: string; message?: string; response?: { status: number; data?: unknown } };

const digits = (s: string) => s.replace(/\D/g, '');

export function createAfricasTalkingGateway(settings: AtSmsSettings): SmsGateway {
  const client = AfricasTalking({ username: settings.username, apiKey: settings.apiKey });
  return {
    name: settings.username.toLowerCase() === 'sandbox' ? 'africastalking-sandbox' : 'africastalking',
    async send(to, text): Promise<SmsOutcome> {
      let reply: Awaited<ReturnType<typeof client.SMS.send>>;
      try {
        reply = await client.SMS.send({ to: [to], message: text, ...(settings.senderId ? { from: settings.senderId } : {}) });
      } catch (e) {
        return classifyError(e);
      }
      const recipients = reply?.SMSMessageData?.Recipients ?? [];
      const mine = recipients.find((r) => digits(String(r.number)) === digits(to)) ?? recipients[0];
      if (!mine) return { kind: 'permanent', reason: `no recipient in the reply: ${reply?.SMSMessageData?.Message ?? 'empty reply'}` };
      const code = Number(mine.statusCode);
      if (ACCEPTED.has(code)) return { kind: 'accepted', providerMessageId: mine.messageId ?? null, cost: mine.cost ?? null, status: mine.status };
      const reason = `${mine.status} (${code})`;
      return RETRYABLE.has(code) ? { kind: 'transient', reason } : { kind: 'permanent', reason };
    },
  };
}

function classifyError(e: unknown): SmsOutcome {
  const err = (typeof e === 'object' && e !== null ? e : {}) as HttpError;
  if (err.isAxiosError) {
    const status = err.response?.status;
    if (status === undefined) return { kind: 'transient', reason: `network: ${err.code ?? err.message ?? 'no reply'}` };
    // a rejected API key may be fixed by staff: retry (up to the attempt limit) rather than fail at once
    if (status >= 500 || status === 408 || status === 429 || status === 401 || status === 403) return { kind: 'transient', reason: `HTTP ${status}` };
    return { kind: 'permanent', reason: `HTTP ${status}: ${String(typeof err.response?.data === 'string' ? err.response.data : JSON.stringify(err.response?.data ?? '')).slice(0, 200)}` };
  }
  if (e instanceof Error) {
    // the SDK validates before sending (Joi + libphonenumber); such a message never goes out
    return { kind: 'permanent', reason: `rejected by the SDK before sending: ${e.message.replace(/;\s*$/, '')}` };
  }
  // the SDK rejects with the body of a reply other than 201
  return { kind: 'transient', reason: `unexpected reply: ${JSON.stringify(e).slice(0, 200)}` };
}
