import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';

/**
 * Commitment charters through the real server: the staff API (JSON) and the console pages
 * (forms), both over the same use cases. 401/403 on these routes is checked with every other
 * staff route in staff-api.test.ts; here the roles are checked once more by name.
 */

let t: TestService;
let viewer: string;
let editor: string;
beforeAll(async () => {
  t = await startTestService();
  viewer = await tokenFor(t, 'viewer');
  editor = await tokenFor(t, 'editor', 'Thandi');
});
afterAll(() => t.stop());

const charterBody = {
  dialogueDate: '2026-09-14',
  attendance: [
    { group: 'community members', count: 42 },
    { group: 'facility staff', count: 7 },
  ],
  topIssues: [{ issue: 'Long wait', votes: 25 }],
  actions: [
    { title: 'Second triage nurse on Mondays', owner: 'Facility in-charge', dueDate: '2026-09-30', caseReferences: ['K7M3P9QXAB'] },
    { title: 'Queue numbers at the gate', owner: 'Clinic committee', dueDate: '2026-12-01', status: 'in_progress' },
  ],
};

const form = (fields: Record<string, string>) => ({ body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

describe('charters over the staff API', () => {
  it('answers 401 without a token and 403 to a viewer who tries to write', async () => {
    expect((await fetch(`${t.url}/api/v1/facilities/1001/charters`)).status).toBe(401);
    expect((await api(t, viewer).post('/api/v1/facilities/1001/charters', charterBody)).status).toBe(403);
    expect((await api(t, viewer).post('/api/v1/charters/ch-000000000000/progress', { note: 'x', revision: 0 })).status).toBe(403);
    const page = await fetch(`${t.url}/staff/facilities/1001/charters/new`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(page.status).toBe(403);
  });

  it('records a charter, marks overdue actions, keeps progress history and audits every write', async () => {
    const created = await api(t, editor).post('/api/v1/facilities/1001/charters', charterBody);
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.json.actions[0]).toMatchObject({ id: 'a1', caseReferences: ['K7M3-P9QX-AB'] });

    // the test clock stands at 2026-10-05: a1 (due 30 September) is overdue, a2 is not
    const one = await api(t, viewer).get(`/api/v1/charters/${id}`);
    expect(one.json.actions.map((a: { overdue: boolean }) => a.overdue)).toEqual([true, false]);
    expect((await api(t, viewer).get('/api/v1/facilities/1001/charters')).json.charters).toMatchObject([{ id, actions: 2, overdue: 1, revision: 0 }]);

    t.clock.advance(60_000);
    const progress = await api(t, editor).post(`/api/v1/charters/${id}/progress`, { actionId: 'a1', note: 'Nurse interviewed', revision: 0 });
    expect(progress.status).toBe(200);
    const stale = await api(t, editor).post(`/api/v1/charters/${id}/actions/a1/status`, { status: 'done', revision: 0 });
    expect(stale.status).toBe(409);
    const noReason = await api(t, editor).post(`/api/v1/charters/${id}/actions/a1/status`, { status: 'dropped', revision: 1 });
    expect(noReason.status).toBe(400);
    expect(noReason.json.fields).toEqual([{ field: 'droppedReason', message: 'a dropped action needs a reason' }]);
    t.clock.advance(60_000);
    const done = await api(t, editor).post(`/api/v1/charters/${id}/actions/a1/status`, { status: 'done', note: 'Started on 1 October', revision: 1 });
    expect(done.status).toBe(200);
    expect(done.json.updates.map((u: { note: string; status: string | null; by: string }) => [u.note, u.status, u.by])).toEqual([
      ['Nurse interviewed', null, 'Thandi (editor)'],
      ['Started on 1 October', 'done', 'Thandi (editor)'],
    ]);
    t.clock.advance(60_000);
    const edited = await api(t, editor).put(`/api/v1/charters/${id}`, { ...charterBody, topIssues: [{ issue: 'Long wait', votes: 26 }], revision: 2 });
    expect(edited.status).toBe(200);
    expect(edited.json.revision).toBe(3);

    const audit = (await api(t, viewer).get(`/api/v1/audit?target=${encodeURIComponent(`facility 1001 charter ${id}`)}`)).json;
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual(['charter.updated', 'charter.action_status', 'charter.progress', 'charter.created']);
  });

  it("lets a facility's manager record and update that facility's charters, and no other's", async () => {
    const manager = (await api(t).post('/api/v1/tokens', { role: 'facility_manager', name: 'Sipho', facilities: ['1001'] })).json.token as string;
    const created = await api(t, manager).post('/api/v1/facilities/1001/charters', charterBody);
    expect(created.status).toBe(201);
    expect(created.json.createdBy).toBe('Sipho (facility_manager)');
    const id = created.json.id as string;
    expect((await api(t, manager).post(`/api/v1/charters/${id}/progress`, { actionId: 'a2', note: 'Numbers printed', revision: 0 })).status).toBe(200);
    expect((await api(t, manager).get('/api/v1/facilities/1001/charters')).status).toBe(200);
    expect((await fetch(`${t.url}/staff/facilities/1001/charters/new`, { headers: { authorization: `Bearer ${manager}` } })).status).toBe(200);

    // another facility: neither read nor write, in the API or the console
    expect((await api(t, manager).post('/api/v1/facilities/1002/charters', charterBody)).status).toBe(403);
    expect((await api(t, manager).get('/api/v1/facilities/1002/charters')).status).toBe(403);
    const other = (await api(t, editor).post('/api/v1/facilities/1002/charters', charterBody)).json.id as string;
    expect((await api(t, manager).get(`/api/v1/charters/${other}`)).status).toBe(403);
    expect((await api(t, manager).post(`/api/v1/charters/${other}/progress`, { note: 'x', revision: 0 })).status).toBe(403);
    expect((await fetch(`${t.url}/staff/charters/${other}`, { headers: { authorization: `Bearer ${manager}` } })).status).toBe(403);
    expect((await fetch(`${t.url}/staff/facilities/1002/charters/new`, { headers: { authorization: `Bearer ${manager}` } })).status).toBe(403);
  });

  it('names bad fields, and answers 404 for an unknown facility or charter', async () => {
    const bad = await api(t, editor).post('/api/v1/facilities/1001/charters', { ...charterBody, attendance: [], actions: [{ title: 'x', owner: 'Nurse', dueDate: 'soon' }] });
    expect(bad.status).toBe(400);
    expect(bad.json.fields.map((f: { field: string }) => f.field).sort()).toEqual(['actions.0.dueDate', 'actions.0.title', 'attendance']);
    expect((await api(t, editor).post('/api/v1/facilities/9999/charters', charterBody)).status).toBe(404);
    expect((await api(t, viewer).get('/api/v1/charters/ch-000000000000')).status).toBe(404);
    expect((await api(t, viewer).get('/api/v1/charters/not-an-id')).status).toBe(404);
  });
});

describe('charters in the console', () => {
  const page = (path: string, token = editor, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) =>
    fetch(t.url + path, { method: init.method ?? 'GET', body: init.body, redirect: 'manual', headers: { authorization: `Bearer ${token}`, ...init.headers } });

  it('records a charter from the form, escapes what was typed and keeps it when a field is wrong', async () => {
    const fields = {
      dialogueDate: '2026-09-20',
      g0_group: '<b>youth</b> group',
      g0_count: '12',
      i0_issue: 'No medicine',
      i0_votes: '',
      a0_title: 'Order stock weekly',
      a0_owner: 'Pharmacist',
      a0_due: '2026-10-31',
      a0_status: 'dropped',
      a0_reason: '',
      a0_cases: 'k7m3-p9qx-ab, 0000-1111-22',
    };
    const refused = await page('/staff/facilities/1001/charters', editor, { method: 'POST', ...form(fields) });
    expect(refused.status).toBe(400);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('a dropped action needs a reason');
    expect(refusedHtml).toContain('value="&lt;b&gt;youth&lt;/b&gt; group"');
    expect(refusedHtml).toContain('value="Order stock weekly"');

    const saved = await page('/staff/facilities/1001/charters', editor, { method: 'POST', ...form({ ...fields, a0_status: 'planned' }) });
    expect(saved.status).toBe(303);
    const location = saved.headers.get('location')!;
    expect(location).toMatch(/^\/staff\/charters\/ch-[0-9a-f]{12}\?saved=1$/);
    const shown = await (await page(location, viewer)).text();
    expect(shown).toContain('&lt;b&gt;youth&lt;/b&gt; group: 12');
    expect(shown).not.toContain('<b>youth</b>');
    expect(shown).toContain('Cases: K7M3-P9QX-AB, 0000-1111-22');
    // a viewer sees no write forms
    expect(shown).not.toContain('/progress');

    const id = location.split('/')[3]!.split('?')[0]!;
    const withForms = await (await page(`/staff/charters/${id}`)).text();
    expect(withForms).toContain(`action="/staff/charters/${id}/progress"`);
    expect((await page(`/staff/charters/${id}/progress`, editor, { method: 'POST', ...form({ note: 'Stock ordered', actionId: 'a1', revision: '0' }) })).status).toBe(303);
    expect((await page(`/staff/charters/${id}/actions/a1/status`, editor, { method: 'POST', ...form({ status: 'in_progress', revision: '1' }) })).status).toBe(303);
    const edit = await (await page(`/staff/charters/${id}/edit`)).text();
    expect(edit).toContain('name="revision" value="2"');
    expect(edit).toMatch(/<option value="in_progress" selected>/);
    const list = await (await page('/staff/facilities/1001/charters', viewer)).text();
    expect(list).toContain(`href="/staff/charters/${id}"`);
    const history = await (await page(`/staff/charters/${id}`, viewer)).text();
    expect(history).toContain('Stock ordered');
    expect(history).toContain('<strong>In progress</strong>');
  });

  it('answers 404, not 500, for unknown facilities and charters', async () => {
    expect((await page('/staff/facilities/9999/charters')).status).toBe(404);
    expect((await page('/staff/charters/ch-000000000000')).status).toBe(404);
    expect((await page('/staff/charters/ch-000000000000/actions/a1/status', editor, { method: 'POST', ...form({ status: 'done', revision: '0' }) })).status).toBe(404);
  });
});
