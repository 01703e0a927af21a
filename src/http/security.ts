import { createHash, timingSafeEqual } from 'node:crypto';
import type { CallbackGuard } from './callbacks.js';

/** Compares secrets in constant time; hashing first makes unequal lengths safe too. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** facility_manager ranks below viewer: it sees and acts on the cases of its own facilities only, nothing else. */
export type Role = 'facility_manager' | 'viewer' | 'editor' | 'admin';
/** `facilities`: the facility codes a facility_manager answers for (absent for the other roles). */
export type Principal = { name: string; role: Role; facilities?: string[] };

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/**
 * Shared secret on Africa's Talking callback URLs (AT cannot send custom headers, so the
 * secret travels as ?token= in the URL configured on the AT dashboard). Without a token the
 * callbacks are open: config.ts allows that only in development or with AT_CALLBACK_AUTH=proxy.
 * A refused request is counted (`onRefused`) and answered 401 by the callbacks (src/http/callbacks.ts).
 */
export function callbackTokenGuard(token: string | undefined, onRefused?: (path: string) => void): CallbackGuard {
  return (query, path) => {
    if (!token) return true;
    const given = typeof query.token === 'string' ? query.token : '';
    if (constantTimeEqual(given, token)) return true;
    onRefused?.(path);
    return false;
  };
}
