import { UssdRequest, UssdSessionEvent } from '../../channels/ussd/protocol.js';
import { type Callback, textReply, validated } from '../callbacks.js';
import type { ServiceMetrics } from '../metrics.js';

/** Africa's Talking USSD callbacks: thin translation between HTTP and the use case. */
export function ussdCallbacks(
  handler: { handleHop(req: UssdRequest): Promise<string>; handleSessionEnd(event: UssdSessionEvent): Promise<unknown> },
  metrics: Pick<ServiceMetrics, 'now' | 'hop'>,
): Callback[] {
  return [
    {
      path: '/ussd',
      async handle(req) {
        const started = metrics.now();
        const body = validated(UssdRequest, req.body);
        if (!body.ok) {
          metrics.hop('ussd', 'invalid', started);
          return body.reply;
        }
        let screen: string;
        try {
          screen = await handler.handleHop(body.data);
        } catch (err) {
          metrics.hop('ussd', 'error', started);
          throw err;
        }
        metrics.hop('ussd', screen.startsWith('END') ? 'end' : 'continue', started);
        return textReply(screen);
      },
    },
    {
      path: '/ussd/events',
      async handle(req) {
        const body = validated(UssdSessionEvent, req.body);
        if (!body.ok) return body.reply;
        await handler.handleSessionEnd(body.data);
        return textReply('OK');
      },
    },
  ];
}
