import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { constantTimeEqual, type Principal, type Role } from '../http/security.js';
import type { Storage } from '../storage/ports.js';
import type { Clock } from '../gateways/clock.js';

/**
 * Staff authentication. An API token (hashed in storage, or ADMIN_TOKEN from the
 * environment) is presented as `Authorization: Bearer`, or once on the sign-in page, which
 * sets a signed session cookie. The cookie carries no secret: it names the token, and every
 * request checks that token is still valid, so revoking a token ends its sessions on every
 * instance. Forms and scripts that use the cookie must send the session's CSRF token.
 */

export const SESSION_COOKIE = 'crc_staff';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SESSION_HOURS = 8;
const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };

export type StaffPrincipal = Principal & { tokenId: string };
type SessionPayload = { t: string; n: string; exp: number; h?: string };

declare module 'express-serve-static-core' {
  interface Request {
    staffSession?: { csrf: string };
  }
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const newRawToken = () => `crc_${randomBytes(24).toString('base64url')}`;
export const hasRole = (principal: Principal, role: Role) => RANK[principal.role] >= RANK[role];

export function createStaffAuth(deps: { storage: Storage; adminToken?: string; secret: string; production: boolean; clock: Clock }) {
  const sign = (data: string) => createHmac('sha256', deps.secret).update(data).digest('base64url');
  const adminFingerprint = deps.adminToken ? hashToken(`fingerprint:${deps.adminToken}`).slice(0, 16) : null;

  async function authenticateToken(token: string): Promise<StaffPrincipal | null> {
    if (deps.adminToken && constantTimeEqual(token, deps.adminToken)) return { name: 'ADMIN_TOKEN', role: 'admin', tokenId: 'ADMIN_TOKEN' };
    // looked up by hash: the raw token is never stored, and the hash reveals nothing to compare against
    const stored = await deps.storage.tokens.findByHash(hashToken(token));
    if (!stored || stored.revokedAt) return null;
    return { name: stored.name, role: stored.role, tokenId: stored.id };
  }

  async function principalOf(tokenId: string, fingerprint: string | undefined): Promise<StaffPrincipal | null> {
    if (tokenId === 'ADMIN_TOKEN') {
      return adminFingerprint && fingerprint === adminFingerprint ? { name: 'ADMIN_TOKEN', role: 'admin', tokenId } : null;
    }
    const stored = await deps.storage.tokens.get(tokenId);
    return stored && !stored.revokedAt ? { name: stored.name, role: stored.role, tokenId } : null;
  }

  function csrfFor(nonce: string) {
    return sign(`csrf:${nonce}`);
  }

  function readSession(req: Request): SessionPayload | null {
    const cookie = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (!cookie) return null;
    const [body, mac] = cookie.split('.');
    if (!body || !mac || !constantTimeEqual(mac, sign(body))) return null;
    try {
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SessionPayload;
      if (typeof payload.t !== 'string' || typeof payload.n !== 'string' || typeof payload.exp !== 'number') return null;
      if (payload.exp <= deps.clock.now().getTime()) return null;
      return payload;
    } catch {
      return null;
    }
  }

  /** Sets the session cookie for a token that has just been checked. */
  function startSession(res: Response, principal: StaffPrincipal) {
    const payload: SessionPayload = {
      t: principal.tokenId,
      n: randomBytes(16).toString('base64url'),
      exp: deps.clock.now().getTime() + SESSION_HOURS * 3600_000,
      ...(principal.tokenId === 'ADMIN_TOKEN' && adminFingerprint ? { h: adminFingerprint } : {}),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    res.cookie(SESSION_COOKIE, `${body}.${sign(body)}`, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.production,
      path: '/',
      maxAge: SESSION_HOURS * 3600_000,
    });
  }

  function endSession(res: Response) {
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: deps.production, path: '/' });
  }

  /**
   * Who is asking: a Bearer token, else the session cookie. Unsafe methods on a cookie
   * session must carry its CSRF token (form field or header); without it the cookie is ignored.
   */
  async function identify(req: Request): Promise<{ principal: StaffPrincipal | null; csrfFailed: boolean }> {
    const header = req.get('authorization') ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    if (bearer) return { principal: await authenticateToken(bearer[1]!), csrfFailed: false };
    const session = readSession(req);
    if (!session) return { principal: null, csrfFailed: false };
    const principal = await principalOf(session.t, session.h);
    if (!principal) return { principal: null, csrfFailed: false };
    const csrf = csrfFor(session.n);
    req.staffSession = { csrf };
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      const given = (typeof req.body === 'object' && req.body && typeof req.body[CSRF_FIELD] === 'string' ? req.body[CSRF_FIELD] : null) ?? req.get(CSRF_HEADER) ?? '';
      if (!constantTimeEqual(given, csrf)) return { principal: null, csrfFailed: true };
    }
    return { principal, csrfFailed: false };
  }

  /** 401 without valid credentials, 403 with a role below `role`; pages get HTML, the API JSON. */
  function guard(role: Role, kind: 'api' | 'page', pages?: { unauthorized(req: Request): string; forbidden(req: Request, message: string): string }) {
    return async (req: Request, res: Response, next: NextFunction) => {
      try {
        const { principal, csrfFailed } = await identify(req);
        if (!principal) {
          const message = csrfFailed
            ? 'the form was missing its security token or it expired; reload the page and try again'
            : 'authentication required: sign in, or send Authorization: Bearer <token>';
          res.status(csrfFailed ? 403 : 401);
          if (!csrfFailed) res.set('WWW-Authenticate', 'Bearer');
          if (kind === 'page' && pages) return void res.type('html').send(csrfFailed ? pages.forbidden(req, message) : pages.unauthorized(req));
          return void res.json({ error: message });
        }
        if (!hasRole(principal, role)) {
          const message = `this needs the ${role} role; you have ${principal.role}`;
          res.status(403);
          if (kind === 'page' && pages) return void res.type('html').send(pages.forbidden(req, message));
          return void res.json({ error: message });
        }
        req.principal = principal;
        next();
      } catch (err) {
        next(err);
      }
    };
  }

  return { authenticateToken, startSession, endSession, guard, identify, csrfFor };
}
export type StaffAuth = ReturnType<typeof createStaffAuth>;

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 1) continue;
    const name = part.slice(0, i).trim();
    try {
      out[name] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // a malformed cookie is ignored, not an error
    }
  }
  return out;
}

/** "Thandi (editor)": how the audit log names whoever did something. */
export function actorName(p: Principal | undefined): string {
  return p ? `${p.name} (${p.role})` : 'unknown';
}
