import type { Express } from 'express';
import { ADMIN, type TestService } from './service.js';

/** Helpers for staff tests: bearer requests, tokens per role, and the routes the app really serves. */

export type Role = 'viewer' | 'editor' | 'admin';

export function api(t: TestService, token: string = ADMIN) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${token}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= typeof body === 'string' ? 'text/csv' : 'application/json';
    }
    const res = await fetch(t.url + path, init);
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answered
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON (CSV, HTML)
    }
    return { status: res.status, text, json, headers: res.headers };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown = {}, headers?: Record<string, string>) => call('POST', path, body, headers),
    put: (path: string, body: unknown) => call('PUT', path, body),
    delete: (path: string) => call('DELETE', path),
  };
}

export async function tokenFor(t: TestService, role: Role, name = `${role} tester`): Promise<string> {
  const res = await api(t).post('/api/v1/tokens', { role, name });
  if (res.status !== 201) throw new Error(`could not create a ${role} token: ${res.status} ${res.text}`);
  return res.json.token as string;
}

/** Every route the Express app serves, read from its router stack (so none can be forgotten). */
export function servedRoutes(app: Express): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) if (method !== '_all') out.push({ method: method.toUpperCase(), path: layer.route.path });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

export const SAMPLE_PARAMS: Record<string, string> = { id: 'clinic', version: '1', draftId: 'd_000000000000', code: '1001', tokenId: 'tok_000000000000', file: 'staff.css', reference: 'K7M3-P9QX-AB' };
export const fillPath = (path: string) => path.replace(/:(\w+)/g, (_m, name: string) => SAMPLE_PARAMS[name] ?? 'x');
