import { Router } from 'express';
import { z } from 'zod';
import type { OutboxMessage, Storage } from '../../storage/ports.js';
import { maskPhone } from '../../gateways/sms/port.js';
import { parsePeriod } from '../../scorecards/period.js';
import { requireRole, type Authenticator } from '../security.js';
import { parseOr400 } from '../validation.js';

/** Staff read of what was computed and what was sent: viewer role, numbers masked. */

const period = z
  .string()
  .refine((p) => parsePeriod(p) !== null, 'must be a month such as 2026-10 or an ISO week such as 2026-W41')
  .optional();
const facility = z.string().regex(/^[A-Za-z0-9-]{1,16}$/, 'must be a facility code such as 1001').optional();
const limit = z.coerce.number({ error: 'must be a number from 1 to 5000' }).int().min(1).max(5000).default(500);

export const ScorecardQuery = z.object({ period, facility, district: z.string().min(1).max(64).optional(), limit }).strict();
export const OutboxQuery = z.object({ period, facility, status: z.enum(['pending', 'sending', 'sent', 'failed']).optional(), limit }).strict();

export function publicOutboxMessage(m: OutboxMessage) {
  const { phone, leaseOwner, ...rest } = m;
  void leaseOwner;
  return { ...rest, phone: maskPhone(phone) };
}

export function scorecardRoutes(storage: Storage, authenticate: Authenticator): Router {
  const router = Router();
  router.get('/api/v1/scorecards', requireRole(authenticate, 'viewer'), async (req, res) => {
    const q = parseOr400(ScorecardQuery, req.query, res);
    if (!q) return;
    const items = await storage.scorecards.list({ period: q.period, facilityCode: q.facility, district: q.district, limit: q.limit });
    res.json({ items, count: items.length, limit: q.limit });
  });
  router.get('/api/v1/outbox', requireRole(authenticate, 'viewer'), async (req, res) => {
    const q = parseOr400(OutboxQuery, req.query, res);
    if (!q) return;
    const items = await storage.outbox.list({ period: q.period, subjectCode: q.facility, status: q.status, limit: q.limit });
    res.json({ items: items.map(publicOutboxMessage), count: items.length, limit: q.limit });
  });
  return router;
}
