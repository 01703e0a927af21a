import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestService, type TestService } from '../support/service.js';
import { tokenFor } from '../support/staff.js';

/**
 * Staff sessions behave as people expect (issue 8), over HTTP on the real server: signing
 * out ends the session on the server, so the old cookie no longer works anywhere; and a
 * sign-in posted from another site (a login CSRF) is refused, while the service's own form
 * and non-browser clients keep working.
 */

let t: TestService;
let editor: string;
let sessionsStarted = 0;
beforeAll(async () => {
  t = await startTestService({ PUBLIC_BASE_URL: 'https://reports.example.org' });
  editor = await tokenFor(t, 'editor', 'Session tester');
  const create = t.storage.staffSessions.create;
  t.storage.staffSessions.create = (s) => {
    sessionsStarted++;
    return create(s);
  };
});
afterAll(() => t.stop());

const signIn = (token: string, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/staff/sign-in`, { method: 'POST', body: new URLSearchParams({ token, next: '/staff/questionnaires' }), headers, redirect: 'manual' });

async function session(token: string) {
  const res = await signIn(token);
  expect(res.status).toBe(303);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const page = await fetch(`${t.url}/staff`, { headers: { cookie } });
  expect(page.status).toBe(200);
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(await page.text())![1]!;
  return { cookie, csrf };
}

const sessionIdOf = (cookie: string) => (JSON.parse(Buffer.from(cookie.split('=')[1]!.split('.')[0]!, 'base64url').toString('utf8')) as { s: string }).s;

describe('signing out', () => {
  it('ends the session on the server: the old cookie stops working for pages, the API and forms', async () => {
    const mine = await session(editor);
    const other = await session(editor); // the same person signed in on a second browser
    const out = await fetch(`${t.url}/staff/sign-out`, { method: 'POST', headers: { cookie: mine.cookie }, body: new URLSearchParams({ _csrf: mine.csrf }), redirect: 'manual' });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/staff/sign-in?signedOut=1');
    expect(out.headers.get('set-cookie')).toMatch(/crc_staff=;/);

    // someone who kept a copy of the cookie gets nothing
    expect((await fetch(`${t.url}/staff`, { headers: { cookie: mine.cookie } })).status).toBe(401);
    expect((await fetch(`${t.url}/api/v1/me`, { headers: { cookie: mine.cookie } })).status).toBe(401);
    const form = await fetch(`${t.url}/api/v1/drafts`, {
      method: 'POST',
      headers: { cookie: mine.cookie, 'content-type': 'application/json', 'x-csrf-token': mine.csrf },
      body: '{"questionnaireId":"clinic"}',
    });
    expect(form.status).toBe(401);
    // the other browser's session and the token itself go on
    expect((await fetch(`${t.url}/api/v1/me`, { headers: { cookie: other.cookie } })).status).toBe(200);
    expect((await fetch(`${t.url}/api/v1/me`, { headers: { authorization: `Bearer ${editor}` } })).status).toBe(200);
  });

  it('works the same for a session signed in with ADMIN_TOKEN', async () => {
    const admin = await session(ADMIN);
    expect((await fetch(`${t.url}/staff/tokens`, { headers: { cookie: admin.cookie } })).status).toBe(200);
    await fetch(`${t.url}/staff/sign-out`, { method: 'POST', headers: { cookie: admin.cookie }, body: new URLSearchParams({ _csrf: admin.csrf }), redirect: 'manual' });
    expect((await fetch(`${t.url}/staff/tokens`, { headers: { cookie: admin.cookie } })).status).toBe(401);
  });

  it('keeps only a hash of the session id on the server, and a session expires after 8 hours', async () => {
    const { cookie } = await session(editor);
    const id = sessionIdOf(cookie);
    const now = t.clock.now();
    expect(await t.storage.staffSessions.findActive(id, now)).toBeNull();
    expect(await t.storage.staffSessions.findActive(createHash('sha256').update(id).digest('hex'), now)).toMatchObject({ revokedAt: null });
    t.clock.advance(8 * 3600_000 - 60_000);
    expect((await fetch(`${t.url}/api/v1/me`, { headers: { cookie } })).status).toBe(200);
    t.clock.advance(60_000);
    expect((await fetch(`${t.url}/api/v1/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('a cookie naming a session the server never started is refused, even when signed for a valid token', async () => {
    const { cookie } = await session(editor);
    const id = sessionIdOf(cookie);
    await t.storage.staffSessions.revoke(createHash('sha256').update(id).digest('hex'), t.clock.now());
    expect((await fetch(`${t.url}/api/v1/me`, { headers: { cookie } })).status).toBe(401);
  });
});

describe('sign-in from another site (login CSRF)', () => {
  const own = () => new URL(t.url).origin;

  it.each([
    ['a cross-site form post', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
    ['a foreign Origin alone', { origin: 'https://evil.example' }],
    ['a sibling site (same-site is not same-origin)', { origin: 'https://evil.reports.example.org', 'sec-fetch-site': 'same-site' }],
    ['Sec-Fetch-Site cross-site without Origin', { 'sec-fetch-site': 'cross-site' }],
    ['an opaque Origin (sandboxed frame)', { origin: 'null' }],
    ['its own Origin, when the browser says cross-site', { origin: 'http://127.0.0.1', 'sec-fetch-site': 'cross-site' }],
    ['the same host on another scheme', { origin: 'https://127.0.0.1' }],
  ])('refuses %s: 403, no cookie, no session', async (_what, headers) => {
    const before = sessionsStarted;
    const res = await signIn(editor, headers as Record<string, string>);
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain('Sign-in refused: ');
    expect(sessionsStarted).toBe(before);
  });

  it.each([
    ["the service's own form (same-origin)", () => ({ origin: own(), 'sec-fetch-site': 'same-origin' })],
    ['a browser that sends Origin only', () => ({ origin: own() })],
    ["the person's own navigation (Sec-Fetch-Site: none)", () => ({ 'sec-fetch-site': 'none' })],
    ['a same-origin post whose page hides its origin (Origin: null)', () => ({ origin: 'null', 'sec-fetch-site': 'same-origin' })],
    ['a client that is not a browser (no Origin, no Sec-Fetch-Site)', () => ({})],
    ['the public URL behind a proxy', () => ({ origin: 'https://reports.example.org', 'sec-fetch-site': 'same-origin' })],
    ['the forwarded host and scheme behind a proxy', () => ({ origin: 'https://staff.example.net', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'staff.example.net' })],
  ])('signs in %s', async (_what, headers) => {
    const before = sessionsStarted;
    const res = await signIn(editor, headers());
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/^crc_staff=/);
    expect(sessionsStarted).toBe(before + 1);
  });
});
