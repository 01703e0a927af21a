import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/http/staff/index.js';
import { startTestService, type TestService } from '../support/service.js';
import { fillPath, tokenFor } from '../support/staff.js';

/**
 * One staff API (issue 8): every staff API route, the raw responses, scorecards and outbox
 * included, is served through the staff registry, so a signed-in browser and a bearer token
 * get the same guard, the same role ranking, the same error shape and the same headers.
 */

let t: TestService;
let viewer: string;
let cookie: string;
beforeAll(async () => {
  t = await startTestService();
  viewer = await tokenFor(t, 'viewer');
  const signIn = await fetch(`${t.url}/staff/sign-in`, { method: 'POST', body: new URLSearchParams({ token: viewer }), redirect: 'manual' });
  expect(signIn.status).toBe(303);
  cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  // one report, so the reads have something to return
  const phone = t.phone('+254711000601', 'ATUid_one_api');
  await phone.dial();
  for (const input of ['1', '1001', '1', '2']) await phone.send(input);
});
afterAll(() => t.stop());

const expectStaffHeaders = (res: Response, what: string) => {
  expect(res.headers.get('cache-control'), `${what}: Cache-Control`).toBe('no-store');
  expect(res.headers.get('content-security-policy'), `${what}: CSP`).toBe(CONTENT_SECURITY_POLICY);
  expect(res.headers.get('x-content-type-options'), `${what}: nosniff`).toBe('nosniff');
  expect(res.headers.get('referrer-policy'), `${what}: Referrer-Policy`).toBe('same-origin');
};

describe('the raw responses, scorecards and outbox reads', () => {
  const paths = ['/api/v1/responses?facility=1001', '/api/v1/responses?format=ndjson', '/api/v1/scorecards?period=2026-10', '/api/v1/outbox?period=2026-10'];

  it.each(paths)('%s answers a signed-in browser and a bearer token alike, with the staff headers', async (path) => {
    const byCookie = await fetch(t.url + path, { headers: { cookie } });
    const byBearer = await fetch(t.url + path, { headers: { authorization: `Bearer ${viewer}` } });
    expect(byCookie.status).toBe(200);
    expect(byBearer.status).toBe(200);
    expectStaffHeaders(byCookie, `${path} (cookie)`);
    expectStaffHeaders(byBearer, `${path} (bearer)`);
    expect(await byCookie.text()).toBe(await byBearer.text());
  });

  it('the NDJSON read is served as application/x-ndjson, one response per line', async () => {
    const res = await fetch(`${t.url}/api/v1/responses?format=ndjson`, { headers: { cookie } });
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { facilityCode: string });
    expect(lines.map((l) => l.facilityCode)).toEqual(['1001']);
  });

  it('a bad filter gets the staff API error shape, naming the field', async () => {
    for (const path of ['/api/v1/responses?from=yesterday', '/api/v1/scorecards?period=2026-13', '/api/v1/outbox?status=lost', '/api/v1/audit?limit=0']) {
      const res = await fetch(t.url + path, { headers: { cookie } });
      expect(res.status, path).toBe(400);
      expectStaffHeaders(res, path);
      const body = (await res.json()) as { error: string; fields: Array<{ field: string; message: string }> };
      expect(body.error, path).toMatch(/^bad request: /);
      expect(body.fields[0]!.field, path).toMatch(/^(from|period|status|limit)$/);
    }
  });
});

describe('every staff API route', () => {
  it('answers 401 with the same JSON shape and the staff headers, with no or wrong credentials', async () => {
    const apiRoutes = t.service.staffRoutes.filter((s) => s.kind === 'api' && s.role !== 'public');
    expect(apiRoutes.map((s) => s.path)).toEqual(expect.arrayContaining(['/api/v1/responses', '/api/v1/scorecards', '/api/v1/outbox']));
    for (const spec of apiRoutes) {
      const key = `${spec.method.toUpperCase()} ${spec.path}`;
      for (const headers of [{}, { authorization: 'Bearer not-a-real-token-0123456789' }, { cookie: 'crc_staff=forged.value' }] as Array<Record<string, string>>) {
        const res = await fetch(t.url + fillPath(spec.path), { method: spec.method.toUpperCase(), headers });
        expect(res.status, key).toBe(401);
        expectStaffHeaders(res, key);
        expect(res.headers.get('www-authenticate'), key).toBe('Bearer');
        expect(await res.json(), key).toEqual({ error: 'authentication required: sign in, or send Authorization: Bearer <token>' });
      }
    }
  });

  it('answers every viewer GET with the staff headers, for a cookie session and a bearer token', async () => {
    const gets = t.service.staffRoutes.filter((s) => s.kind === 'api' && s.method === 'get' && s.role === 'viewer');
    expect(gets.length).toBeGreaterThan(10);
    for (const spec of gets) {
      for (const headers of [{ cookie }, { authorization: `Bearer ${viewer}` }] as Array<Record<string, string>>) {
        const res = await fetch(t.url + fillPath(spec.path), { headers });
        await res.arrayBuffer();
        expect([401, 403], spec.path).not.toContain(res.status);
        expectStaffHeaders(res, spec.path);
      }
    }
  });
});
