import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { api, fillPath, servedRoutes, tokenFor } from '../support/staff.js';

/**
 * The staff API over the real server: 401 and 403 on every staff route (the list comes
 * from the router itself and must match the OpenAPI document), sessions and CSRF, the
 * questionnaire lifecycle with pinned sessions, validation messages, escaping.
 */

let t: TestService;
let viewer: string;
let editor: string;
let manager: string;
beforeAll(async () => {
  t = await startTestService();
  viewer = await tokenFor(t, 'viewer');
  manager = (await api(t).post('/api/v1/tokens', { role: 'facility_manager', name: 'Manager tester', facilities: ['1001'] })).json.token;
  editor = await tokenFor(t, 'editor');
});
afterAll(() => t.stop());

const PUBLIC = new Set(['GET /api/v1/openapi.json', 'GET /staff/assets/:file', 'GET /staff/sign-in', 'POST /staff/sign-in']);
const RANK = { facility_manager: 0, viewer: 1, editor: 2, admin: 3 } as const;

describe('authentication and roles on every staff route', () => {
  it('declares every served /staff and /api/v1 route, and documents every API route in OpenAPI', async () => {
    const served = servedRoutes(t.service.app).filter((r) => /^\/(staff|api\/v1)(\/|$)/.test(r.path));
    const declared = new Set(t.service.staffRoutes.map((s) => `${s.method.toUpperCase()} ${s.path}`));
    const undeclared = served.filter((r) => !declared.has(`${r.method} ${r.path}`));
    expect(undeclared).toEqual([]);

    const doc = (await api(t).get('/api/v1/openapi.json')).json;
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const apiRoutes = [
      ...new Set([...served, ...t.service.staffRoutes.map((s) => ({ method: s.method.toUpperCase(), path: s.path }))].filter((r) => r.path.startsWith('/api/v1')).map((r) => `${r.method} ${r.path}`)),
    ];
    expect(documented.sort()).toEqual(apiRoutes.sort());
    console.log(`staff routes served: ${served.length} (${apiRoutes.length} API routes in OpenAPI)`);
  });

  it('answers 401 without credentials and 403 with a lower role, on every non-public route', async () => {
    const tokens = { facility_manager: manager, viewer, editor } as const;
    const checked: string[] = [];
    for (const spec of t.service.staffRoutes) {
      const key = `${spec.method.toUpperCase()} ${spec.path}`;
      if (spec.role === 'public') {
        expect(PUBLIC.has(key), `${key} is public but not on the list of public routes`).toBe(true);
        continue;
      }
      const url = t.url + fillPath(spec.path);
      const body = spec.method === 'get' ? undefined : spec.body?.type === 'csv' ? 'code\n' : '{}';
      const headers: Record<string, string> = body === undefined ? {} : { 'content-type': spec.body?.type === 'csv' ? 'text/csv' : 'application/json' };
      const anonymous = await fetch(url, { method: spec.method.toUpperCase(), headers, body });
      expect(anonymous.status, `${key} without credentials`).toBe(401);
      const wrong = await fetch(url, { method: spec.method.toUpperCase(), headers: { ...headers, authorization: 'Bearer not-a-real-token-0123456789' }, body });
      expect(wrong.status, `${key} with an unknown token`).toBe(401);
      for (const lower of ['facility_manager', 'viewer', 'editor'] as const) {
        if (RANK[lower] >= RANK[spec.role]) continue;
        const res = await fetch(url, { method: spec.method.toUpperCase(), headers: { ...headers, authorization: `Bearer ${tokens[lower]}` }, body });
        expect(res.status, `${key} as ${lower}`).toBe(403);
      }
      checked.push(key);
    }
    console.log(`checked 401/403 on ${checked.length} routes`);
    expect(checked.length).toBeGreaterThan(40);
  });

  it('signs a browser in with a token: httpOnly SameSite cookie, CSRF required on every POST, revocation ends the session', async () => {
    const { token } = (await api(t).post('/api/v1/tokens', { role: 'editor', name: 'Cookie tester' })).json;
    const bad = await fetch(`${t.url}/staff/sign-in`, { method: 'POST', body: new URLSearchParams({ token: 'wrong-token-000000000000' }), redirect: 'manual' });
    expect(bad.status).toBe(401);
    const res = await fetch(`${t.url}/staff/sign-in`, { method: 'POST', body: new URLSearchParams({ token, next: '/staff/questionnaires' }), redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/questionnaires');
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).not.toContain(token);
    const cookie = setCookie.split(';')[0]!;

    const pageRes = await fetch(`${t.url}/staff/questionnaires`, { headers: { cookie } });
    expect(pageRes.status).toBe(200);
    expect(pageRes.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await pageRes.text();
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(html)![1]!;

    const noCsrf = await fetch(`${t.url}/staff/questionnaires/clinic/drafts`, { method: 'POST', headers: { cookie }, body: new URLSearchParams({ fromVersion: '1' }), redirect: 'manual' });
    expect(noCsrf.status).toBe(403);
    const otherCsrf = await fetch(`${t.url}/api/v1/drafts`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': `${csrf}x` },
      body: '{"questionnaireId":"clinic"}',
    });
    expect(otherCsrf.status).toBe(403);
    const withCsrf = await fetch(`${t.url}/staff/questionnaires/clinic/drafts`, {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({ fromVersion: '1', _csrf: csrf }),
      redirect: 'manual',
    });
    expect(withCsrf.status).toBe(303);
    expect(withCsrf.headers.get('location')).toMatch(/^\/staff\/drafts\/d_[0-9a-f]{12}$/);
    const viaHeader = await fetch(`${t.url}/api/v1/drafts`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf }, body: '{"questionnaireId":"clinic"}' });
    expect(viaHeader.status).toBe(201);

    // a forged or tampered cookie is no session at all
    const tampered = cookie.replace(/.(?=\.)/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await fetch(`${t.url}/staff/questionnaires`, { headers: { cookie: tampered } })).status).toBe(401);

    const tokens = (await api(t).get('/api/v1/tokens')).json.items as Array<{ id: string; name: string; hash?: string }>;
    expect(tokens.every((x) => x.hash === undefined)).toBe(true);
    const mine = tokens.find((x) => x.name === 'Cookie tester')!;
    expect((await api(t).post(`/api/v1/tokens/${mine.id}/revoke`)).status).toBe(200);
    expect((await fetch(`${t.url}/staff/questionnaires`, { headers: { cookie } })).status).toBe(401);
    expect((await api(t, token).get('/api/v1/me')).status).toBe(401);
  });

  it('stores tokens hashed: the raw token is nowhere in storage', async () => {
    const { token } = (await api(t).post('/api/v1/tokens', { role: 'viewer', name: 'Hash check' })).json;
    const stored = JSON.stringify(await t.storage.tokens.list());
    expect(stored).not.toContain(token);
    expect((await api(t, token).get('/api/v1/me')).json).toEqual({ name: 'Hash check', role: 'viewer' });
    expect((await api(t).post('/api/v1/tokens', { role: 'boss', name: 'x' })).json.fields[0]).toEqual({ field: 'role', message: 'must be admin, editor, viewer or facility_manager' });
  });
});

