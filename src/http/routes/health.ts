import { Router } from 'express';
import type { Store } from '../../storage/ports.js';

export function healthRoutes(storage: Store, isShuttingDown: () => boolean): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (isShuttingDown()) return void res.status(503).json({ status: 'shutting down' });
    const reachable = await storage.ping().catch(() => false);
    // durable: false on the in-memory store, so a deployment that lost its MongoDB cannot look healthy by accident
    res.status(reachable ? 200 : 503).json({ status: reachable ? 'ready' : 'storage unreachable', storage: storage.kind, durable: storage.durable });
  });
  return router;
}
