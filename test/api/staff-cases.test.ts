import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerValue } from '../../src/engine/definition.js';
import { ADMIN, startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';
import { reportAndOpenCase } from '../support/cases.js';

/**
 * Follow-up cases through the real server (Express on port 0): the list with its filters, one
 * case by reference as a citizen reads it out, acting on it, and the facility manager's scope.
 * 401/403 on these routes is also checked with every other staff route in staff-api.test.ts.
 */

let t: TestService;
let viewer: string;
let editor: string;
let manager: string;
const NUMBER = '+254711000205';

const report = (id: string, facilityCode: string, answers: Record<string, AnswerValue>, consent: boolean) => reportAndOpenCase(t, { id, facilityCode, answers, consent, e164: NUMBER });

beforeAll(async () => {
  t = await startTestService();
  viewer = await tokenFor(t, 'viewer');
  editor = await tokenFor(t, 'editor', 'Thandi');
  const created = await api(t).post('/api/v1/tokens', { role: 'facility_manager', name: 'Amina', facilities: ['1001'] });
  expect(created.status).toBe(201);
  expect(created.json).toMatchObject({ role: 'facility_manager', facilities: ['1001'] });
  manager = created.json.token;
  expect((await report('K7M3P9QXAB', '1001', { problem: 'long_wait', satisfaction: 2, staff: 4 }, true)).kind).toBe('opened');
  t.clock.advance(60_000);
  expect((await report('AB12CD34EF', '1002', { problem: 'no_medicine' }, false)).kind).toBe('opened');
  expect((await report('NNNN0000ZZ', '1001', { problem: 'none', satisfaction: 5 }, true)).kind).toBe('not_a_concern');
});
afterAll(() => t.stop());

describe('cases over the staff API', () => {
  it('answers 401 without credentials, 403 for a viewer acting, and refuses a facility_manager token without facilities', async () => {
    expect((await fetch(`${t.url}/api/v1/cases`)).status).toBe(401);
    expect((await fetch(`${t.url}/api/v1/cases/K7M3-P9QX-AB`)).status).toBe(401);
    expect((await fetch(`${t.url}/api/v1/cases/K7M3-P9QX-AB/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"acknowledge"}' })).status).toBe(401);
    const viewing = await api(t, viewer).post('/api/v1/cases/K7M3-P9QX-AB/actions', { type: 'acknowledge' });
    expect(viewing.status).toBe(403);
    expect(viewing.json.error).toBe('acting on a case needs the facility_manager or editor role; you have viewer');
    const noFacilities = await api(t).post('/api/v1/tokens', { role: 'facility_manager', name: 'Nobody' });
    expect(noFacilities.status).toBe(400);
    expect(noFacilities.json.fields).toEqual([{ field: 'facilities', message: 'a facility_manager token names its facilities' }]);
    expect((await api(t).post('/api/v1/tokens', { role: 'viewer', name: 'V', facilities: ['1001'] })).status).toBe(400);
  });

  it('lists cases newest first with facility and status filters; a facility manager sees only its facilities', async () => {
    const all = await api(t, viewer).get('/api/v1/cases');
    expect(all.status).toBe(200);
    expect(all.json.items.map((c: { reference: string }) => c.reference)).toEqual(['AB12-CD34-EF', 'K7M3-P9QX-AB']);
    expect((await api(t, viewer).get('/api/v1/cases?facility=1002')).json.items.map((c: { reference: string }) => c.reference)).toEqual(['AB12-CD34-EF']);
    expect((await api(t, viewer).get('/api/v1/cases?status=resolved')).json.items).toEqual([]);
    const mine = await api(t, manager).get('/api/v1/cases');
    expect(mine.json.items.map((c: { reference: string }) => c.reference)).toEqual(['K7M3-P9QX-AB']);
    expect((await api(t, manager).get('/api/v1/cases?facility=1002')).status).toBe(403);
    const bad = await api(t, viewer).get('/api/v1/cases?status=lost&facility=x');
    expect(bad.status).toBe(400);
    expect(bad.json.fields.map((f: { field: string }) => f.field).sort()).toEqual(['facility', 'status']);
    expect((await api(t, viewer).get('/api/v1/cases?colour=red')).status).toBe(400);
  });

  it('shows one case by reference, with or without dashes, with its history and answers, and never a number', async () => {
    for (const ref of ['K7M3-P9QX-AB', 'k7m3p9qxab', 'K7M3P9QXAB']) {
      const one = await api(t, manager).get(`/api/v1/cases/${ref}`);
      expect(one.status, ref).toBe(200);
      expect(one.json.case).toMatchObject({ reference: 'K7M3-P9QX-AB', status: 'open', contactConsent: true, concern: { problem: 'long_wait', satisfaction: 2 } });
      expect(one.json.history).toMatchObject([{ seq: 1, event: 'open', to: 'open' }]);
      expect(one.json.answers).toEqual(
        expect.arrayContaining([
          { questionId: 'problem', value: 'long_wait' },
          { questionId: 'staff', value: 4 },
        ]),
      );
      expect(one.json.allowed).toEqual(['acknowledge', 'action_taken', 'refer', 'escalate', 'note']);
      expect(one.json.actions).toContain('extra_staff');
      expect(one.text).not.toContain(NUMBER.slice(4));
      expect(one.text).not.toMatch(/sealed|numberHash|respondentKey/);
    }
    expect((await api(t, manager).get('/api/v1/cases/AB12-CD34-EF')).status).toBe(403);
    expect((await api(t, viewer).get('/api/v1/cases/AB12-CD34-EF')).status).toBe(200);
    expect((await api(t, viewer).get('/api/v1/cases/0000-0000-00')).status).toBe(404);
    expect((await api(t, viewer).get('/api/v1/cases/not-a-ref')).status).toBe(404);
  });

  it('acts on a case through the machine, audits it, deletes the contact on resolution, and answers 400/403/404/409 as it should', async () => {
    const act = (token: string, ref: string, body: unknown) => api(t, token).post(`/api/v1/cases/${ref}/actions`, body);
    const ack = await act(manager, 'k7m3-p9qx-ab', { type: 'acknowledge' });
    expect(ack.status).toBe(200);
    expect(ack.json).toMatchObject({ case: { status: 'acknowledged', revision: 1 }, transition: { seq: 2, by: { kind: 'manager', label: 'Amina (facility_manager)' }, channel: 'api' } });
    // the same click again: the machine refuses it, naming what it allows; nothing is stored twice
    const again = await act(manager, 'K7M3P9QXAB', { type: 'acknowledge' });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ error: 'a case that is acknowledged cannot take "acknowledge"', allowed: ['action_taken', 'refer', 'escalate', 'note'] });

    expect((await act(manager, 'K7M3-P9QX-AB', { type: 'action_taken' })).status).toBe(400);
    expect((await act(manager, 'K7M3-P9QX-AB', { type: 'action_taken', action: 'teleport' })).status).toBe(400);
    expect((await act(manager, 'K7M3-P9QX-AB', { type: 'escalate' })).status).toBe(400);
    expect((await act(manager, 'K7M3-P9QX-AB', { type: 'note', note: 'call her on +254 711 000 205' })).json.error).toContain('phone number');
    expect((await act(manager, 'K7M3-P9QX-AB', { type: 'note', note: 'x', colour: 'red' })).status).toBe(400);
    expect((await act(manager, 'AB12-CD34-EF', { type: 'acknowledge' })).status).toBe(403);
    expect((await act(manager, '0000-0000-00', { type: 'acknowledge' })).status).toBe(404);

    t.clock.advance(60_000);
    const acted = await act(manager, 'K7M3-P9QX-AB', { type: 'action_taken', action: 'extra_staff', note: 'Second nurse on Mondays' });
    expect(acted.json).toMatchObject({ case: { status: 'action_taken' }, transition: { actionCode: 'extra_staff', note: 'Second nurse on Mondays' } });
    expect(await t.storage.caseContacts.get('K7M3-P9QX-AB')).not.toBeNull();
    t.clock.advance(60_000);
    expect((await act(editor, 'K7M3-P9QX-AB', { type: 'resolve' })).json.case).toMatchObject({ status: 'resolved', resolvedByTimeout: false });
    expect(await t.storage.caseContacts.get('K7M3-P9QX-AB')).toBeNull();

    const one = await api(t, viewer).get('/api/v1/cases/K7M3-P9QX-AB');
    expect(one.json.history.map((h: { event: string; to: string }) => `${h.event}>${h.to}`)).toEqual(['open>open', 'acknowledge>acknowledged', 'action_taken>action_taken', 'resolve>resolved']);
    expect(one.json.history[3].by).toEqual({ kind: 'staff', label: 'Thandi (editor)' });

    const audit = (await api(t, viewer).get(`/api/v1/audit?target=${encodeURIComponent('case K7M3-P9QX-AB')}`)).json.items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['case.resolve', 'case.action_taken', 'case.acknowledge']);
    expect(audit[1].details).toEqual({ facilityCode: '1001', from: 'acknowledged', to: 'action_taken', action: 'extra_staff', actionLabel: 'More staff on duty' });
    expect(audit.map((e: { sentence: string }) => e.sentence)).toEqual([
      'Thandi (editor) marked resolved case K7M3-P9QX-AB at facility 1001; it is now resolved',
      'Amina (facility_manager) recorded what was done on case K7M3-P9QX-AB at facility 1001: More staff on duty; it is now action taken',
      'Amina (facility_manager) acknowledged case K7M3-P9QX-AB at facility 1001; it is now acknowledged',
    ]);
    expect(JSON.stringify(audit)).not.toContain(NUMBER.slice(4));
    expect(t.logs.join('')).not.toContain(NUMBER.slice(4));
  });
});

describe('cases in the console', () => {
  const page = (path: string, token: string, init: RequestInit = {}) =>
    fetch(t.url + path, { redirect: 'manual', ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } });
  const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  it('finds a case from the search box on every page, as a citizen reads the reference out', async () => {
    const dashboard = await (await page('/staff', viewer)).text();
    expect(dashboard).toContain('action="/staff/cases/find"');
    for (const typed of ['AB12-CD34-EF', 'ab12cd34ef', ' ab12 cd34-ef ']) {
      const found = await page(`/staff/cases/find?reference=${encodeURIComponent(typed)}`, viewer);
      expect(found.status, typed).toBe(303);
      expect(found.headers.get('location'), typed).toBe('/staff/cases/AB12-CD34-EF');
    }
    const missing = await page('/staff/cases/find?reference=<b>nope</b>', viewer);
    expect(missing.headers.get('location')).toBe('/staff/cases?notFound=%3Cb%3Enope%3C%2Fb%3E');
    const listed = await (await page(missing.headers.get('location')!, viewer)).text();
    expect(listed).toContain('No case has the reference &lt;b&gt;nope&lt;/b&gt;');
    expect(listed).not.toContain('<b>nope</b>');
  });

  it('names the questions and answers in words on the list and the case page, not by their ids and codes', async () => {
    const list = await (await page('/staff/cases', viewer)).text();
    expect(list).toContain('<li>What was the main problem today? <strong>Long wait</strong></li>');
    expect(list).toContain('<li>Overall, how was your visit? <strong>Bad</strong></li>');
    expect(list).toContain('Riverside Clinic <code>1001</code>');
    expect(list).not.toMatch(/problem: long_wait|satisfaction: 2/);
    const one = await (await page('/staff/cases/K7M3-P9QX-AB', viewer)).text();
    expect(one).toContain('<td>How did the staff treat you?</td><td>Good <code class="key">4</code></td>');
    expect(one).toContain('<td>What was the main problem today?</td><td>Long wait <code class="key">long_wait</code> <strong class="status-bad">concern</strong></td>');
    expect(one).toContain('Facility Riverside Clinic 1001 (Riverside)');
    expect(one).not.toMatch(/<td>(problem|staff|satisfaction)<\/td>/);
    // the API keeps the codes as stored, for scripts
    expect((await api(t, viewer).get('/api/v1/cases/K7M3-P9QX-AB')).json.answers).toContainEqual({ questionId: 'staff', value: 4 });
  });

  it('lists cases with filters, and a facility manager sees only its own', async () => {
    const all = await (await page('/staff/cases', viewer)).text();
    expect(all).toContain('href="/staff/cases/AB12-CD34-EF"');
    const open = await (await page('/staff/cases?status=open', viewer)).text();
    expect(open).toContain('AB12-CD34-EF');
    expect(open).not.toContain('href="/staff/cases/K7M3-P9QX-AB"');
    const mine = await (await page('/staff/cases', manager)).text();
    expect(mine).not.toContain('AB12-CD34-EF');
    expect((await page('/staff/cases/AB12-CD34-EF', manager)).status).toBe(403);
    expect((await page('/staff/cases/0000-0000-00', viewer)).status).toBe(404);
    // the manager's navigation offers the cases and nothing it cannot open
    expect(mine).toContain('href="/staff/cases"');
    expect(mine).not.toContain('href="/staff/questionnaires"');
  });

  it('signs a facility manager in to their cases, not to a dashboard they may not see, and lets them sign out', async () => {
    const signIn = await fetch(`${t.url}/staff/sign-in`, { method: 'POST', body: new URLSearchParams({ token: manager }), redirect: 'manual' });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/staff/cases');
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const cases = await fetch(`${t.url}/staff/cases`, { headers: { cookie } });
    expect(cases.status).toBe(200);
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(await cases.text())![1]!;
    const out = await fetch(`${t.url}/staff/sign-out`, { method: 'POST', headers: { cookie }, body: new URLSearchParams({ _csrf: csrf }), redirect: 'manual' });
    expect(out.status).toBe(303);
    expect((await fetch(`${t.url}/staff/cases`, { headers: { cookie }, redirect: 'manual' })).status).not.toBe(200);
    // a viewer still lands on the dashboard, and an asked-for page is kept
    const viewerIn = await fetch(`${t.url}/staff/sign-in`, { method: 'POST', body: new URLSearchParams({ token: viewer }), redirect: 'manual' });
    expect(viewerIn.headers.get('location')).toBe('/staff');
    const deep = await fetch(`${t.url}/staff/sign-in`, { method: 'POST', body: new URLSearchParams({ token: manager, next: '/staff/cases?status=open' }), redirect: 'manual' });
    expect(deep.headers.get('location')).toBe('/staff/cases?status=open');
  });

  it('acts from the case page, escapes what was typed, and shows a refusal on the page', async () => {
    const before = await (await page('/staff/cases/AB12-CD34-EF', editor)).text();
    expect(before).toContain('action="/staff/cases/AB12-CD34-EF/actions"');
    expect(before).toContain('<option value="acknowledge">');
    expect(await (await page('/staff/cases/AB12-CD34-EF', viewer)).text()).not.toContain('/actions"');
    const saved = await page('/staff/cases/AB12-CD34-EF/actions', editor, form({ type: 'acknowledge', note: '<script>alert(1)</script>' }));
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/staff/cases/AB12-CD34-EF?saved=1');
    const after = await (await page('/staff/cases/AB12-CD34-EF?saved=1', viewer)).text();
    expect(after).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(after).not.toContain('<script>alert(1)</script>');
    expect(after).toContain('<strong>Acknowledged</strong>');
    const refused = await page('/staff/cases/AB12-CD34-EF/actions', editor, form({ type: 'resolve' }));
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('a case that is acknowledged cannot take &quot;resolve&quot;');
    expect((await page('/staff/cases/AB12-CD34-EF/actions', viewer, form({ type: 'note', note: 'x' }))).status).toBe(403);
  });
});

describe('facility manager tokens on the Tokens page', () => {
  it('creates one with its facilities, and refuses one without', async () => {
    const post = (fields: Record<string, string>) =>
      fetch(`${t.url}/staff/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const made = await post({ name: 'Baraka', role: 'facility_manager', facilities: '1002, 1003' });
    expect(made.status).toBe(201);
    expect(await made.text()).toContain('Baraka</td><td data-label="Role">facility_manager (1002, 1003)</td>');
    const refused = await post({ name: 'Nobody', role: 'facility_manager', facilities: '' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('facilities: a facility_manager token names its facilities');
  });
});
