import { createHmac, randomBytes } from 'node:crypto';
import { hashToken } from '../../gateways/tokens.js';
import type { NextFunction, Request, Response } from 'express';
import { constantTimeEqual, type Principal, type Role } from '../security.js';
import type { Store } from '../../storage/ports.js';
import type { Clock } from '../../gateways/clock.js';

/**
 * Staff authentication. An API token (hashed in storage, or ADMIN_TOKEN from the
 * environment) is presented as `Authorization: Bearer`, or once on the sign-in page, which
 * starts a session: a signed cookie naming the token and a session kept in storage (by a
 * hash of its id). Every request checks both, so signing out ends that session and revoking
 * a token ends all of its sessions, on every instance, at once. Forms and scripts that use
 * the cookie must send the session's CSRF token.
 */

export const SESSION_COOKIE = 'crc_staff';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SESSION_HOURS = 8;
const RANK: Record<Role, number> = { facility_manager: 0, viewer: 1, editor: 2, admin: 3 };

export type StaffPrincipal = Principal & { tokenId: string };
/** The cookie: session id (also the CSRF nonce), token id, expiry, and ADMIN_TOKEN's fingerprint for its sessions. */
type SessionPayload = { s: string; t: string; exp: number; h?: string };

declare module 'express-serve-static-core' {
  interface Request {
    staffSession?: { csrf: string; id: string };
  }
}

export const hasRole = (principal: Principal, role: Role) => RANK[principal.role] >= RANK[role];

/** The facilities a principal is limited to (a facility_manager's), or null for every facility. */
export const facilityScope = (p: Principal): string[] | null => (p.role === 'facility_manager' ? (p.facilities ?? []) : null);
/** Reading one facility's records: any role above facility_manager, or a manager of that facility. */
export const mayReadFacility = (p: Principal, code: string) => facilityScope(p)?.includes(code) ?? true;
/** Writing one facility's records (charters): an editor and above, or a manager of that facility. */
export const mayWriteFacility = (p: Principal, code: string) => facilityScope(p)?.includes(code) ?? hasRole(p, 'editor');

export function createStaffAuth(deps: { storage: Store; adminToken?: string; secret: string; production: boolean; clock: Clock; publicBaseUrl?: string | null }) {
  const sign = (data: string) => createHmac('sha256', deps.secret).update(data).digest('base64url');
  const adminFingerprint = deps.adminToken ? hashToken(`fingerprint:${deps.adminToken}`).slice(0, 16) : null;

  async function authenticateToken(token: string): Promise<StaffPrincipal | null> {
    if (deps.adminToken && constantTimeEqual(token, deps.adminToken)) return { name: 'ADMIN_TOKEN', role: 'admin', tokenId: 'ADMIN_TOKEN' };
    // looked up by hash: the raw token is never stored, and the hash reveals nothing to compare against
    const stored = await deps.storage.tokens.findByHash(hashToken(token));
    if (!stored || stored.revokedAt) return null;
    return { name: stored.name, role: stored.role, tokenId: stored.id, ...(stored.facilities ? { facilities: stored.facilities } : {}) };
  }

  async function principalOf(tokenId: string, fingerprint: string | undefined): Promise<StaffPrincipal | null> {
    if (tokenId === 'ADMIN_TOKEN') {
      return adminFingerprint && fingerprint === adminFingerprint ? { name: 'ADMIN_TOKEN', role: 'admin', tokenId } : null;
    }
    const stored = await deps.storage.tokens.get(tokenId);
    return stored && !stored.revokedAt ? { name: stored.name, role: stored.role, tokenId, ...(stored.facilities ? { facilities: stored.facilities } : {}) } : null;
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
      if (typeof payload.t !== 'string' || typeof payload.s !== 'string' || typeof payload.exp !== 'number') return null;
      if (payload.exp <= deps.clock.now().getTime()) return null;
      return payload;
    } catch {
      return null;
    }
  }

  /** Starts a session for a token that has just been checked: stored first, then the cookie. */
  async function startSession(res: Response, principal: StaffPrincipal) {
    const now = deps.clock.now();
    const payload: SessionPayload = {
      s: randomBytes(18).toString('base64url'),
      t: principal.tokenId,
      exp: now.getTime() + SESSION_HOURS * 3600_000,
      ...(principal.tokenId === 'ADMIN_TOKEN' && adminFingerprint ? { h: adminFingerprint } : {}),
    };
    const stored = await deps.storage.staffSessions.create({ id: hashToken(payload.s), tokenId: principal.tokenId, createdAt: now, expiresAt: new Date(payload.exp), revokedAt: null });
    if (!stored) throw new Error('a new staff session id was already taken');
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    res.cookie(SESSION_COOKIE, `${body}.${sign(body)}`, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.production,
      path: '/',
      maxAge: SESSION_HOURS * 3600_000,
    });
  }

  /** Signs out: the session ends on the server (the cookie stops working wherever it was copied), and the browser forgets it. */
  async function endSession(req: Request, res: Response) {
    // the guard identified the session (and checked its CSRF token) before sign-out runs
    if (req.staffSession) await deps.storage.staffSessions.revoke(req.staffSession.id, deps.clock.now());
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
    const stored = await deps.storage.staffSessions.findActive(hashToken(session.s), deps.clock.now());
    if (!stored || stored.tokenId !== session.t) return { principal: null, csrfFailed: false };
    const principal = await principalOf(session.t, session.h);
    if (!principal) return { principal: null, csrfFailed: false };
    const csrf = csrfFor(session.s);
    req.staffSession = { csrf, id: stored.id };
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

  /**
   * Why a sign-in must be refused as coming from another site (a login CSRF: a page elsewhere
   * posting the attacker's token so the victim works in the attacker's account), or null.
   * A browser says where a form post comes from. `Sec-Fetch-Site`, which no page can set,
   * decides when present: same-origin, or none for the person's own navigation. Otherwise
   * (older browsers) `Origin` must be this service's origin: the request's own, as the proxy
   * forwards it, or PUBLIC_BASE_URL's; `null` (an opaque origin) is refused. Browsers send
   * Origin on every cross-site POST, so a request with neither header is not a browser (curl,
   * a script): it is let through, since a login CSRF needs the victim's browser.
   */
  function signInOriginProblem(req: Request): string | null {
    const site = req.get('sec-fetch-site');
    if (site !== undefined) return site === 'same-origin' || site === 'none' ? null : `the browser says this form was sent from another site (Sec-Fetch-Site: ${site.slice(0, 20)})`;
    const origin = req.get('origin');
    if (origin === undefined) return null;
    const own = [`${req.protocol}://${req.host}`, ...(deps.publicBaseUrl ? [new URL(deps.publicBaseUrl).origin] : [])];
    return own.includes(origin) ? null : 'the form was sent from another site';
  }

  return { authenticateToken, startSession, endSession, guard, identify, csrfFor, signInOriginProblem };
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
