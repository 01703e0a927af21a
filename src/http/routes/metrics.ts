import { Router, type RequestHandler } from 'express';
import type { ServiceMetrics } from '../metrics.js';

/**
 * GET /metrics in Prometheus text format, behind the staff guard (viewer role): a scraper
 * signs in with a viewer token like any script (Authorization: Bearer), so it is named in
 * the Tokens page and revoked there, and nothing new has to be kept secret or exposed on a
 * second port.
 */
export function metricsRoutes(metrics: Pick<ServiceMetrics, 'text' | 'contentType'>, viewerGuard: RequestHandler): Router {
  const router = Router();
  router.get('/metrics', viewerGuard, async (_req, res) => {
    const body = await metrics.text();
    res.set('Cache-Control', 'no-store').type(metrics.contentType).send(body);
  });
  return router;
}
