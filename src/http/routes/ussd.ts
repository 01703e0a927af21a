import { Router, type RequestHandler } from 'express';
import { UssdRequest, UssdSessionEvent } from '../../channels/ussd/protocol.js';
import type { createUssdHandler } from '../../app/handle-ussd-hop.js';
import { parseOr400 } from '../validation.js';

/** Africa's Talking USSD callbacks: thin translation between HTTP and the use case. */
export function ussdRoutes(handler: ReturnType<typeof createUssdHandler>, callbackGuard: RequestHandler): Router {
  const router = Router();

  router.post('/ussd', callbackGuard, async (req, res) => {
    const body = parseOr400(UssdRequest, req.body, res, 'text');
    if (!body) return;
    const screen = await handler.handleHop(body);
    res.type('text/plain').send(screen.text);
  });

  router.post('/ussd/events', callbackGuard, async (req, res) => {
    const body = parseOr400(UssdSessionEvent, req.body, res, 'text');
    if (!body) return;
    await handler.handleSessionEnd(body);
    res.type('text/plain').send('OK');
  });

  return router;
}