describe('questionnaire lifecycle', () => {
  it('names the question and the language in validation errors and refuses to publish', async () => {
    const draft = (await api(t, editor).post('/api/v1/drafts', { questionnaireId: 'police' })).json;
    const texts = structuredClone(draft.texts);
    delete texts.sw.questions[draft.definition.questions[0].id].text;
    const saved = await api(t, editor).put(`/api/v1/drafts/${draft.id}`, { definition: draft.definition, texts, revision: draft.revision });
    expect(saved.status).toBe(200);
    expect(saved.json.validation.ok).toBe(false);
    expect(saved.json.validation.issues).toContainEqual({ where: 'Question 1 · Wording', lang: 'sw', message: expect.any(String) });

    const published = await api(t, editor).post(`/api/v1/drafts/${draft.id}/publish`);
    expect(published.status).toBe(422);
    expect((await t.storage.questionnaires.listVersions('police')).map((v) => v.version)).toEqual([1]);

    // a stale save is refused rather than overwriting someone else's work
    const stale = await api(t, editor).put(`/api/v1/drafts/${draft.id}`, { definition: draft.definition, texts: draft.texts, revision: draft.revision });
    expect(stale.status).toBe(409);

    const schemaError = await api(t, editor).post('/api/v1/validate', { definition: { ...draft.definition, questions: [{ id: 'Bad Id', type: 'rating' }] }, texts });
    expect(schemaError.json.ok).toBe(false);
    expect(schemaError.json.issues[0]).toEqual({ where: 'question "Bad Id" id', message: expect.stringContaining('lower-case') });
  });

  it('keeps a session on the version it started: publish and retire never change a report under way', async () => {
    const phoneA = t.phone('+254711000201');
    await phoneA.dial();
    await phoneA.send('1'); // English
    await phoneA.send('1001'); // Riverside Clinic
    const q1 = await phoneA.send('1'); // start: first question of version 1
    expect(q1.body).toContain('How long did you wait');

    const draft = (await api(t, editor).post('/api/v1/drafts', { questionnaireId: 'clinic' })).json;
    const texts = structuredClone(draft.texts);
    texts.en.questions.wait.text = 'Version two: how long was your wait?';
    const saved = (await api(t, editor).put(`/api/v1/drafts/${draft.id}`, { definition: draft.definition, texts, revision: draft.revision })).json;
    expect(saved.validation.ok).toBe(true);
    const pub = await api(t, editor).post(`/api/v1/drafts/${draft.id}/publish`, { revision: saved.revision });
    expect(pub.status).toBe(201);
    const v2 = pub.json.version as number;
    expect((await api(t).get(`/api/v1/drafts/${draft.id}`)).status).toBe(404);

    // a new session meets the new version at once
    const phoneB = t.phone('+254711000202');
    await phoneB.dial();
    await phoneB.send('1');
    await phoneB.send('1001');
    expect((await phoneB.send('1')).body).toContain('Version two');

    // the session that started on the earlier version finishes on it
    let last = q1;
    for (const input of ['2', '4', '1', '5', '1', '98', '1', '00', '2']) last = await phoneA.send(input);
    expect(last.body).toMatch(/^END Thank you/);
    const responses: Array<{ questionnaireVersion: number; status: string; respondentKey: string }> = [];
    for await (const r of t.storage.responses.stream({ status: 'complete' })) responses.push(r);
    const finishedA = responses.at(-1)!;
    expect(finishedA.questionnaireVersion).toBe(v2 - 1);

    // retiring the new version: B (pinned to it) finishes on it; new sessions go back to the previous one
    const retire = await api(t, editor).post(`/api/v1/questionnaires/clinic/versions/${v2}/retire`);
    expect(retire.json).toEqual({ retired: `clinic@${v2}`, nowCurrent: v2 - 1 });
    let lastB = await phoneB.send('2');
    for (const input of ['4', '1', '5', '1', '98', '1', '00', '2']) lastB = await phoneB.send(input);
    expect(lastB.body).toMatch(/^END Thank you/);
    const phoneC = t.phone('+254711000203');
    await phoneC.dial();
    await phoneC.send('1');
    await phoneC.send('1001');
    expect((await phoneC.send('1')).body).toContain('How long did you wait');
    expect((await api(t, editor).post(`/api/v1/questionnaires/clinic/versions/${v2}/retire`)).status).toBe(409);

    const audit = (await api(t, viewer).get('/api/v1/audit?target=questionnaire%20clinic')).json.items as Array<{ actor: string; action: string; target: string }>;
    expect(audit.map((e) => `${e.actor} ${e.action} ${e.target}`)).toEqual(
      expect.arrayContaining([`editor tester (editor) questionnaire.published questionnaire clinic@${v2}`, `editor tester (editor) questionnaire.retired questionnaire clinic@${v2}`]),
    );

    const diff = (await api(t, viewer).get(`/api/v1/questionnaires/clinic/diff?from=${v2 - 1}&to=${v2}`)).json;
    expect(diff.changes).toEqual([
      { area: 'text', path: 'questions.wait.text', lang: 'en', change: 'changed', before: 'How long did you wait before you were helped?', after: 'Version two: how long was your wait?' },
    ]);
  });

  it('shows script in a questionnaire text as text, never as markup', async () => {
    const draft = (await api(t, editor).post('/api/v1/drafts', { questionnaireId: 'social_grant' })).json;
    const texts = structuredClone(draft.texts);
    texts.en.title = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    await api(t, editor).put(`/api/v1/drafts/${draft.id}`, { definition: draft.definition, texts, revision: draft.revision });
    const page = await api(t, editor).get(`/staff/drafts/${draft.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).not.toContain('<img src=x');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('runs the phone simulator over a draft with the real engine, storing nothing', async () => {
    const draft = (await api(t, editor).post('/api/v1/drafts', { questionnaireId: 'clinic' })).json;
    const before = (await t.storage.facilities.list()).length;
    let hop = (await api(t, editor).post(`/api/v1/drafts/${draft.id}/simulate`, {})).json;
    // the screen as a phone shows it; the protocol text beside it
    expect(hop.screen.text).toMatch(/^Language/);
    expect(hop.screen.wire).toBe(`CON ${hop.screen.text}`);
    expect(hop.screen.end).toBe(false);
    const screens: string[] = [];
    for (const input of ['1', '1001', '1', '2', '4']) {
      hop = (await api(t, editor).post(`/api/v1/drafts/${draft.id}/simulate`, { state: hop.state, page: hop.page, input })).json;
      screens.push(hop.screen.text);
    }
    expect(screens[2]).toContain('How long did you wait');
    expect(hop.recorded).toEqual([{ questionId: 'staff', value: 4, question: 'Question 2', answer: 'Good' }]);
    // to the end: the last screen comes without END, marked as the last
    for (const input of ['1', '5', '1', '1', '00', '00']) hop = (await api(t, editor).post(`/api/v1/drafts/${draft.id}/simulate`, { state: hop.state, page: hop.page, input })).json;
    expect(hop.screen).toMatchObject({ end: true, text: expect.stringMatching(/^Thank you/) });
    expect(hop.screen.wire).toBe(`END ${hop.screen.text}`);
    // a state the draft's machine cannot continue (a question removed since) is refused, naming why
    const gone = await api(t, editor).post(`/api/v1/drafts/${draft.id}/simulate`, { state: { value: { questions: 'q_removed' }, context: { ...hop.state.context } }, input: '1' });
    expect(gone.status).toBe(422);
    // something that is not a conversation state at all is a bad request
    const bad = await api(t, editor).post(`/api/v1/drafts/${draft.id}/simulate`, { state: { phase: 'questions', machine: null }, input: '1' });
    expect(bad.status).toBe(400);
    expect((await t.storage.facilities.list()).length).toBe(before);
  });
});
