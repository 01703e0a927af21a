import { Router } from 'express';
import { z } from 'zod';
import type { Storage } from '../../storage/ports.js';
import { publicResponse } from '../../app/public-response.js';
import { requireRole, type Authenticator } from '../security.js';
import { parseOr400 } from '../validation.js';

export const ResponsesQuery = z
  .object({
    facility: z.string().regex(/^\d{3,8}$/, 'must be a facility code of 3 to 8 digits').optional(),
    from: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-10-01T00:00:00Z' }).optional(),
    to: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-11-01T00:00:00Z' }).optional(),
    status: z.enum(['in_progress', 'complete', 'abandoned']).optional(),
    format: z.enum(['json', 'ndjson']).default('json'),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .strict();

export function responseRoutes(storage: Storage, authenticate: Authenticator): Router {
  const router = Router();
  router.get('/api/v1/responses', requireRole(authenticate, 'viewer'), async (req, res) => {
    const q = parseOr400(ResponsesQuery, req.query, res);
    if (!q) return;
    const filter = {
      facilityCode: q.facility,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      status: q.status,
    };
    let sent = 0;
    if (q.format === 'ndjson') {
      res.type('application/x-ndjson');
      for await (const r of storage.responses.stream(filter)) {
        if (sent++ >= q.limit) break;
        if (!res.write(JSON.stringify(publicResponse(r)) + '\n')) await new Promise((ok) => res.once('drain', ok));
      }
      return void res.end();
    }
    const items = [];
    for await (const r of storage.responses.stream(filter)) {
      if (sent++ >= q.limit) break;
      items.push(publicResponse(r));
    }
    res.json({ items, count: items.length, limit: q.limit });
  });
  return router;
}
