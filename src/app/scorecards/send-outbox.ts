import type { Clock } from '../../gateways/clock.js';
import type { SmsGateway, SmsOutcome } from '../../gateways/sms/port.js';
import type { OutboxMessage, Store } from '../../storage/ports.js';

/**
 * The sender loop: takes due outbox messages one at a time under a lease, sends each
 * through the SMS port, and records the outcome. Any number of loops (threads of one
 * process, or instances) can run: a message is claimed by one atomic update, and only the
 * lease holder may record its outcome.
 *
 * The honest limit: if a sender stops after the provider accepted a message but before it
 * was marked sent, the lease runs out and another sender sends it again. That window (one
 * HTTP reply plus one database write), and a send that timed out after the provider took
 * it, are the only ways a manager gets a message twice.
 */

export type SenderSettings = {
  /** how long a claim holds before another sender may take the message over */
  leaseMs: number;
  /** after this many attempts a transient failure becomes a permanent one */
  maxAttempts: number;
  /** first retry delay; doubles each attempt up to retryMaxMs */
  retryBaseMs: number;
  retryMaxMs: number;
  /** a send with no answer by then counts as a transient failure; keep it well under leaseMs */
  sendTimeoutMs: number;
};

export type SenderLog = { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };

export type DrainResult = { sent: number; failed: number; retrying: number };

export function retryDelayMs(attempts: number, s: Pick<SenderSettings, 'retryBaseMs' | 'retryMaxMs'>): number {
  return Math.min(s.retryMaxMs, s.retryBaseMs * 2 ** Math.max(0, attempts - 1));
}

export function createOutboxSender(deps: {
  storage: Store;
  sms: SmsGateway;
  clock: Clock;
  log: SenderLog;
  settings: SenderSettings;
  owner: string;
  /** told each attempt's outcome (the metrics) */
  onOutcome?: (outcome: 'sent' | 'failed' | 'retrying') => void;
  /**
   * The number to send a message to, looked up at send time (a citizen's, opened from their
   * case's sealed contact); null: it is no longer kept, so the message fails unsent.
   * Default: the message's phone.
   */
  phoneOf?: (message: OutboxMessage) => Promise<string | null>;
}) {
  const { storage, sms, clock, log, settings, owner } = deps;
  const counted = deps.onOutcome ?? (() => undefined);
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<DrainResult> | null = null;

  /** Sends every message due now; returns when none is left to claim. */
  async function drain(): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, failed: 0, retrying: 0 };
    for (;;) {
      const message = await storage.outbox.claimNext(owner, clock.now(), settings.leaseMs);
      if (!message) return result;
      let outcome: SmsOutcome;
      try {
        const phone = deps.phoneOf ? await deps.phoneOf(message) : message.phone;
        if (!phone) {
          await storage.outbox.markFailed(message.key, owner, 'not sent: the number is no longer kept (the case closed or its retention ended)', clock.now());
          result.failed++;
          counted('failed');
          log.info({ message: message.key }, 'SMS not sent: its recipient number is no longer kept');
          continue;
        }
        outcome = await withTimeout(sms.send(phone, message.text), settings.sendTimeoutMs);
      } catch (e) {
        outcome = { kind: 'transient', reason: `gateway error: ${e instanceof Error ? e.message : String(e)}` };
      }
      const at = clock.now();
      const where = { message: message.key, attempt: message.attempts, gateway: sms.name };
      if (outcome.kind === 'accepted') {
        const kept = await storage.outbox.markSent(message.key, owner, { providerMessageId: outcome.providerMessageId, cost: outcome.cost, at });
        counted('sent');
        if (kept) result.sent++;
        else log.warn(where, 'SMS sent but its lease had passed to another sender: it may go out twice');
        log.info({ ...where, providerMessageId: outcome.providerMessageId, status: outcome.status }, 'scorecard SMS accepted');
        continue;
      }
      if (outcome.kind === 'transient' && message.attempts < settings.maxAttempts) {
        const retryAt = new Date(at.getTime() + retryDelayMs(message.attempts, settings));
        await storage.outbox.retryLater(message.key, owner, outcome.reason, retryAt, at);
        result.retrying++;
        counted('retrying');
        log.warn({ ...where, reason: outcome.reason, retryAt }, 'scorecard SMS not sent: will retry');
        continue;
      }
      const reason = outcome.kind === 'transient' ? `gave up after ${message.attempts} attempts: ${outcome.reason}` : outcome.reason;
      await storage.outbox.markFailed(message.key, owner, reason, at);
      result.failed++;
      counted('failed');
      // logged once: a failed message is never claimed again
      log.error({ ...where, reason }, 'scorecard SMS failed');
    }
  }

  /** One drain at a time per sender; a call during a drain waits for it. */
  function drainOnce(): Promise<DrainResult> {
    running ??= drain().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    owner,
    drain: drainOnce,
    start(intervalMs: number) {
      if (timer) return;
      timer = setInterval(() => {
        drainOnce().catch((err) => log.error({ err }, 'SMS sender loop failed; it runs again on the next tick'));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}

export type OutboxSender = ReturnType<typeof createOutboxSender>;

/**
 * The SDK sets no HTTP timeout, so a hung connection would hold the loop past its lease.
 * A timed-out send may still have reached the provider: it is retried (at least once).
 */
function withTimeout(sending: Promise<SmsOutcome>, ms: number): Promise<SmsOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<SmsOutcome>((ok) => {
    timer = setTimeout(() => ok({ kind: 'transient', reason: `no reply within ${ms / 1000} s` }), ms);
  });
  return Promise.race([sending, timeout]).finally(() => clearTimeout(timer));
}
