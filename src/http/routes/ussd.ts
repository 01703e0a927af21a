import { Router, type RequestHandler } from 'express';
import { UssdRequest, UssdSessionEvent } from '../../channels/ussd/protocol.js';

import { parseOr400 } from '../validation.js';

/** Africa's Talking USSD callbacks: thin translation between HTTP and the use case. */
export function ussdRoutes(handler: { handleHop(req: UssdRequest): Promise<string>; handleSessionEnd(event: UssdSessionEvent): Promise<unknown> }, callbackGuard: RequestHandler): Router {
  const router = Router();

  router.post('/ussd', callbackGuard, async (req, res) => {
    const body = parseOr400(UssdRequest, req.body, res, 'text');
    if (!body) return;
    res.type('text/plain').send(await handler.handleHop(body));
  });

  router.post('/ussd/events', callbackGuard, async (req, res) => {
    const body = parseOr400(UssdSessionEvent, req.body, res, 'text');
    if (!body) return;
    await handler.handleSessionEnd(body);
    res.type('text/plain').send('OK');
  });

  return router;
}
