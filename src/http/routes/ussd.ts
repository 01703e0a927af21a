import { Router, type RequestHandler } from 'express';
import { UssdRequest, UssdSessionEvent } from '../../channels/ussd/protocol.js';
import type { ServiceMetrics } from '../metrics.js';
import { parseOr400 } from '../validation.js';

/** Africa's Talking USSD callbacks: thin translation between HTTP and the use case. */
export function ussdRoutes(
  handler: { handleHop(req: UssdRequest): Promise<string>; handleSessionEnd(event: UssdSessionEvent): Promise<unknown> },
  callbackGuard: RequestHandler,
  metrics: Pick<ServiceMetrics, 'now' | 'hop'>,
): Router {
  const router = Router();

  router.post('/ussd', callbackGuard, async (req, res) => {
    const started = metrics.now();
    const body = parseOr400(UssdRequest, req.body, res, 'text');
    if (!body) return metrics.hop('ussd', 'invalid', started);
    let screen: string;
    try {
      screen = await handler.handleHop(body);
    } catch (err) {
      metrics.hop('ussd', 'error', started);
      throw err;
    }
    res.type('text/plain').send(screen);
    metrics.hop('ussd', screen.startsWith('END') ? 'end' : 'continue', started);
  });

  router.post('/ussd/events', callbackGuard, async (req, res) => {
    const body = parseOr400(UssdSessionEvent, req.body, res, 'text');
    if (!body) return;
    await handler.handleSessionEnd(body);
    res.type('text/plain').send('OK');
  });

  return router;
}
