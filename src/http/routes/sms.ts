import { z } from 'zod';
import { DELIVERY_STATUSES, recordDeliveryReport } from '../../app/scorecards/record-delivery-report.js';
import type { Store } from '../../storage/ports.js';
import type { ServiceMetrics } from '../metrics.js';
import { type Callback, textReply, validated } from '../callbacks.js';

/**
 * Africa's Talking SMS delivery reports. Answered with 200 as soon as the report is
 * valid (AT retries otherwise); the status is then recorded by the provider's message id
 * (see recordDeliveryReport: repeats change nothing).
 */

export const DeliveryReport = z.object({
  id: z.string({ error: 'is required' }).trim().min(1, 'is required').max(100, 'is too long'),
  status: z.enum(DELIVERY_STATUSES, { error: `must be one of ${DELIVERY_STATUSES.join(', ')}` }),
  phoneNumber: z.string().max(32, 'is too long').optional(),
  networkCode: z.string().max(16, 'is too long').optional(),
  failureReason: z.string().max(200, 'is too long').optional(),
  retryCount: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0).max(10_000).optional(),
});
type DeliveryReport = z.infer<typeof DeliveryReport>;

export function deliveryReportCallback(
  storage: Store,
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
      const { id: providerMessageId, status, failureReason, networkCode, retryCount } = report;
      const recorded = await recordDeliveryReport({ storage, now: deps.now }, { providerMessageId, status, failureReason, networkCode, retryCount });
      if (!recorded.known) return deps.log.info({ providerMessageId: report.id, status: report.status }, 'delivery report for a message we do not know: ignored');
      deps.metrics?.deliveryReport(report.status, recorded.firstSuccess);
      deps.log.info({ message: recorded.message.key, providerMessageId: report.id, status: report.status, recorded: recorded.message.delivery?.status }, 'delivery report');
    } catch (err) {
      deps.log.error({ err, providerMessageId: report.id }, 'could not record a delivery report');
    }
  }
}
