import { z } from 'zod';
import type { Storage, DeliveryStatus } from '../../storage/ports.js';
import type { ServiceMetrics } from '../metrics.js';
import { type Callback, textReply, validated } from '../callbacks.js';

/**
 * Africa's Talking SMS delivery reports. Answered with 200 as soon as the report is
 * valid (AT retries otherwise); the status is then recorded by the provider's message id.
 * Recording is idempotent: a final status is never replaced, so repeats change nothing.
 */

const FINAL: DeliveryStatus[] = ['Success', 'Failed', 'Rejected', 'AbsentSubscriber', 'Expired'];
const STATUSES = [...FINAL, 'Sent', 'Submitted', 'Buffered'] as const;

export const DeliveryReport = z.object({
  id: z.string({ error: 'is required' }).trim().min(1, 'is required').max(100, 'is too long'),
  status: z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` }),
  phoneNumber: z.string().max(32, 'is too long').optional(),
  networkCode: z.string().max(16, 'is too long').optional(),
  failureReason: z.string().max(200, 'is too long').optional(),
  retryCount: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0).max(10_000).optional(),
});
type DeliveryReport = z.infer<typeof DeliveryReport>;

export function deliveryReportCallback(
  storage: Storage,
  deps: { now: () => Date; log: { info(o: object, m: string): void; error(o: object, m: string): void }; metrics?: Pick<ServiceMetrics, 'deliveryReport'> },
): Callback {
  return {
    path: '/sms/delivery-reports',
    async handle(req) {
      const parsed = validated(DeliveryReport, req.body);
      if (!parsed.ok) return parsed.reply;
      const report = parsed.data;
      // answered at once (AT retries otherwise), recorded after
      return { ...textReply('OK'), after: () => record(report) };
    },
  };

  async function record(report: DeliveryReport) {
    try {
      const at = deps.now();
      const updated = await storage.outbox.recordDelivery(report.id, {
        status: report.status,
        final: FINAL.includes(report.status),
        failureReason: report.failureReason || null,
        networkCode: report.networkCode || null,
        retryCount: report.retryCount ?? null,
        at,
      });
      // a final status is never replaced, so a repeated Success comes back with the first report's time
      if (updated) deps.metrics?.deliveryReport(report.status, report.status === 'Success' && updated.delivery?.status === 'Success' && updated.delivery.at.getTime() === at.getTime());
      if (!updated) deps.log.info({ providerMessageId: report.id, status: report.status }, 'delivery report for a message we do not know: ignored');
      else deps.log.info({ message: updated.key, providerMessageId: report.id, status: report.status, recorded: updated.delivery?.status }, 'delivery report');
    } catch (err) {
      deps.log.error({ err, providerMessageId: report.id }, 'could not record a delivery report');
    }
  }
}
