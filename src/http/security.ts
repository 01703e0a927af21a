import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** Compares secrets in constant time; hashing first makes unequal lengths safe too. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export type Role = 'viewer' | 'editor' | 'admin';
const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };
export type Principal = { name: string; role: Role };

/** Turns a presented bearer token into a principal, or null. */
export type Authenticator = (token: string) => Promise<Principal | null>;

/** The bootstrap authenticator: ADMIN_TOKEN grants admin. */
export function adminTokenAuthenticator(adminToken: string | undefined): Authenticator {
  return async (token) => (adminToken && constantTimeEqual(token, adminToken) ? { name: 'ADMIN_TOKEN', role: 'admin' } : null);
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** 401 without valid credentials, 403 with a role below `role`. */
export function requireRole(authenticate: Authenticator, role: Role) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = req.principal ?? (match ? await authenticate(match[1]!) : null);
    if (!principal) {
      res.set('WWW-Authenticate', 'Bearer').status(401).json({ error: 'authentication required: send Authorization: Bearer <token>' });
      return;
    }
    if (RANK[principal.role] < RANK[role]) {
      res.status(403).json({ error: `this needs the ${role} role; you have ${principal.role}` });
      return;
    }
    req.principal = principal;
    next();
  };
}

/**
 * Shared secret on Africa's Talking callback URLs (AT cannot send custom headers, so the
 * secret travels as ?token= in the URL configured on the AT dashboard). Without a token the
 * callbacks are open: config.ts allows that only in development or with AT_CALLBACK_AUTH=proxy.
 */
export function requireCallbackToken(token: string | undefined, onRefused?: (path: string) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!token) return next();
    const given = typeof req.query.token === 'string' ? req.query.token : '';
    if (!constantTimeEqual(given, token)) {
      onRefused?.(req.path);
      res.status(401).type('text/plain').send('invalid callback token');
      return;
    }
    next();
  };
}
