import type { DeliveryStatus, OutboxMessage, Store } from '../../storage/ports.js';

/**
 * A provider's delivery report on an outbox message, recorded by the provider's message id.
 * Some statuses are final (the message reached the phone, or never will): a final status is
 * never replaced, so a report that comes again changes nothing. "Sent", "Submitted" and
 * "Buffered" are steps on the way and may be followed by a final one.
 */

export const FINAL_DELIVERY_STATUSES: readonly DeliveryStatus[] = ['Success', 'Failed', 'Rejected', 'AbsentSubscriber', 'Expired'];
export const DELIVERY_STATUSES = [...FINAL_DELIVERY_STATUSES, 'Sent', 'Submitted', 'Buffered'] as const satisfies readonly DeliveryStatus[];

export type DeliveryReport = {
  providerMessageId: string;
  status: DeliveryStatus;
  failureReason?: string;
  networkCode?: string;
  retryCount?: number;
};

export type DeliveryRecorded =
  | { known: false }
  /** `firstSuccess`: this report is the one that first said the message was delivered (a repeat is not) */
  | { known: true; message: OutboxMessage; firstSuccess: boolean };

export async function recordDeliveryReport(deps: { storage: Store; now: () => Date }, report: DeliveryReport): Promise<DeliveryRecorded> {
  const at = deps.now();
  const message = await deps.storage.outbox.recordDelivery(report.providerMessageId, {
    status: report.status,
    final: FINAL_DELIVERY_STATUSES.includes(report.status),
    failureReason: report.failureReason || null,
    networkCode: report.networkCode || null,
    retryCount: report.retryCount ?? null,
    at,
  });
  if (!message) return { known: false };
  // a final status is never replaced, so a repeated Success comes back with the first report's time
  const firstSuccess = report.status === 'Success' && message.delivery?.status === 'Success' && message.delivery.at.getTime() === at.getTime();
  return { known: true, message, firstSuccess };
}
